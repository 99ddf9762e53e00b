/* SPDX-License-Identifier: MIT */
/* Path rules (read, write, ffi): canonicalisation at start-up and subtree matching. */
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "policy/rules.h"
#include "util/cleanup.h"

/* Append component `c` (len n) to canonical `buf` (used bytes *len), folding "." and "..". */
static int push_component(char *buf, size_t *len, const char *c, size_t n)
{
        if (n == 0 || (n == 1 && c[0] == '.'))
                return 0;
        if (n == 2 && c[0] == '.' && c[1] == '.') {
                while (*len > 1 && buf[*len - 1] != '/')
                        (*len)--;
                if (*len > 1)
                        (*len)--;
                buf[*len] = '\0';
                return 0;
        }
        if (*len + (*len > 1) + n + 1 > PATH_MAX)
                return -ENAMETOOLONG;
        if (*len > 1)
                buf[(*len)++] = '/';
        memcpy(buf + *len, c, n);
        *len += n;
        buf[*len] = '\0';
        return 0;
}

int pt_path_fold_lexically(const char *value, char *buf)
{
        size_t len = 1;
        const char *p = value;

        strcpy(buf, "/");
        while (*p) {
                while (*p == '/')
                        p++;
                const char *e = p;
                while (*e && *e != '/')
                        e++;
                int r = push_component(buf, &len, p, (size_t)(e - p));
                if (r < 0)
                        return r;
                p = e;
        }
        return 0;
}

/*
 * /proc/self and /proc/thread-self name the worker's own process, not podtrace: keep them
 * as written (buf: folded lexically). The access side spells the worker's own /proc entries
 * the same way, so a rule for /proc/self covers them. It decides a per-thread file as the
 * per-process one it mirrors (/proc/self/task/<tid>/X as /proc/self/X), so a rule written
 * with a thread in it means the same: /proc/thread-self/X and /proc/self/task/<tid>/X are
 * /proc/self/X.
 */
static int canonicalize_proc_self(const char *buf, char **ret_path)
{
        const char *rest = NULL;
        if (strncmp(buf, "/proc/thread-self", 17) == 0 && (buf[17] == '\0' || buf[17] == '/')) {
                rest = buf + 17;
        } else if (strncmp(buf, "/proc/self/task/", 16) == 0) {
                size_t n = strspn(buf + 16, "0123456789");
                if (n > 0 && (buf[16 + n] == '\0' || buf[16 + n] == '/'))
                        rest = buf + 16 + n;
        }
        if (rest) {
                if (asprintf(ret_path, "/proc/self%s", rest) < 0)
                        return -ENOMEM;
                return 0;
        }
        *ret_path = strdup(buf);
        return *ret_path ? 0 : -ENOMEM;
}

static bool names_proc_self(const char *v)
{
        return (strncmp(v, "/proc/self", 10) == 0 && (v[10] == '\0' || v[10] == '/')) ||
               (strncmp(v, "/proc/thread-self", 17) == 0 && (v[17] == '\0' || v[17] == '/'));
}

