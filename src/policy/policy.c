/* SPDX-License-Identifier: MIT */
/* Policy construction: categories, sources, and adding values from any input. */
#include "policy/policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/rules.h"
#include "util/cleanup.h"

static const char *const perm_names[PT_PERM_COUNT] = {
        [PT_PERM_READ] = "read", [PT_PERM_WRITE] = "write", [PT_PERM_NET] = "net",
        [PT_PERM_ENV] = "env",   [PT_PERM_RUN] = "run",     [PT_PERM_FFI] = "ffi",
        [PT_PERM_SYS] = "sys",
};

static const char *const sys_names[PT_SYS_COUNT] = {
        [PT_SYS_HOSTNAME] = "hostname",
        [PT_SYS_OS_RELEASE] = "osRelease",
        [PT_SYS_OS_UPTIME] = "osUptime",
        [PT_SYS_LOADAVG] = "loadavg",
        [PT_SYS_NETWORK_INTERFACES] = "networkInterfaces",
        [PT_SYS_SYSTEM_MEMORY_INFO] = "systemMemoryInfo",
        [PT_SYS_UID] = "uid",
        [PT_SYS_GID] = "gid",
        [PT_SYS_CPUS] = "cpus",
        [PT_SYS_HOMEDIR] = "homedir",
        [PT_SYS_STATFS] = "statfs",
        [PT_SYS_GET_PRIORITY] = "getPriority",
        [PT_SYS_SET_PRIORITY] = "setPriority",
        [PT_SYS_USER_INFO] = "userInfo",
};

const char *pt_perm_name(enum pt_perm perm)
{
        return perm < PT_PERM_COUNT ? perm_names[perm] : "?";
}

int pt_perm_from_name(const char *name, enum pt_perm *ret_perm)
{
        for (unsigned i = 0; i < PT_PERM_COUNT; i++)
                if (strcmp(name, perm_names[i]) == 0) {
                        *ret_perm = i;
                        return 0;
                }
        return -EINVAL;
}

const char *pt_sys_name(enum pt_sys sys)
{
        return sys < PT_SYS_COUNT ? sys_names[sys] : "?";
}

int pt_sys_from_name(const char *name, enum pt_sys *ret_sys)
{
        for (unsigned i = 0; i < PT_SYS_COUNT; i++)
                if (strcmp(name, sys_names[i]) == 0) {
                        *ret_sys = i;
                        return 0;
                }
        return -EINVAL;
}

int pt_error_set(struct pt_error *err, int r, const char *fmt, ...)
{
        if (err) {
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
                va_end(ap);
                /* The message quotes untrusted values (env vars, JSON strings, file names): keep it
                 * one line, and keep escape sequences away from the user's terminal. */
                for (char *c = err->msg; *c; c++)
                        if ((unsigned char)*c < 0x20 || *c == 0x7f)
                                *c = '?';
        }
        return r;
}

void pt_policy_init(struct pt_policy *p)
{
        memset(p, 0, sizeof(*p));
}

static void rules_free(struct pt_rules *rs)
{
        for (size_t i = 0; i < rs->n; i++) {
                free(rs->v[i].text);
                free(rs->v[i].resolved);
        }
        free(rs->v);
        memset(rs, 0, sizeof(*rs));
}

void pt_policy_free(struct pt_policy *p)
{
        for (unsigned i = 0; i < PT_PERM_COUNT; i++) {
                rules_free(&p->allow[i]);
                rules_free(&p->deny[i]);
        }
        for (size_t i = 0; i < p->nsources; i++)
                free(p->sources[i]);
        free(p->sources);
        memset(p, 0, sizeof(*p));
}

const char *pt_policy_source(struct pt_policy *p, const char *name)
{
        for (size_t i = 0; i < p->nsources; i++)
                if (strcmp(p->sources[i], name) == 0)
                        return p->sources[i];
        char **v = realloc(p->sources, (p->nsources + 1) * sizeof(*v));
        if (!v)
                return NULL;
        p->sources = v;
        v[p->nsources] = strdup(name);
        if (!v[p->nsources])
                return NULL;
        return v[p->nsources++];
}

struct pt_rules *pt_rules_of(struct pt_policy *p, enum pt_perm perm, bool deny)
{
        return deny ? &p->deny[perm] : &p->allow[perm];
}

