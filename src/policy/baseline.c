/* SPDX-License-Identifier: MIT */
/*
 * The runtime baseline (design 1.5): what any dynamically linked program needs to start.
 * Granted as read and ffi (and /dev/null as write) under the source "baseline"; cut by any
 * --deny-*, switched off with --no-baseline. The interpreter's own files and the program are
 * added by the caller through `extra`.
 */
#include <errno.h>
#include <string.h>

#include "policy/rules.h"

static const char *const baseline_read[] = {
        /* the dynamic loader and system libraries */
        "/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/lib32",
        "/etc/ld.so.cache", "/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
        /* locale and zone data */
        "/usr/share/locale", "/usr/share/zoneinfo", "/etc/localtime", "/etc/timezone", "/etc/locale.alias",
        /* libc's name-service configuration (not the databases: /etc/passwd is sys userInfo) */
        "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf",
        /* TLS configuration and the public CA certificates (never /etc/ssl/private) */
        "/etc/ssl/openssl.cnf", "/etc/ssl/certs", "/usr/share/ca-certificates",
        /* harmless devices */
        "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
        /* the worker's own process */
        "/proc/self", "/proc/thread-self",
};

static const char *const baseline_write[] = {
        "/dev/null",
        "/dev/full",
};

static int add_paths(struct pt_policy *p, const struct pt_context *ctx, enum pt_perm perm,
                     const char *const *paths, size_t n, struct pt_error *err)
{
        for (size_t i = 0; i < n; i++) {
                int r = pt_policy_add_value(p, ctx, perm, false, paths[i], "baseline", "baseline", err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int pt_policy_add_baseline(struct pt_policy *p, const struct pt_context *ctx, const char *const *extra,
                           struct pt_error *err)
{
        size_t nextra = 0;
        int r;

        while (extra && extra[nextra])
                nextra++;
        for (enum pt_perm perm = PT_PERM_READ; perm <= PT_PERM_FFI; perm++) {
                if (perm != PT_PERM_READ && perm != PT_PERM_FFI)
                        continue;
                r = add_paths(p, ctx, perm, baseline_read, sizeof(baseline_read) / sizeof(baseline_read[0]), err);
                if (r < 0)
                        return r;
                r = add_paths(p, ctx, perm, extra, nextra, err);
                if (r < 0)
                        return r;
        }
        return add_paths(p, ctx, PT_PERM_WRITE, baseline_write, sizeof(baseline_write) / sizeof(baseline_write[0]),
                         err);
}
