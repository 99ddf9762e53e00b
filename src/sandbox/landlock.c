/* SPDX-License-Identifier: MIT */
/*
 * The Landlock fast path. For an allowed read-only open, replying CONTINUE would be a
 * TOCTOU hole: the worker could rewrite the path after the decision. It is safe exactly
 * where the kernel itself enforces the same answer: the worker is Landlock-restricted to
 * read (READ_FILE, READ_DIR) only beneath the "clean" allowed subtrees, those with no deny
 * rule inside. Whatever path the kernel ends up opening, it opens it only if the policy
 * allows it too. Opens anywhere else (deny carve-outs, /proc, writes) are emulated by the
 * supervisor, which Landlock does not restrict. docs/architecture.md has the argument.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy/policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/landlock_plan.h"
#include "seccomp/nr.h"
#include "supervisor/supervisor.h"

#define READ_RIGHTS (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

int pt_landlock_abi(void)
{
        long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
        return abi < 0 ? 0 : (int)abi;
}

static bool under_proc(const char *p)
{
        return strncmp(p, "/proc", 5) == 0 && (p[5] == '\0' || p[5] == '/');
}

static bool any_deny_inside(const struct pt_rules *deny, const char *path, size_t len)
{
        for (size_t i = 0; i < deny->n; i++)
                if (pt_path_covers(path, len, deny->v[i].text))
                        return true;
        return false;
}

static int push(struct pt_landlock_plan *plan, const char *path)
{
        if (plan->n >= PT_LANDLOCK_MAX)
                return 0; /* not enforced by Landlock: emulated instead, still correct */
        plan->paths[plan->n] = strdup(path);
        if (!plan->paths[plan->n])
                return -ENOMEM;
        plan->n++;
        return 0;
}

int pt_landlock_plan(const struct pt_policy *p, bool enabled, struct pt_landlock_plan *ret)
{
        const struct pt_rules *allow = &p->allow[PT_PERM_READ], *deny = &p->deny[PT_PERM_READ];
        memset(ret, 0, sizeof(*ret));
        if (!enabled || deny->all)
                return 0;
        ret->abi = pt_landlock_abi();
        if (ret->abi <= 0)
                return 0;
        if (allow->all) {
                /* Everything readable: clean only if no deny rule at all. */
                return deny->n == 0 ? push(ret, "/") : 0;
        }
        for (size_t i = 0; i < allow->n; i++) {
                const struct pt_rule *r = &allow->v[i];
                if (under_proc(r->text) || any_deny_inside(deny, r->text, r->len))
                        continue;
                struct pt_decision d;
                pt_decide_path(p, PT_PERM_READ, r->text, &d);
                if (!d.allow)
                        continue;
                int e = push(ret, r->text);
                if (e < 0)
                        return e;
        }
        return 0;
}

void pt_landlock_plan_free(struct pt_landlock_plan *plan)
{
        for (size_t i = 0; i < plan->n; i++)
                free(plan->paths[i]);
        plan->n = 0;
}

int pt_landlock_apply(const struct pt_landlock_plan *plan, uint64_t *bitmap, size_t words)
{
        struct landlock_ruleset_attr attr = { .handled_access_fs = READ_RIGHTS };
        int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
        if (ruleset < 0)
                return -errno;
        for (size_t i = 0; i < plan->n && i < words * 64; i++) {
                int fd = open(plan->paths[i], O_PATH | O_CLOEXEC);
                struct stat st;
                if (fd < 0)
                        continue; /* not there at start-up: left to emulation */
                if (fstat(fd, &st) < 0) {
                        close(fd);
                        continue;
                }
                struct landlock_path_beneath_attr pb = {
                        .allowed_access = S_ISDIR(st.st_mode) ? READ_RIGHTS : LANDLOCK_ACCESS_FS_READ_FILE,
                        .parent_fd = fd,
                };
                if (syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == 0)
                        bitmap[i / 64] |= 1ull << (i % 64);
                close(fd);
        }
        int r = 0;
        if (syscall(__NR_landlock_restrict_self, ruleset, 0) < 0)
                r = -errno;
        close(ruleset);
        return r;
}

int pt_clean_set_from_plan(const struct pt_landlock_plan *plan, const uint64_t *bitmap, size_t words,
                           struct pt_clean_set *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->paths = calloc(plan->n ? plan->n : 1, sizeof(char *));
        ret->lens = calloc(plan->n ? plan->n : 1, sizeof(size_t));
        if (!ret->paths || !ret->lens)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n && i < words * 64; i++) {
                if (!(bitmap[i / 64] & (1ull << (i % 64))))
                        continue;
                ret->paths[ret->n] = plan->paths[i];
                ret->lens[ret->n] = strlen(plan->paths[i]);
                ret->n++;
        }
        return 0;
}

bool pt_clean_covers(const struct pt_clean_set *cs, const char *canon)
{
        if (!cs || canon[0] != '/')
                return false;
        for (size_t i = 0; i < cs->n; i++)
                if (pt_path_covers(cs->paths[i], cs->lens[i], canon))
                        return true;
        return false;
}
