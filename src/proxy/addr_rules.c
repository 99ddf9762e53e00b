/* SPDX-License-Identifier: MIT */
/* Which addresses need more than a name rule: DNS rebinding protection and the local machine. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proxy/proxy.h"

/* The address as 4 IPv4 bytes (v4-mapped IPv6 included) or 16 IPv6 bytes. */
static int addr_bytes(const struct sockaddr *sa, uint8_t b[16], uint16_t *port)
{
        if (sa->sa_family == AF_INET) {
                const struct sockaddr_in *in = (const void *)sa;
                memcpy(b, &in->sin_addr, 4);
                *port = ntohs(in->sin_port);
                return AF_INET;
        }
        if (sa->sa_family == AF_INET6) {
                const struct sockaddr_in6 *in6 = (const void *)sa;
                static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
                *port = ntohs(in6->sin6_port);
                if (memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0) {
                        memcpy(b, in6->sin6_addr.s6_addr + 12, 4);
                        return AF_INET;
                }
                memcpy(b, in6->sin6_addr.s6_addr, 16);
                return AF_INET6;
        }
        return -1;
}

bool pt_addr_is_local_machine(const struct sockaddr *sa)
{
        uint8_t b[16];
        uint16_t port;
        switch (addr_bytes(sa, b, &port)) {
        case AF_INET:
                return b[0] == 127 || (b[0] == 169 && b[1] == 254) || b[0] == 0;
        case AF_INET6: {
                static const uint8_t zero[16];
                bool loop = memcmp(b, zero, 15) == 0 && (b[15] == 1 || b[15] == 0);
                return loop || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
        }
        default:
                return true;
        }
}

bool pt_addr_is_internal(const struct sockaddr *sa)
{
        uint8_t b[16];
        uint16_t port;
        if (pt_addr_is_local_machine(sa))
                return true;
        switch (addr_bytes(sa, b, &port)) {
        case AF_INET:
                return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
                       (b[0] == 100 && (b[1] & 0xc0) == 64) || b[0] >= 224;
        case AF_INET6:
                return (b[0] & 0xfe) == 0xfc || b[0] == 0xff;
        default:
                return true;
        }
}

void pt_proxy_decide_addr(const struct pt_policy *p, const struct sockaddr *sa, bool from_name,
                          struct pt_decision *ret, const char **ret_why)
{
        uint8_t b[16];
        uint16_t port;
        int family = addr_bytes(sa, b, &port);
        *ret_why = NULL;
        memset(ret, 0, sizeof(*ret));
        ret->perm = PT_PERM_NET;
        if (family < 0) {
                *ret_why = "not an IP address";
                return;
        }
        bool internal = from_name ? pt_addr_is_internal(sa) : pt_addr_is_local_machine(sa);
        if (from_name && !internal) {
                ret->allow = true; /* the name was decided; a public address adds nothing */
                return;
        }
        pt_decide_addr(p, family, b, port, ret);
        /* Internal addresses reached by a name, and the local machine however it is reached,
         * need an address rule naming them: the whole category is not enough. */
        if (internal && !(ret->allow && ret->rule)) {
                ret->allow = false;
                *ret_why = from_name ? "the name resolves to an internal address (DNS rebinding protection)"
                                     : "the address is this machine's own (loopback or link-local)";
        }
}

