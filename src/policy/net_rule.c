/* SPDX-License-Identifier: MIT */
/*
 * Net rules: host, host:port, *.domain, IPv4, [IPv6], either with a port, and CIDR.
 * Names and addresses are kept apart: a name rule never matches an address and the other
 * way round; names that libc would read as an address ("127.1", "0x7f000001") are refused.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/rules.h"
#include "util/cleanup.h"

static int parse_port(const char *s, uint16_t *ret)
{
        unsigned long v = 0;
        if (!*s || strlen(s) > 5)
                return -EINVAL;
        for (const char *c = s; *c; c++) {
                if (!isdigit((unsigned char)*c))
                        return -EINVAL;
                v = v * 10 + (unsigned long)(*c - '0');
        }
        if (v == 0 || v > 65535)
                return -EINVAL;
        *ret = (uint16_t)v;
        return 0;
}

static int parse_prefix(const char *s, unsigned max, uint8_t *ret)
{
        unsigned v = 0;
        if (!*s || strlen(s) > 3)
                return -EINVAL;
        for (const char *c = s; *c; c++) {
                if (!isdigit((unsigned char)*c))
                        return -EINVAL;
                v = v * 10 + (unsigned)(*c - '0');
        }
        if (v > max)
                return -EINVAL;
        *ret = (uint8_t)v;
        return 0;
}

/* RFC 1123 host name, lower-cased in place; the last label may not be all digits. */
static bool valid_hostname(char *h)
{
        size_t n = strlen(h);
        if (n > 0 && h[n - 1] == '.')
                h[--n] = '\0';
        if (n == 0 || n > 253)
                return false;
        const char *label = h;
        bool all_digits = true;
        for (char *c = h;; c++) {
                if (*c == '.' || *c == '\0') {
                        size_t ln = (size_t)(c - label);
                        if (ln == 0 || ln > 63 || label[0] == '-' || c[-1] == '-')
                                return false;
                        if (*c == '\0')
                                break;
                        label = c + 1;
                        all_digits = true;
                        continue;
                }
                *c = (char)tolower((unsigned char)*c);
                if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
                        return false;
                if (!isdigit((unsigned char)*c))
                        all_digits = false;
        }
        if (all_digits)
                return false;
        struct in_addr a;
        return inet_aton(h, &a) == 0; /* "0x7f000001" is an address to libc */
}

static bool v4_mapped(const uint8_t a[16])
{
        static const uint8_t pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        return memcmp(a, pre, 12) == 0;
}

static bool host_bits_clear(const uint8_t *a, unsigned bytes, unsigned prefix)
{
        for (unsigned i = 0; i < bytes * 8; i++)
                if (i >= prefix && (a[i / 8] & (0x80 >> (i % 8))))
                        return false;
        return true;
}

static int format_rule(const struct pt_net_rule *r, char **ret_text)
{
        char addr[INET6_ADDRSTRLEN], port[8] = "";
        int n = -1;

        if (r->port)
                snprintf(port, sizeof(port), ":%u", r->port);
        switch (r->kind) {
        case PT_NET_HOST:
                n = asprintf(ret_text, "%s%s", r->host, port);
                break;
        case PT_NET_WILDCARD:
                n = asprintf(ret_text, "*.%s%s", r->host, port);
                break;
        case PT_NET_IP4:
        case PT_NET_CIDR4:
                inet_ntop(AF_INET, r->addr, addr, sizeof(addr));
                if (r->kind == PT_NET_CIDR4)
                        n = asprintf(ret_text, "%s/%u", addr, r->prefix);
                else
                        n = asprintf(ret_text, "%s%s", addr, port);
                break;
        case PT_NET_IP6:
        case PT_NET_CIDR6:
                inet_ntop(AF_INET6, r->addr, addr, sizeof(addr));
                if (r->kind == PT_NET_CIDR6)
                        n = asprintf(ret_text, "%s/%u", addr, r->prefix);
                else
                        n = asprintf(ret_text, "[%s]%s", addr, port);
                break;
        }
        if (n < 0) {
                *ret_text = NULL;
                return -ENOMEM;
        }
        return 0;
}

