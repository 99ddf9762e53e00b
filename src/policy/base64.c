/* SPDX-License-Identifier: MIT */
/* Base64 for POD_POLICY_JSON: standard or URL-safe alphabet, optional padding, whitespace ignored. */
#include <errno.h>
#include <stdlib.h>

#include "policy/policy.h"

static int b64_value(unsigned char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+' || c == '-')
                return 62;
        if (c == '/' || c == '_')
                return 63;
        return -1;
}

static int is_space(unsigned char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int pt_base64_decode(const char *in, size_t len, unsigned char **ret_buf, size_t *ret_len, size_t *ret_bad_offset)
{
        unsigned char *out = malloc(len / 4 * 3 + 4);
        size_t o = 0, pad = 0, nsym = 0;
        unsigned acc = 0;

        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)in[i];
                if (is_space(c))
                        continue;
                if (c == '=') {
                        pad++;
                        if (pad > 2 || nsym % 4 < 2) {
                                *ret_bad_offset = i;
                                goto bad;
                        }
                        continue;
                }
                int v = b64_value(c);
                if (v < 0 || pad) {
                        *ret_bad_offset = i;
                        goto bad;
                }
                acc = acc << 6 | (unsigned)v;
                nsym++;
                if (nsym % 4 == 0) {
                        out[o++] = (unsigned char)(acc >> 16);
                        out[o++] = (unsigned char)(acc >> 8);
                        out[o++] = (unsigned char)acc;
                        acc = 0;
                }
        }
        switch (nsym % 4) {
        case 0:
                if (pad) {
                        *ret_bad_offset = len;
                        goto bad;
                }
                break;
        case 1: /* a single leftover symbol carries no full byte */
                *ret_bad_offset = len;
                goto bad;
        case 2:
                if (pad && pad != 2) {
                        *ret_bad_offset = len;
                        goto bad;
                }
                out[o++] = (unsigned char)(acc >> 4);
                break;
        case 3:
                if (pad && pad != 1) {
                        *ret_bad_offset = len;
                        goto bad;
                }
                out[o++] = (unsigned char)(acc >> 10);
                out[o++] = (unsigned char)(acc >> 2);
                break;
        }
        out[o] = '\0';
        *ret_buf = out;
        *ret_len = o;
        return 0;
bad:
        free(out);
        return -EINVAL;
}

char *pt_base64_encode(const unsigned char *in, size_t len)
{
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
        if (!out)
                return NULL;
        for (size_t i = 0; i < len; i += 3) {
                unsigned v = (unsigned)in[i] << 16;
                if (i + 1 < len)
                        v |= (unsigned)in[i + 1] << 8;
                if (i + 2 < len)
                        v |= in[i + 2];
                *o++ = alphabet[(v >> 18) & 63];
                *o++ = alphabet[(v >> 12) & 63];
                *o++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
                *o++ = i + 2 < len ? alphabet[v & 63] : '=';
        }
        *o = '\0';
        return out;
}
