/* SPDX-License-Identifier: MIT */
/*
 * Which addresses need more than a name rule: DNS rebinding protection and the local machine
 * (its loopback and link-local ranges and, through host_addrs.c, every interface's address).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proxy/host_addrs.h"
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

/* How an address is this machine's own: its loopback or link-local ranges, one of its
 * interfaces' addresses (host_addrs.c: the host's namespace, as of now), or unknown because
 * that set cannot be read (then it counts as the machine's: fail closed). */
enum local_kind { NOT_LOCAL, LOCAL_RANGE, LOCAL_INTERFACE, LOCAL_UNKNOWN };

static enum local_kind local_kind(const struct sockaddr *sa)
{
        uint8_t b[16];
        uint16_t port;
        int family = addr_bytes(sa, b, &port);
        switch (family) {
        case AF_INET:
                if (b[0] == 127 || (b[0] == 169 && b[1] == 254) || b[0] == 0)
                        return LOCAL_RANGE;
                break;
        case AF_INET6: {
                static const uint8_t zero[16];
                bool loop = memcmp(b, zero, 15) == 0 && (b[15] == 1 || b[15] == 0);
                if (loop || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
                        return LOCAL_RANGE;
                break;
        }
        default:
                return LOCAL_RANGE;
        }
        switch (pt_host_addrs_match(family, b)) {
        case PT_HOST_ADDR_NO:
                return NOT_LOCAL;
        case PT_HOST_ADDR_YES:
                return LOCAL_INTERFACE;
        default:
                return LOCAL_UNKNOWN;
        }
}

bool pt_addr_is_local_machine(const struct sockaddr *sa)
{
        return local_kind(sa) != NOT_LOCAL;
}

/* Private, unique-local, CGNAT and multicast ranges: internal, but not this machine. */
static bool private_range(const struct sockaddr *sa)
{
        uint8_t b[16];
        uint16_t port;
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

bool pt_addr_is_internal(const struct sockaddr *sa)
{
        return private_range(sa) || pt_addr_is_local_machine(sa);
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
        enum local_kind local = local_kind(sa);
        bool internal = local != NOT_LOCAL || (from_name && private_range(sa));
        if (from_name && !internal) {
                ret->allow = true; /* the name was decided; a public address adds nothing */
                return;
        }
        pt_decide_addr(p, family, b, port, ret);
        /* Internal addresses reached by a name, and the local machine however it is reached,
         * need an address rule naming them: the whole category is not enough. */
        if (internal && !(ret->allow && ret->rule)) {
                if (ret->allow) { /* the category allowed it: the notice names the address rule to add */
                        ret->allow = ret->learned = false;
                        ret->source = NULL;
                }
                if (from_name)
                        *ret_why = "the name resolves to an internal address (DNS rebinding protection)";
                else if (local == LOCAL_INTERFACE)
                        *ret_why = "the address is one of this machine's own interfaces' addresses";
                else if (local == LOCAL_UNKNOWN)
                        *ret_why = "this machine's own addresses cannot be read, so every address counts as its own";
                else
                        *ret_why = "the address is this machine's own (loopback or link-local)";
        }
}