/* Fill an address rule from a v6 parse, turning v4-mapped addresses into IPv4 rules. */
static void set_v6(struct pt_net_rule *r, const uint8_t a[16], bool cidr, uint8_t prefix)
{
        if (v4_mapped(a) && (!cidr || prefix >= 96)) {
                memcpy(r->addr, a + 12, 4);
                r->kind = cidr ? PT_NET_CIDR4 : PT_NET_IP4;
                r->prefix = cidr ? (uint8_t)(prefix - 96) : 32;
                return;
        }
        memcpy(r->addr, a, 16);
        r->kind = cidr ? PT_NET_CIDR6 : PT_NET_IP6;
        r->prefix = cidr ? prefix : 128;
}

static int parse_inner(char *s, struct pt_net_rule *r, const char **why)
{
        uint8_t a6[16];
        char *port = NULL, *slash;

        if (s[0] == '[') {
                char *close = strchr(s, ']');
                if (!close) {
                        *why = "missing ']' in IPv6 address";
                        return -EINVAL;
                }
                *close = '\0';
                char *rest = close + 1;
                if (*rest == ':')
                        port = rest + 1;
                else if (*rest == '/') {
                        if (parse_prefix(rest + 1, 128, &r->prefix) < 0) {
                                *why = "bad CIDR prefix length";
                                return -EINVAL;
                        }
                } else if (*rest) {
                        *why = "unexpected text after ']'";
                        return -EINVAL;
                }
                if (inet_pton(AF_INET6, s + 1, a6) != 1) {
                        *why = "bad IPv6 address";
                        return -EINVAL;
                }
                set_v6(r, a6, *rest == '/', r->prefix);
                if (*rest == '/' && !host_bits_clear(r->addr, r->kind == PT_NET_CIDR4 ? 4 : 16, r->prefix)) {
                        *why = "CIDR has host bits set";
                        return -EINVAL;
                }
        } else if ((slash = strchr(s, '/'))) {
                *slash = '\0';
                uint8_t a4[4];
                if (inet_pton(AF_INET, s, a4) == 1) {
                        if (parse_prefix(slash + 1, 32, &r->prefix) < 0) {
                                *why = "bad CIDR prefix length";
                                return -EINVAL;
                        }
                        memcpy(r->addr, a4, 4);
                        r->kind = PT_NET_CIDR4;
                } else if (inet_pton(AF_INET6, s, a6) == 1) {
                        uint8_t pfx;
                        if (parse_prefix(slash + 1, 128, &pfx) < 0) {
                                *why = "bad CIDR prefix length";
                                return -EINVAL;
                        }
                        set_v6(r, a6, true, pfx);
                } else {
                        *why = "bad CIDR address";
                        return -EINVAL;
                }
                if (!host_bits_clear(r->addr, r->kind == PT_NET_CIDR4 ? 4 : 16, r->prefix)) {
                        *why = "CIDR has host bits set";
                        return -EINVAL;
                }
        } else {
                char *colon = strchr(s, ':');
                if (colon && strchr(colon + 1, ':')) {
                        /* Bare IPv6 without brackets: no port possible. */
                        if (inet_pton(AF_INET6, s, a6) != 1) {
                                *why = "bad IPv6 address (write [addr]:port for a port)";
                                return -EINVAL;
                        }
                        set_v6(r, a6, false, 0);
                } else {
                        if (colon) {
                                *colon = '\0';
                                port = colon + 1;
                        }
                        uint8_t a4[4];
                        if (inet_pton(AF_INET, s, a4) == 1) {
                                memcpy(r->addr, a4, 4);
                                r->kind = PT_NET_IP4;
                                r->prefix = 32;
                        } else {
                                char *h = s;
                                r->kind = PT_NET_HOST;
                                if (h[0] == '*') {
                                        if (h[1] != '.') {
                                                *why = "a wildcard must be '*.' followed by a domain";
                                                return -EINVAL;
                                        }
                                        h += 2;
                                        r->kind = PT_NET_WILDCARD;
                                }
                                if (!valid_hostname(h)) {
                                        *why = "bad host name";
                                        return -EINVAL;
                                }
                                r->host = h;
                        }
                }
        }
        if (port && parse_port(port, &r->port) < 0) {
                *why = "bad port (1-65535)";
                return -EINVAL;
        }
        return 0;
}

