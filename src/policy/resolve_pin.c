/* SPDX-License-Identifier: MIT */
/* --resolve=HOST:ADDR: the proxy resolves HOST to ADDR (like curl's --resolve). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy.h"

int pt_resolve_pin_parse(const char *value, struct pt_resolve_pin *ret, const char **ret_why)
{
        const char *colon = strchr(value, ':');
        memset(ret, 0, sizeof(*ret));
        if (!colon || colon == value || (size_t)(colon - value) >= sizeof(ret->host)) {
                *ret_why = "expected HOST:ADDR";
                return -EINVAL;
        }
        memcpy(ret->host, value, (size_t)(colon - value));
        for (char *c = ret->host; *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                        *c = (char)(*c - 'A' + 'a');
        const char *a = colon + 1;
        char buf[64];
        size_t n = strlen(a);
        if (n >= 2 && a[0] == '[' && a[n - 1] == ']') {
                snprintf(buf, sizeof(buf), "%.*s", (int)(n - 2), a + 1);
                a = buf;
        }
        struct sockaddr_in *in = (void *)&ret->addr;
        struct sockaddr_in6 *in6 = (void *)&ret->addr;
        if (inet_pton(AF_INET, a, &in->sin_addr) == 1) {
                in->sin_family = AF_INET;
                return 0;
        }
        if (inet_pton(AF_INET6, a, &in6->sin6_addr) == 1) {
                in6->sin6_family = AF_INET6;
                return 0;
        }
        *ret_why = "ADDR is not an IP address";
        return -EINVAL;
}
