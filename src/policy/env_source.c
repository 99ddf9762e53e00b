/* SPDX-License-Identifier: MIT */
/* The POD_* environment variables of the seed (section 3). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/rules.h"
#include "util/cleanup.h"

#define POD_POLICY_JSON "POD_POLICY_JSON"
#define POD_POLICY_JSON_MAX (1 << 20)

static int add_pod_var(struct pt_policy *p, const struct pt_context *ctx, const char *name, const char *value,
                       struct pt_error *err)
{
        const char *rest;
        bool deny;

        if (strncmp(name, "POD_ALLOW_", 10) == 0) {
                deny = false;
                rest = name + 10;
        } else if (strncmp(name, "POD_DENY_", 9) == 0) {
                deny = true;
                rest = name + 9;
        } else {
                return 0; /* some other POD_* variable (POD_NAME in Kubernetes...): scrubbed, not policy */
        }

        static const char *const cats[PT_PERM_COUNT] = {
                [PT_PERM_READ] = "READ", [PT_PERM_WRITE] = "WRITE", [PT_PERM_NET] = "NET", [PT_PERM_ENV] = "ENV",
                [PT_PERM_RUN] = "RUN",   [PT_PERM_FFI] = "FFI",     [PT_PERM_SYS] = "SYS",
        };
        for (unsigned i = 0; i < PT_PERM_COUNT; i++) {
                if (strcmp(rest, cats[i]) != 0)
                        continue;
                if (!*value)
                        /* Fail closed: an empty variable (a template that expanded to nothing) must
                         * not turn into "allow everything". */
                        return pt_error_set(err, -EINVAL,
                                            "%s: empty value (list what to allow; for a whole category use "
                                            "POD_POLICY_JSON, e.g. {\"%s\": true})",
                                            name, pt_perm_name(i));
                return pt_policy_add_list(p, ctx, i, deny, value, name, err);
        }
        return pt_error_set(err, -EINVAL,
                            "%s: unknown permission variable (known: POD_ALLOW_X and POD_DENY_X for X in READ "
                            "WRITE NET ENV RUN FFI SYS, and POD_POLICY_JSON)",
                            name);
}

static int add_policy_json(struct pt_policy *p, const struct pt_context *ctx, const char *value,
                           struct pt_error *err)
{
        _cleanup_free_ unsigned char *json = NULL;
        size_t len, bad;
        size_t n = strlen(value);

        if (n == 0)
                return pt_error_set(err, -EINVAL, POD_POLICY_JSON ": empty value");
        if (n > POD_POLICY_JSON_MAX)
                return pt_error_set(err, -EFBIG, POD_POLICY_JSON ": larger than %d bytes", POD_POLICY_JSON_MAX);
        int r = pt_base64_decode(value, n, &json, &len, &bad);
        if (r == -ENOMEM)
                return pt_error_set(err, r, POD_POLICY_JSON ": out of memory");
        if (r < 0)
                return pt_error_set(err, r, POD_POLICY_JSON ": invalid base64 at byte %zu", bad);
        return pt_policy_add_json(p, ctx, (const char *)json, len, POD_POLICY_JSON, err);
}

int pt_policy_add_env(struct pt_policy *p, const struct pt_context *ctx, char *const *envp, struct pt_error *err)
{
        for (char *const *e = envp; e && *e; e++) {
                if (strncmp(*e, "POD_", 4) != 0)
                        continue;
                const char *eq = strchr(*e, '=');
                if (!eq)
                        continue;
                size_t nlen = (size_t)(eq - *e);
                char name[64];
                if (nlen >= sizeof(name)) {
                        if (strncmp(*e, "POD_ALLOW_", 10) == 0 || strncmp(*e, "POD_DENY_", 9) == 0)
                                return pt_error_set(err, -EINVAL, "%.40s...: unknown permission variable", *e);
                        continue; /* not a policy variable */
                }
                memcpy(name, *e, nlen);
                name[nlen] = '\0';
                int r = strcmp(name, POD_POLICY_JSON) == 0 ? add_policy_json(p, ctx, eq + 1, err)
                                                           : add_pod_var(p, ctx, name, eq + 1, err);
                if (r < 0)
                        return r;
        }
        return 0;
}