int pt_net_parse(const char *value, struct pt_net_rule *ret_rule, char **ret_text, const char **ret_why)
{
        struct pt_net_rule r = { 0 };
        const char *why = "bad net value";
        _cleanup_free_ char *s = strdup(value);
        if (!s)
                return -ENOMEM;
        int rc = parse_inner(s, &r, &why);
        if (rc < 0) {
                if (ret_why)
                        *ret_why = why;
                return rc;
        }
        char *text;
        rc = format_rule(&r, &text);
        if (rc < 0)
                return rc;
        if (r.kind == PT_NET_HOST)
                r.host = text;
        else if (r.kind == PT_NET_WILDCARD)
                r.host = text + 2;
        else
                r.host = NULL;
        *ret_rule = r;
        *ret_text = text;
        return 0;
}

struct host_query {
        const char *host;
        uint16_t port;
};

static bool port_ok(const struct pt_rule *rule, uint16_t port)
{
        return rule->net.port == 0 || rule->net.port == port;
}

static bool host_covers(const struct pt_rule *rule, const void *query)
{
        const struct host_query *q = query;
        const struct pt_net_rule *n = &rule->net;
        size_t hl, ql;

        if (!port_ok(rule, q->port))
                return false;
        switch (n->kind) {
        case PT_NET_HOST:
                hl = strcspn(n->host, ":");
                return strlen(q->host) == hl && strncmp(q->host, n->host, hl) == 0;
        case PT_NET_WILDCARD:
                hl = strcspn(n->host, ":");
                ql = strlen(q->host);
                return ql > hl + 1 && q->host[ql - hl - 1] == '.' && strncmp(q->host + ql - hl, n->host, hl) == 0;
        default:
                return false;
        }
}

void pt_decide_host(const struct pt_policy *p, const char *host, uint16_t port, struct pt_decision *ret)
{
        struct host_query q = { host, port };
        pt_decide(p, PT_PERM_NET, host_covers, &q, ret);
        if (!ret->allow && !ret->source && p->learn && p->learn->active) {
                char value[300];
                bool v6 = strchr(host, ':') != NULL;
                if (port)
                        snprintf(value, sizeof(value), v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
                else
                        snprintf(value, sizeof(value), v6 ? "[%s]" : "%s", host);
                pt_learn_default(p, PT_PERM_NET, value, ret);
        }
}

struct addr_query {
        int family;
        uint8_t addr[16];
        uint16_t port;
};

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
        unsigned full = bits / 8, rest = bits % 8;
        if (memcmp(a, b, full) != 0)
                return false;
        if (rest == 0)
                return true;
        uint8_t mask = (uint8_t)(0xff << (8 - rest));
        return (a[full] & mask) == (b[full] & mask);
}

static bool addr_covers(const struct pt_rule *rule, const void *query)
{
        const struct addr_query *q = query;
        const struct pt_net_rule *n = &rule->net;

        switch (n->kind) {
        case PT_NET_IP4:
                return q->family == AF_INET && port_ok(rule, q->port) && memcmp(n->addr, q->addr, 4) == 0;
        case PT_NET_CIDR4:
                return q->family == AF_INET && prefix_equal(n->addr, q->addr, n->prefix);
        case PT_NET_IP6:
                return q->family == AF_INET6 && port_ok(rule, q->port) && memcmp(n->addr, q->addr, 16) == 0;
        case PT_NET_CIDR6:
                return q->family == AF_INET6 && prefix_equal(n->addr, q->addr, n->prefix);
        default:
                return false;
        }
}

void pt_decide_addr(const struct pt_policy *p, int family, const uint8_t *addr, uint16_t port,
                    struct pt_decision *ret)
{
        struct addr_query q = { .family = family, .port = port };
        if (family == AF_INET6 && v4_mapped(addr)) {
                q.family = AF_INET;
                memcpy(q.addr, addr + 12, 4);
        } else {
                memcpy(q.addr, addr, family == AF_INET ? 4 : 16);
        }
        pt_decide(p, PT_PERM_NET, addr_covers, &q, ret);
        if (!ret->allow && !ret->source && p->learn && p->learn->active) {
                char text[INET6_ADDRSTRLEN], value[INET6_ADDRSTRLEN + 10];
                inet_ntop(q.family, q.addr, text, sizeof(text));
                if (q.family == AF_INET6)
                        snprintf(value, sizeof(value), port ? "[%s]:%u" : "[%s]", text, (unsigned)port);
                else
                        snprintf(value, sizeof(value), port ? "%s:%u" : "%s", text, (unsigned)port);
                pt_learn_default(p, PT_PERM_NET, value, ret);
        }
}
