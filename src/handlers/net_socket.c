/* SPDX-License-Identifier: MIT */
/*
 * connect and bind: the address lives in worker memory, so the call is emulated on the
 * supervisor's copy of the worker's socket (pidfd_getfd: the same socket, in the worker's
 * network namespace) with the supervisor's checked copy of the address.
 *
 * AF_UNIX sockets with a path are file accesses: the network namespace does not isolate
 * them, and a host socket (a container engine's, a system bus) is a way out. connect needs
 * read and write on the socket file; bind creates it, a write. The supervisor reaches the
 * resolved object through /proc/self/fd/N, so the worker's string is never resolved again.
 * Abstract AF_UNIX names and netlink live in the worker's own network namespace. IPv4 and
 * IPv6 addresses are decided by the net rules (IPs and CIDRs; names are the proxy's job).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "handlers/fs_common.h"
#include "handlers/net_handlers.h"
#include "net/netplan.h"
#include "proxy/proxy.h"
#include "util/cleanup.h"

/* Resolve an AF_UNIX path and decide; on success *ret_addr is a /proc/self/fd path to use. */
static int unix_path(struct pt_call *c, const struct sockaddr_un *un, socklen_t len, bool creating,
                     struct pt_fs_target *t, struct sockaddr_un *ret_addr, socklen_t *ret_len)
{
        size_t n = len - offsetof(struct sockaddr_un, sun_path);
        char path[sizeof(un->sun_path) + 1];
        memcpy(path, un->sun_path, n);
        path[n] = '\0';

        /* The string is ours now: resolve it like a path argument (no second read). */
        snprintf(c->str[0], sizeof(c->str[0]), "%s", path);
        c->have_str[0] = true;
        c->str_arg[0] = 1;
        int rr = pt_fs_resolve(c, AT_FDCWD, path, creating ? PT_RES_PARENT : PT_RES_FOLLOW, t);
        if (pt_call_valid(c) < 0)
                return -ENOENT;
        if (!t->decidable)
                return rr < 0 ? rr : -EINVAL;
        unsigned need = creating ? PT_NEED_WRITE : PT_NEED_READ | PT_NEED_WRITE;
        bool ok = true;
        for (unsigned perm = 0; perm < PT_PERM_COUNT; perm++)
                if ((need & (1u << perm)) && !pt_call_decide_path(c, perm, t->canon))
                        ok = false;
        if (!ok)
                return -EACCES;
        if (rr < 0)
                return rr;
        memset(ret_addr, 0, sizeof(*ret_addr));
        ret_addr->sun_family = AF_UNIX;
        int k;
        if (creating) {
                if (t->parent < 0)
                        return -EADDRINUSE;
                k = snprintf(ret_addr->sun_path, sizeof(ret_addr->sun_path), "/proc/self/fd/%d/%s", t->parent,
                             t->last);
        } else {
                if (t->obj < 0)
                        return -ENOENT;
                k = snprintf(ret_addr->sun_path, sizeof(ret_addr->sun_path), "/proc/self/fd/%d", t->obj);
        }
        if (k < 0 || (size_t)k >= sizeof(ret_addr->sun_path))
                return -ENAMETOOLONG;
        *ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)k + 1);
        return 0;
}

/* The address as a net value ("1.2.3.4:80", "[::1]:80") for logs and notices. */
static void addr_text(const struct sockaddr_storage *ss, char *text, size_t size)
{
        char a[INET6_ADDRSTRLEN] = "?";
        if (ss->ss_family == AF_INET) {
                const struct sockaddr_in *in = (const void *)ss;
                inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
                snprintf(text, size, "%s:%u", a, ntohs(in->sin_port));
        } else {
                const struct sockaddr_in6 *in6 = (const void *)ss;
                inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
                snprintf(text, size, "[%s]:%u", a, ntohs(in6->sin6_port));
        }
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
        if (ss->ss_family == AF_INET)
                return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
        const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

/* Inside the worker's own /30 (the veth link), where no relay is needed. */
static bool on_veth_link(const struct pt_call *c, const struct sockaddr_storage *ss)
{
        const struct pt_netplan *plan = c->sv->net_plan;
        if (!plan || ss->ss_family != AF_INET)
                return false;
        uint32_t a = ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr);
        uint32_t base = ntohl(plan->host_addr.s_addr) & ~3u;
        return (a & ~3u) == base;
}

