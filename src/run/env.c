/* SPDX-License-Identifier: MIT */
/*
 * The worker's start-up environment (design 1.4). POD_* is removed whatever --allow-env
 * says; a small set of non-sensitive variables passes by default; --allow-env adds names
 * and PREFIX_* wildcards, bare --allow-env passes everything else; --deny-env removes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run/program.h"

static const char *const default_names[] = {
        "PATH", "HOME", "LANG", "LANGUAGE", "TERM", "TZ", "USER", "LOGNAME", "COLORTERM", "NO_COLOR",
        "PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONDONTWRITEBYTECODE",
};

/* The proxy variables are podtrace's to set (run.c): the caller's never pass. */
static const char *const proxy_names[] = {
        "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "NO_PROXY", "no_proxy",
};

bool pt_env_is_proxy_var(const char *name)
{
        for (size_t i = 0; i < sizeof(proxy_names) / sizeof(proxy_names[0]); i++)
                if (strcmp(name, proxy_names[i]) == 0)
                        return true;
        return false;
}

static bool in_default_set(const char *name)
{
        if (strncmp(name, "LC_", 3) == 0)
                return true;
        for (size_t i = 0; i < sizeof(default_names) / sizeof(default_names[0]); i++)
                if (strcmp(name, default_names[i]) == 0)
                        return true;
        return false;
}

int pt_env_build(const struct pt_policy *p, char *const *envp, char ***ret_envp)
{
        char **out = NULL;
        size_t n = 0;
        int r = pt_strv_push(&out, &n, "PODTRACE=1");

        for (char *const *e = envp; r == 0 && e && *e; e++) {
                const char *eq = strchr(*e, '=');
                if (!eq)
                        continue;
                char name[256];
                size_t len = (size_t)(eq - *e);
                if (len == 0 || len >= sizeof(name))
                        continue;
                memcpy(name, *e, len);
                name[len] = '\0';
                if (strncmp(name, "POD_", 4) == 0 || strcmp(name, "PODTRACE") == 0 || pt_env_is_proxy_var(name))
                        continue;
                struct pt_decision d;
                pt_decide_env(p, name, &d);
                /* explicit denials win over the default set; allows add to it */
                bool keep = d.allow || (in_default_set(name) && !(d.source && !d.allow));
                if (keep)
                        r = pt_strv_push(&out, &n, *e);
        }
        if (r < 0) {
                pt_strv_free(out);
                return r;
        }
        *ret_envp = out;
        return 0;
}