int pt_path_canonicalize(const struct pt_context *ctx, const char *value, char **ret_path)
{
        _cleanup_free_ char *abs = NULL;
        char resolved[PATH_MAX];
        size_t n;
        bool dotdot = false;

        if (value[0] == '/') {
                abs = strdup(value);
        } else {
                if (!ctx || !ctx->cwd || ctx->cwd[0] != '/')
                        return -EINVAL;
                if (asprintf(&abs, "%s/%s", ctx->cwd, value) < 0)
                        abs = NULL;
        }
        if (!abs)
                return -ENOMEM;
        n = strlen(abs);
        if (n >= PATH_MAX)
                return -ENAMETOOLONG;

        /* Judged on the folded form: "//proc/self", "/proc/./self" and a cwd of /proc are the
         * worker's too, and realpath() would turn them into podtrace's own pid. */
        if (pt_path_fold_lexically(abs, resolved) == 0 && names_proc_self(resolved))
                return canonicalize_proc_self(resolved, ret_path);

        /*
         * Find the longest prefix that exists; symlinks are resolved there. Prefixes end at a
         * component, never at a '/': realpath("/usr/bin/python3/") fails with ENOTDIR where
         * "/usr/bin/python3" resolves the link to the file.
         */
        size_t cut = n;
        while (cut > 1 && abs[cut - 1] == '/')
                cut--;
        for (;;) {
                char saved = abs[cut];
                abs[cut] = '\0';
                char *ok = realpath(cut ? abs : "/", resolved);
                int e = errno;
                abs[cut] = saved;
                if (ok)
                        break;
                if (e != ENOENT && e != ENOTDIR)
                        return -e;
                if (cut <= 1) {
                        cut = 0;
                        break;
                }
                while (cut > 0 && abs[cut - 1] != '/')
                        cut--;
                while (cut > 1 && abs[cut - 1] == '/')
                        cut--;
        }
        if (cut == 0)
                strcpy(resolved, "/");

        /* Fold the part that does not exist lexically onto the canonical prefix. */
        size_t len = strlen(resolved);
        const char *p = abs + cut;
        while (*p) {
                while (*p == '/')
                        p++;
                const char *e = p;
                while (*e && *e != '/')
                        e++;
                if (e - p == 2 && p[0] == '.' && p[1] == '.')
                        dotdot = true;
                int r = push_component(resolved, &len, p, (size_t)(e - p));
                if (r < 0)
                        return r;
                p = e;
        }
        /* A ".." in the missing part climbed back into the existing part ("/nope/../bin"):
         * what it lands on may be a symlink, so resolve once more. The result has no "..",
         * so this recurses once. */
        if (dotdot)
                return pt_path_canonicalize(ctx, resolved, ret_path);
        *ret_path = strdup(resolved);
        return *ret_path ? 0 : -ENOMEM;
}

bool pt_path_covers(const char *rule, size_t rule_len, const char *path)
{
        if (rule_len == 1 && rule[0] == '/')
                return path[0] == '/';
        return strncmp(path, rule, rule_len) == 0 && (path[rule_len] == '\0' || path[rule_len] == '/');
}

int pt_path_rule_parse(const struct pt_context *ctx, const char *value, struct pt_rule *rule, const char **why)
{
        int r = pt_path_canonicalize(ctx, value, &rule->text);
        if (r == -ELOOP)
                *why = "too many levels of symbolic links in path";
        else if (r == -ENAMETOOLONG)
                *why = "path too long";
        else if (r == -EINVAL)
                *why = "relative path without a working directory";
        else if (r < 0 && r != -ENOMEM)
                *why = "cannot resolve path";
        return r;
}

static bool path_covers(const struct pt_rule *rule, const void *query)
{
        return pt_path_covers(rule->text, rule->len, query);
}

void pt_decide_path(const struct pt_policy *p, enum pt_perm perm, const char *canon, struct pt_decision *ret)
{
        pt_decide(p, perm, path_covers, canon, ret);
        pt_learn_default(p, perm, canon, ret);
}


static const struct pt_rule *leads_to(const struct pt_rules *rs, const char *canon, size_t len)
{
        for (size_t i = 0; i < rs->n; i++)
                if (rs->v[i].len > len && pt_path_covers(canon, len, rs->v[i].text))
                        return &rs->v[i];
        return NULL;
}

void pt_decide_probe(const struct pt_policy *p, const char *canon, struct pt_decision *ret)
{
        pt_decide(p, PT_PERM_READ, path_covers, canon, ret);
        if (ret->allow || ret->source)
                return; /* allowed, or denied by a rule: that stands */
        size_t len = strlen(canon);
        const struct pt_rule *r = leads_to(&p->allow[PT_PERM_READ], canon, len);
        if (!r)
                r = leads_to(&p->allow[PT_PERM_WRITE], canon, len);
        if (!r) {
                pt_learn_default(p, PT_PERM_READ, canon, ret); /* only what no rule leads to */
                return;
        }
        ret->allow = true;
        ret->ancestor = true;
        ret->rule = r;
        ret->source = r->source;
}