enum inet_route { INET_DENIED, INET_DIRECT, INET_RELAY };

/*
 * An IPv4/IPv6 destination of the worker: its own loopback (its own namespace) and the proxy
 * are always reachable; anything else follows the address rules, where the local machine
 * (the host's loopback, link-local: the veth's other end) needs an explicit rule. Allowed
 * destinations off the veth link go through the relay (no route leaves the namespace).
 */
/* Always reachable, and named so in the log. */
static const struct pt_rule rule_loopback = { .text = "the sandbox's own loopback", .source = "podtrace" };
static const struct pt_rule rule_proxy = { .text = "the proxy", .source = "podtrace" };

static enum inet_route allow_builtin(struct pt_call *c, const struct pt_rule *rule, const char *text)
{
        struct pt_decision d = { .allow = true, .perm = PT_PERM_NET, .rule = rule, .source = rule->source };
        pt_call_record(c, &d, text);
        return INET_DIRECT;
}

static enum inet_route decide_inet(struct pt_call *c, const struct sockaddr_storage *ss, bool is_bind)
{
        struct pt_decision d;
        char text[INET6_ADDRSTRLEN + 16];
        const char *why = NULL;

        addr_text(ss, text, sizeof(text));
        /* the address, as the log shows it */
        snprintf(c->str[0], sizeof(c->str[0]), "%s", text);
        c->have_str[0] = true;
        c->str_arg[0] = 1;
        if (is_loopback(ss))
                return allow_builtin(c, &rule_loopback, text);
        if (!is_bind && c->sv->proxy_cfg &&
            pt_proxy_is_self(c->sv->proxy_cfg, (const struct sockaddr *)ss, sizeof(*ss)))
                return allow_builtin(c, &rule_proxy, text);
        if (is_bind) {
                const uint8_t *a = ss->ss_family == AF_INET
                                           ? (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr
                                           : ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
                uint16_t port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
                pt_decide_addr(c->sv->policy, ss->ss_family, a, port, &d);
        } else {
                pt_proxy_decide_addr(c->sv->policy, (const struct sockaddr *)ss, false, &d, &why);
        }
        if (!pt_call_record(c, &d, text))
                return INET_DENIED;
        if (is_bind || on_veth_link(c, ss))
                return INET_DIRECT;
        return INET_RELAY;
}

/*
 * An allowed destination the namespace has no route to. TCP: the proxy connects to it from
 * the host and the worker's socket is connected to the relay instead. Other socket types get
 * the kernel's answer (ENETUNREACH).
 */
static int relay_connect(struct pt_call *c, int sock, const struct sockaddr_storage *ss, socklen_t len)
{
        int type = 0;
        socklen_t tl = sizeof(type);
        if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
                return -errno;
        if (type != SOCK_STREAM || !c->sv->proxy)
                return connect(sock, (const struct sockaddr *)ss, len) < 0 ? -errno : 0;
        struct sockaddr_in local;
        int r = pt_proxy_relay(c->sv->proxy, (const struct sockaddr *)ss, len, &local);
        if (r < 0)
                return r;
        if (ss->ss_family == AF_INET6) {
                /* an IPv6 socket reaches the relay's IPv4 address v4-mapped */
                struct sockaddr_in6 l6 = { .sin6_family = AF_INET6, .sin6_port = local.sin_port };
                l6.sin6_addr.s6_addr[10] = l6.sin6_addr.s6_addr[11] = 0xff;
                memcpy(&l6.sin6_addr.s6_addr[12], &local.sin_addr, 4);
                return connect(sock, (const struct sockaddr *)&l6, sizeof(l6)) < 0 ? -errno : 0;
        }
        return connect(sock, (const struct sockaddr *)&local, sizeof(local)) < 0 ? -errno : 0;
}

int pt_net_dest_decide(struct pt_call *c, struct pt_net_dest *d, bool is_bind)
{
        struct sockaddr_storage *ss = &d->ss;
        socklen_t len = d->len;
        d->t.parent = d->t.obj = -1;
        d->use = (const struct sockaddr *)ss;
        d->use_len = len;
        d->relay = false;
        if (len < sizeof(sa_family_t))
                return -EINVAL;

        switch (ss->ss_family) {
        case AF_UNIX: {
                const struct sockaddr_un *un = (const void *)ss;
                size_t n = len - offsetof(struct sockaddr_un, sun_path);
                if (len > offsetof(struct sockaddr_un, sun_path) && un->sun_path[0] != '\0' && n > 0) {
                        int r = unix_path(c, un, len, is_bind, &d->t, &d->via, &d->use_len);
                        if (r < 0)
                                return r;
                        d->use = (const struct sockaddr *)&d->via;
                }
                /* abstract names and autobind: the worker's own network namespace */
                return pt_call_valid(c);
        }
        case AF_NETLINK:
                return pt_call_valid(c); /* the kernel, as seen from the worker's namespace */
        case AF_INET:
        case AF_INET6: {
                if (len < (ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)))
                        return -EINVAL;
                int r = pt_call_valid(c);
                if (r < 0)
                        return r;
                enum inet_route route = decide_inet(c, ss, is_bind);
                if (route == INET_DENIED)
                        return -EACCES;
                d->relay = route == INET_RELAY;
                return 0;
        }
        default: {
                struct pt_decision dec;
                char text[32];
                snprintf(text, sizeof(text), "address family %d", ss->ss_family);
                /* anything else (vsock reaches the host) only with the whole net permission */
                pt_decide_host(c->sv->policy, "", 0, &dec);
                if (!pt_call_record(c, &dec, text))
                        return -EACCES;
                return pt_call_valid(c);
        }
        }
}

