/* SPDX-License-Identifier: MIT */
/* env rules (NAME or PREFIX_*) and run rules (a name found on PATH at start-up, or a path). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/rules.h"
#include "util/cleanup.h"

int pt_env_rule_parse(const char *value, struct pt_rule *rule, const char **why)
{
        size_t n = strlen(value);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)value[i];
                if (c == '*' && i != n - 1) {
                        *why = "'*' is only allowed at the end of an env name";
                        return -EINVAL;
                }
                if (c == '=' || c <= ' ' || c >= 0x7f) {
                        *why = "bad env name";
                        return -EINVAL;
                }
        }
        rule->text = strdup(value);
        if (!rule->text)
                return -ENOMEM;
        rule->prefix = value[n - 1] == '*';
        rule->len = rule->prefix ? n - 1 : n;
        return 0;
}

static bool env_covers(const struct pt_rule *rule, const void *query)
{
        const char *name = query;
        if (rule->prefix)
                return strncmp(name, rule->text, rule->len) == 0;
        return strcmp(name, rule->text) == 0;
}

void pt_decide_env(const struct pt_policy *p, const char *name, struct pt_decision *ret)
{
        pt_decide(p, PT_PERM_ENV, env_covers, name, ret);
        pt_learn_default(p, PT_PERM_ENV, name, ret);
}

int pt_find_on_path(const struct pt_context *ctx, const char *name, char **ret_path)
{
        const char *path = ctx && ctx->path_env ? ctx->path_env : "/usr/local/bin:/usr/bin:/bin";
        while (*path) {
                const char *end = strchrnul(path, ':');
                _cleanup_free_ char *cand = NULL;
                if (end == path) {
                        if (asprintf(&cand, "./%s", name) < 0)
                                return -ENOMEM;
                } else if (asprintf(&cand, "%.*s/%s", (int)(end - path), path, name) < 0) {
                        return -ENOMEM;
                }
                struct stat st;
                /* execvp skips a directory of that name (execve fails with EACCES) and goes on. */
                if (faccessat(AT_FDCWD, cand, X_OK, AT_EACCESS) == 0 && stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
                        char *canon = NULL;
                        int r = pt_path_canonicalize(ctx, cand, &canon);
                        if (r < 0)
                                return r;
                        *ret_path = canon;
                        return 0;
                }
                path = *end ? end + 1 : end;
        }
        return -ENOENT;
}

int pt_run_rule_parse(const struct pt_context *ctx, const char *value, struct pt_rule *rule, const char **why)
{
        int r;
        if (strchr(value, '/')) {
                r = pt_path_canonicalize(ctx, value, &rule->text);
                if (r < 0 && r != -ENOMEM)
                        *why = "cannot resolve program path";
                if (r >= 0) {
                        rule->resolved = strdup(rule->text);
                        if (!rule->resolved)
                                return -ENOMEM;
                }
                return r;
        }
        rule->text = strdup(value);
        if (!rule->text)
                return -ENOMEM;
        r = pt_find_on_path(ctx, value, &rule->resolved);
        if (r == -ENOMEM)
                return r;
        /* A name not on PATH stays a name: as a deny rule it matches an exec by that name;
         * as an allow rule it matches nothing (a file the worker writes under that name must
         * not become runnable). */
        return 0;
}

struct run_query {
        const char *path;
        const char *name;
        const struct pt_rules *deny;
};

static bool run_covers(const struct pt_rule *rule, const void *query)
{
        const struct run_query *q = query;
        if (rule->resolved)
                return q->path && strcmp(q->path, rule->resolved) == 0;
        /* By name alone only on the deny side: failing closed is the only safe direction. */
        bool is_deny = rule >= q->deny->v && rule < q->deny->v + q->deny->n;
        return is_deny && q->name && strcmp(q->name, rule->text) == 0;
}

void pt_decide_run(const struct pt_policy *p, const char *path, const char *name, struct pt_decision *ret)
{
        struct run_query q = { path, name, &p->deny[PT_PERM_RUN] };
        pt_decide(p, PT_PERM_RUN, run_covers, &q, ret);
        pt_learn_default(p, PT_PERM_RUN, path ? path : name, ret);
}

void pt_decide_env_all(const struct pt_policy *p, struct pt_decision *ret)
{
        const struct pt_rules *allow = &p->allow[PT_PERM_ENV], *deny = &p->deny[PT_PERM_ENV];
        memset(ret, 0, sizeof(*ret));
        ret->perm = PT_PERM_ENV;
        if (deny->n) {
                /* a whole environment would include what a deny rule hides */
                ret->rule = &deny->v[0];
                ret->source = deny->v[0].source;
                return;
        }
        if (deny->all) {
                ret->source = deny->all;
                return;
        }
        if (allow->all) {
                ret->allow = true;
                ret->source = allow->all;
        }
        pt_learn_default(p, PT_PERM_ENV, NULL, ret);
}
