/* SPDX-License-Identifier: MIT */
/*
 * Start-up side of the run permission: the set of programs (st_dev, st_ino) the worker may
 * become, checked at every PTRACE_EVENT_EXEC; and "a program you may run, you may read":
 * the kernel reads a program to exec it (Landlock checks READ_FILE at exec), so each allowed
 * program, and the interpreter of an allowed #! script, is added as a read rule too.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/exec_rules.h"
#include "util/cleanup.h"

static bool blank(char ch)
{
        return ch == ' ' || ch == '\t';
}

int pt_shebang_parse(int fd, struct pt_shebang *ret)
{
        char head[256]; /* BINPRM_BUF_SIZE: the kernel reads no more */
        ssize_t n = pread(fd, head, sizeof(head), 0);
        if (n < 2 || head[0] != '#' || head[1] != '!')
                return 0;
        size_t end = (size_t)n;
        char *nl = memchr(head, '\n', (size_t)n);
        if (nl)
                end = (size_t)(nl - head);
        else if (memchr(head, '\0', (size_t)n) == NULL && (size_t)n == sizeof(head))
                return 0; /* a line longer than the kernel reads: it may cut it anywhere */
        while (end > 2 && blank(head[end - 1]))
                end--;
        size_t i = 2;
        while (i < end && blank(head[i]))
                i++;
        size_t name = i;
        while (i < end && !blank(head[i]) && head[i] != '\0')
                i++;
        size_t name_len = i - name;
        if (name_len == 0 || name_len >= sizeof(ret->interp) || head[name] != '/')
                return 0;
        memset(ret, 0, sizeof(*ret));
        memcpy(ret->interp, head + name, name_len);
        while (i < end && blank(head[i]))
                i++;
        if (i < end && head[i] != '\0') {
                size_t len = strnlen(head + i, end - i);
                memcpy(ret->arg, head + i, len);
                ret->has_arg = true;
        }
        return 1;
}

int pt_shebang_interpreter(int fd, char *buf, size_t size)
{
        struct pt_shebang sb;
        if (!pt_shebang_parse(fd, &sb) || strlen(sb.interp) >= size)
                return 0;
        memcpy(buf, sb.interp, strlen(sb.interp) + 1);
        return 1;
}

static int set_add(struct pt_exec_set *set, const struct stat *st)
{
        for (size_t i = 0; i < set->n; i++)
                if (set->v[i].dev == st->st_dev && set->v[i].ino == st->st_ino)
                        return 0;
        struct pt_exec_id *v = realloc(set->v, (set->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        set->v = v;
        v[set->n++] = (struct pt_exec_id){ st->st_dev, st->st_ino };
        return 0;
}

/*
 * Add `path` (and the interpreter of its #! line) to `set`; for allowed programs, also as
 * readable. Paths with nothing runnable today add nothing.
 */
static int add_program(struct pt_policy *p, const struct pt_context *ctx, struct pt_exec_set *set,
                       const char *path, const char *source, bool readable, struct pt_error *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return 0;
        int r = set_add(set, &st);
        if (r == 0 && readable)
                r = pt_policy_add_value(p, ctx, PT_PERM_READ, false, path, source, source, err);
        /* The #! interpreter may be read (the kernel opens it), but it is not a program of its
         * own: it may run only as this script's interpreter, checked per exec (exec_check.c). */
        char interp[PATH_MAX];
        if (r == 0 && readable && pt_shebang_interpreter(fd, interp, sizeof(interp))) {
                _cleanup_free_ char *canon = NULL;
                struct stat ist;
                if (pt_path_canonicalize(ctx, interp, &canon) == 0 && stat(canon, &ist) == 0 &&
                    S_ISREG(ist.st_mode))
                        r = pt_policy_add_value(p, ctx, PT_PERM_READ, false, canon, source, source, err);
        }
        if (r == -ENOMEM)
                return pt_error_set(err, r, "out of memory");
        return r;
}

int pt_exec_rules_build(struct pt_policy *p, const struct pt_context *ctx, const char *initial,
                        struct pt_exec_rules *ret, struct pt_error *err)
{
        memset(ret, 0, sizeof(*ret));
        /* The initial program is allowed, like Deno's main module (a deny rule still wins). */
        int r = pt_policy_add_value(p, ctx, PT_PERM_RUN, false, initial, "the program", "the program", err);
        ret->allow_all = p->allow[PT_PERM_RUN].all != NULL && !p->deny[PT_PERM_RUN].all;
        const struct pt_rules *deny = &p->deny[PT_PERM_RUN];
        for (size_t i = 0; r == 0 && i < deny->n; i++)
                if (deny->v[i].resolved)
                        r = add_program(p, ctx, &ret->deny, deny->v[i].resolved, deny->v[i].source, false, err);
        const struct pt_rules *allow = &p->allow[PT_PERM_RUN];
        for (size_t i = 0; r == 0 && i < allow->n; i++) {
                const struct pt_rule *rule = &allow->v[i];
                struct pt_decision d;
                if (!rule->resolved)
                        continue; /* a name not on PATH at start-up matches nothing */
                pt_decide_run(p, rule->resolved, NULL, &d);
                if (d.allow)
                        r = add_program(p, ctx, &ret->allow, rule->resolved, rule->source, true, err);
        }
        return r;
}

void pt_exec_rules_free(struct pt_exec_rules *rules)
{
        free(rules->allow.v);
        free(rules->deny.v);
        memset(rules, 0, sizeof(*rules));
}

bool pt_exec_set_has(const struct pt_exec_set *set, dev_t dev, ino_t ino)
{
        for (size_t i = 0; i < set->n; i++)
                if (set->v[i].dev == dev && set->v[i].ino == ino)
                        return true;
        return false;
}
