/* SPDX-License-Identifier: MIT */
/*
 * pt_policy_add_env on an environment built from the input. Entries are separated by NUL
 * bytes; an entry's first byte may pick a POD_* name so the fuzzer need not spell it:
 *   1..14   POD_ALLOW_READ, POD_DENY_READ, ... POD_DENY_SYS, then "=" and the rest
 *   15      POD_POLICY_JSON= and the rest as it is
 *   16, 17  POD_POLICY_JSON= and the rest base64-encoded (standard padded; URL-safe bare),
 *           which must also decode back to the same bytes
 *   other   the entry as it is ("NAME=value", or anything)
 */
#include "fuzz_common.h"

#define MAX_ENTRIES 64

static const char *const pod_names[] = {
        "POD_ALLOW_READ", "POD_DENY_READ", "POD_ALLOW_WRITE", "POD_DENY_WRITE", "POD_ALLOW_NET",
        "POD_DENY_NET",   "POD_ALLOW_ENV", "POD_DENY_ENV",    "POD_ALLOW_RUN",  "POD_DENY_RUN",
        "POD_ALLOW_FFI",  "POD_DENY_FFI",  "POD_ALLOW_SYS",   "POD_DENY_SYS",
};

static char *encode(const char *name, const uint8_t *v, size_t n, int url)
{
        const char *abc = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                              : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t nl = strlen(name);
        char *out = malloc(nl + n / 3 * 4 + 8), *o = out;
        if (!out)
                return NULL;
        memcpy(o, name, nl);
        o += nl;
        for (size_t i = 0; i < n; i += 3) {
                uint32_t acc = (uint32_t)v[i] << 16 | (i + 1 < n ? (uint32_t)v[i + 1] << 8 : 0) |
                               (i + 2 < n ? v[i + 2] : 0);
                size_t left = n - i;
                *o++ = abc[acc >> 18 & 63];
                *o++ = abc[acc >> 12 & 63];
                if (left > 1)
                        *o++ = abc[acc >> 6 & 63];
                else if (!url)
                        *o++ = '=';
                if (left > 2)
                        *o++ = abc[acc & 63];
                else if (!url)
                        *o++ = '=';
        }
        *o = '\0';
        return out;
}

static char *entry(const uint8_t *s, size_t n)
{
        char *e = NULL;
        if (n > 0 && s[0] >= 1 && s[0] <= 14) {
                if (asprintf(&e, "%s=%.*s", pod_names[s[0] - 1], (int)(n - 1), (const char *)s + 1) < 0)
                        e = NULL;
        } else if (n > 0 && s[0] == 15) {
                if (asprintf(&e, "POD_POLICY_JSON=%.*s", (int)(n - 1), (const char *)s + 1) < 0)
                        e = NULL;
        } else if (n > 0 && (s[0] == 16 || s[0] == 17)) {
                e = encode("POD_POLICY_JSON=", s + 1, n - 1, s[0] == 17);
                if (e) {
                        /* round trip: the decoder gives back exactly what was encoded */
                        unsigned char *dec = NULL;
                        size_t len = 0, bad = 0;
                        int r = pt_base64_decode(e + 16, strlen(e + 16), &dec, &len, &bad);
                        FUZZ_CHECK(r == 0, "\"%s\" refused at %zu", e + 16, bad);
                        FUZZ_CHECK(len == n - 1 && memcmp(dec, s + 1, len) == 0 && dec[len] == '\0',
                                   "base64 round trip of %zu bytes", n - 1);
                        free(dec);
                }
        } else {
                e = strndup((const char *)s, n);
        }
        return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const prefixes[] = { "POD_ALLOW_", "POD_DENY_", "POD_POLICY_JSON: ", NULL };
        char *envp[MAX_ENTRIES + 1];
        size_t n = 0;
        struct pt_policy p;
        struct pt_error err = { "" };

        for (size_t start = 0; start <= size && n < MAX_ENTRIES;) {
                const uint8_t *nul = memchr(data + start, 0, size - start);
                size_t end = nul ? (size_t)(nul - data) : size;
                char *e = entry(data + start, end - start);
                if (!e)
                        goto out;
                envp[n++] = e;
                start = end + 1;
        }
        envp[n] = NULL;

        pt_policy_init(&p);
        int r = pt_policy_add_env(&p, &fuzz_ctx, envp, &err);
        if (r < 0)
                fuzz_check_error(r, &err, prefixes);
        else
                fuzz_check_policy(&p);
        pt_policy_free(&p);
out:
        for (size_t i = 0; i < n; i++)
                free(envp[i]);
        return 0;
}
