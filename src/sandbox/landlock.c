/* SPDX-License-Identifier: MIT */
/*
 * The Landlock fast path. For an allowed open, replying CONTINUE would be a TOCTOU hole:
 * the worker could rewrite the path after the decision. It is safe exactly where the kernel
 * itself enforces the same answer: the worker is Landlock-restricted to read (READ_FILE,
 * READ_DIR) only beneath the "clean" allowed read subtrees, and to write (WRITE_FILE,
 * TRUNCATE, MAKE_REG) only beneath the clean allowed write subtrees, those with no deny
 * rule of the same permission inside. Whatever path the kernel ends up opening, it opens it
 * only if the policy allows it too. Opens anywhere else (deny carve-outs, /proc) are
 * emulated by the supervisor, which Landlock does not restrict. docs/architecture.md has
 * the argument.
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

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif

/* ABI 6 (Linux 6.12); Debian 12's headers predate it. */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
struct ruleset_attr_v6 {
        uint64_t handled_access_fs;
        uint64_t handled_access_net;
        uint64_t scoped;
};

#define READ_RIGHTS (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* What a CONTINUE'd write open can need: writing, truncating, creating a regular file. */
#define WRITE_RIGHTS (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_MAKE_REG)
/* Rights that only make sense on a directory (Landlock refuses them on files). */
#define DIR_ONLY_RIGHTS (LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_MAKE_REG)

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

static int grant(struct pt_landlock_plan *plan, const char *path, uint64_t access)
{
        for (size_t i = 0; i < plan->n; i++)
                if (strcmp(plan->paths[i], path) == 0) {
                        plan->access[i] |= access;
                        return 0;
                }
        if (plan->n >= PT_LANDLOCK_MAX)
                return 0; /* not enforced by Landlock: emulated instead, still correct */
        plan->paths[plan->n] = strdup(path);
        if (!plan->paths[plan->n])
                return -ENOMEM;
        plan->access[plan->n++] = access;
        return 0;
}

/* The allowed subtrees of perm with no deny rule of perm inside them ("clean"). */
static int plan_perm(const struct pt_policy *p, enum pt_perm perm, uint64_t access, struct pt_landlock_plan *ret)
{
        const struct pt_rules *allow = &p->allow[perm], *deny = &p->deny[perm];
        if (deny->all)
                return 0;
        if (allow->all)
                return deny->n == 0 ? grant(ret, "/", access) : 0;
        for (size_t i = 0; i < allow->n; i++) {
                const struct pt_rule *r = &allow->v[i];
                if (under_proc(r->text) || any_deny_inside(deny, r->text, r->len))
                        continue;
                struct pt_decision d;
                pt_decide_path(p, perm, r->text, &d);
                if (!d.allow)
                        continue;
                int e = grant(ret, r->text, access);
                if (e < 0)
                        return e;
        }
        return 0;
}

int pt_landlock_plan(const struct pt_policy *p, bool enabled, struct pt_landlock_plan *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->abi = pt_landlock_abi();
        if (ret->abi <= 0)
                return 0;
        /*
         * Scoping is not part of the fast path and stays on with --no-landlock: a signal sent
         * from inside (kill, a process group, F_SETOWN) reaches only the worker's own
         * processes, and an abstract socket only its own listeners. The own session and pid
         * namespace already keep both inside; this holds even where those would not.
         */
        if (ret->abi >= 6)
                ret->scoped = LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
        if (!enabled)
                return 0;
        int r = 0;
        /* The kernel needs READ_FILE to exec a program. When any program may run (bare
         * --allow-run) but not everything may be read, Landlock cannot hold the read rules:
         * reads are then all emulated. */
        if (!p->allow[PT_PERM_RUN].all || pt_policy_allows_all(p, PT_PERM_READ)) {
                ret->handled = READ_RIGHTS;
                r = plan_perm(p, PT_PERM_READ, READ_RIGHTS, ret);
        }
        /* Writes need TRUNCATE in the ruleset (ABI 3), or O_TRUNC would escape it. */
        if (r == 0 && ret->abi >= 3) {
                ret->handled |= WRITE_RIGHTS;
                r = plan_perm(p, PT_PERM_WRITE, WRITE_RIGHTS, ret);
        }
        return r;
}

void pt_landlock_plan_free(struct pt_landlock_plan *plan)
{
        for (size_t i = 0; i < plan->n; i++)
                free(plan->paths[i]);
        plan->n = 0;
}

int pt_landlock_apply(const struct pt_landlock_plan *plan, uint64_t *bitmap, size_t words)
{
        struct ruleset_attr_v6 attr = { .handled_access_fs = plan->handled, .scoped = plan->scoped };
        /* the fs-only size where scoping is absent: older kernels refuse unknown non-zero fields */
        size_t size = plan->scoped ? sizeof(attr) : sizeof(attr.handled_access_fs);
        if (!plan->handled && !plan->scoped)
                return 0;
        int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
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
                uint64_t access = plan->access[i];
                if (!S_ISDIR(st.st_mode))
                        access &= ~(uint64_t)DIR_ONLY_RIGHTS;
                struct landlock_path_beneath_attr pb = { .allowed_access = access, .parent_fd = fd };
                if (access && syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == 0)
                        bitmap[i / 64] |= 1ull << (i % 64);
                close(fd);
        }
        int r = 0;
        if (syscall(__NR_landlock_restrict_self, ruleset, 0) < 0)
                r = -errno;
        close(ruleset);
        return r;
}

static int add_clean(struct pt_clean_set *cs, const char *path)
{
        char **p = realloc(cs->paths, (cs->n + 1) * sizeof(*p));
        if (!p)
                return -ENOMEM;
        cs->paths = p;
        size_t *l = realloc(cs->lens, (cs->n + 1) * sizeof(*l));
        if (!l)
                return -ENOMEM;
        cs->lens = l;
        cs->paths[cs->n] = (char *)path;
        cs->lens[cs->n++] = strlen(path);
        return 0;
}

int pt_clean_sets_from_plan(const struct pt_landlock_plan *plan, const uint64_t *bitmap, size_t words,
                            struct pt_clean_set *ret_read, struct pt_clean_set *ret_write)
{
        memset(ret_read, 0, sizeof(*ret_read));
        memset(ret_write, 0, sizeof(*ret_write));
        for (size_t i = 0; i < plan->n && i < words * 64; i++) {
                if (!(bitmap[i / 64] & (1ull << (i % 64))))
                        continue;
                int r = 0;
                if (plan->access[i] & LANDLOCK_ACCESS_FS_READ_FILE)
                        r = add_clean(ret_read, plan->paths[i]);
                if (r == 0 && (plan->access[i] & LANDLOCK_ACCESS_FS_WRITE_FILE))
                        r = add_clean(ret_write, plan->paths[i]);
                if (r < 0)
                        return r;
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

bool pt_clean_covers_strictly(const struct pt_clean_set *cs, const char *canon)
{
        if (!cs || canon[0] != '/')
                return false;
        for (size_t i = 0; i < cs->n; i++)
                if (strlen(canon) > cs->lens[i] && pt_path_covers(cs->paths[i], cs->lens[i], canon))
                        return true;
        return false;
}