/* Append a rule, taking ownership of its heap fields; skips exact duplicates. */
int pt_rules_push(struct pt_rules *rs, struct pt_rule *rule)
{
        for (size_t i = 0; i < rs->n; i++)
                if (strcmp(rs->v[i].text, rule->text) == 0) {
                        free(rule->text);
                        free(rule->resolved);
                        return 0;
                }
        if (rs->n == rs->cap) {
                size_t cap = rs->cap ? rs->cap * 2 : 8;
                struct pt_rule *v = realloc(rs->v, cap * sizeof(*v));
                if (!v) {
                        free(rule->text);
                        free(rule->resolved);
                        return -ENOMEM;
                }
                rs->v = v;
                rs->cap = cap;
        }
        rs->v[rs->n++] = *rule;
        return 0;
}

int pt_policy_add_all(struct pt_policy *p, enum pt_perm perm, bool deny, const char *source)
{
        const char *src = pt_policy_source(p, source);
        if (!src)
                return -ENOMEM;
        struct pt_rules *rs = pt_rules_of(p, perm, deny);
        if (!rs->all)
                rs->all = src;
        return 0;
}

int pt_policy_add_value(struct pt_policy *p, const struct pt_context *ctx, enum pt_perm perm, bool deny,
                        const char *value, const char *source, const char *where, struct pt_error *err)
{
        struct pt_rule rule = { 0 };
        const char *why = NULL;
        int r;

        if (perm >= PT_PERM_COUNT)
                return pt_error_set(err, -EINVAL, "%s: unknown permission", where);
        if (!value || !*value)
                return pt_error_set(err, -EINVAL, "%s: empty value", where);
        if (strlen(value) > 4096)
                return pt_error_set(err, -ENAMETOOLONG, "%s: value longer than 4096 bytes", where);

        switch (perm) {
        case PT_PERM_READ:
        case PT_PERM_WRITE:
        case PT_PERM_FFI:
                r = pt_path_rule_parse(ctx, value, &rule, &why);
                break;
        case PT_PERM_NET:
                r = pt_net_parse(value, &rule.net, &rule.text, &why);
                break;
        case PT_PERM_ENV:
                r = pt_env_rule_parse(value, &rule, &why);
                break;
        case PT_PERM_RUN:
                r = pt_run_rule_parse(ctx, value, &rule, &why);
                break;
        case PT_PERM_SYS: {
                enum pt_sys sys;
                r = pt_sys_from_name(value, &sys);
                if (r < 0) {
                        why = "unknown sys name (known: hostname osRelease osUptime loadavg networkInterfaces "
                              "systemMemoryInfo uid gid cpus homedir statfs getPriority setPriority userInfo)";
                        break;
                }
                rule.sys = sys;
                rule.text = strdup(value);
                r = rule.text ? 0 : -ENOMEM;
                break;
        }
        default:
                r = -EINVAL;
        }
        if (r < 0) {
                free(rule.text);
                free(rule.resolved);
                if (r == -ENOMEM)
                        return pt_error_set(err, r, "%s: out of memory", where);
                return pt_error_set(err, r, "%s: %s \"%s\"", where, why ? why : "invalid value", value);
        }
        if (rule.len == 0 && !rule.prefix)
                rule.len = strlen(rule.text);
        rule.source = pt_policy_source(p, source);
        if (!rule.source) {
                free(rule.text);
                free(rule.resolved);
                return pt_error_set(err, -ENOMEM, "%s: out of memory", where);
        }
        r = pt_rules_push(pt_rules_of(p, perm, deny), &rule);
        if (r < 0)
                return pt_error_set(err, r, "%s: out of memory", where);
        return 0;
}

int pt_policy_add_list(struct pt_policy *p, const struct pt_context *ctx, enum pt_perm perm, bool deny,
                       const char *list, const char *source, struct pt_error *err)
{
        if (!list) {
                int r = pt_policy_add_all(p, perm, deny, source);
                return r < 0 ? pt_error_set(err, r, "%s: out of memory", source) : 0;
        }
        if (!*list)
                return pt_error_set(err, -EINVAL,
                                    "%s: empty list (give a value, or no '=' at all for the whole category)",
                                    source);

        _cleanup_free_ char *copy = strdup(list);
        if (!copy)
                return pt_error_set(err, -ENOMEM, "%s: out of memory", source);
        char *item = copy;
        for (;;) {
                char *comma = strchr(item, ',');
                if (comma)
                        *comma = '\0';
                if (!*item)
                        return pt_error_set(err, -EINVAL, "%s: empty element in list \"%s\"", source, list);
                int r = pt_policy_add_value(p, ctx, perm, deny, item, source, source, err);
                if (r < 0)
                        return r;
                if (!comma)
                        return 0;
                item = comma + 1;
        }
}

bool pt_policy_allows_all(const struct pt_policy *p, enum pt_perm perm)
{
        return p->allow[perm].all && !p->deny[perm].all && p->deny[perm].n == 0;
}