int pt_net_dest_read(struct pt_call *c, uint64_t addr, uint64_t len, struct pt_net_dest *d)
{
        memset(d, 0, sizeof(*d));
        d->t.parent = d->t.obj = -1;
        if ((int64_t)(int)len < 0 || len > sizeof(d->ss))
                return -EINVAL;
        d->len = (socklen_t)len;
        return pt_target_read(c->req->pid, addr, &d->ss, len);
}

int pt_net_relay_connect(struct pt_call *c, int sock, const struct pt_net_dest *d)
{
        return relay_connect(c, sock, &d->ss, d->len);
}

void pt_handle_connect_bind(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_net_dest d;
        bool is_bind = c->row->variant == PT_NET_BIND;
        _cleanup_close_ int sock = -1;

        int r = pt_net_dest_read(c, a[1], a[2], &d);
        if (r == 0)
                r = pt_net_dest_decide(c, &d, is_bind);
        if (r == 0) {
                sock = pt_target_take_fd(c->req->pid, pt_arg_fd(c, 0));
                if (sock < 0)
                        r = sock;
        }
        if (r == 0) {
                if (is_bind) {
                        mode_t old;
                        bool masked = d.ss.ss_family == AF_UNIX && pt_fs_with_umask(c, &old) == 0;
                        r = bind(sock, d.use, d.use_len) < 0 ? -errno : 0;
                        if (masked)
                                pt_fs_restore_umask(old);
                } else if (d.relay) {
                        r = relay_connect(c, sock, &d.ss, d.len);
                } else {
                        r = connect(sock, d.use, d.use_len) < 0 ? -errno : 0;
                }
        }
        pt_fs_target_release(&d.t);
        pt_reply_result(c, r);
}
