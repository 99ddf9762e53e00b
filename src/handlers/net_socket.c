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

static bool decide_inet(struct pt_call *c, const struct sockaddr_storage *ss)
{
        struct pt_decision d;
        char text[INET6_ADDRSTRLEN + 16], a[INET6_ADDRSTRLEN];
        if (ss->ss_family == AF_INET) {
                const struct sockaddr_in *in = (const void *)ss;
                inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
                snprintf(text, sizeof(text), "%s:%u", a, ntohs(in->sin_port));
                pt_decide_addr(c->sv->policy, AF_INET, (const uint8_t *)&in->sin_addr, ntohs(in->sin_port), &d);
        } else {
                const struct sockaddr_in6 *in6 = (const void *)ss;
                inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
                snprintf(text, sizeof(text), "[%s]:%u", a, ntohs(in6->sin6_port));
                pt_decide_addr(c->sv->policy, AF_INET6, in6->sin6_addr.s6_addr, ntohs(in6->sin6_port), &d);
        }
        return pt_call_record(c, &d, text);
}

void pt_handle_connect_bind(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct sockaddr_storage ss;
        struct pt_fs_target t = { .parent = -1, .obj = -1 };
        bool is_bind = c->row->variant == PT_NET_BIND;
        socklen_t len = (socklen_t)a[2];
        _cleanup_close_ int sock = -1;
        int r;

        if ((int)len < 0 || len > sizeof(ss)) {
                pt_reply_error(c, EINVAL);
                return;
        }
        memset(&ss, 0, sizeof(ss));
        r = pt_target_read(c->req->pid, a[1], &ss, len);
        if (r < 0) {
                pt_reply_error(c, -r);
                return;
        }
        if (len < sizeof(sa_family_t)) {
                pt_reply_error(c, EINVAL);
                return;
        }
        const struct sockaddr *use = (const struct sockaddr *)&ss;
        socklen_t use_len = len;
        struct sockaddr_un via;

        switch (ss.ss_family) {
        case AF_UNIX: {
                const struct sockaddr_un *un = (const void *)&ss;
                size_t n = len - offsetof(struct sockaddr_un, sun_path);
                if (len > offsetof(struct sockaddr_un, sun_path) && un->sun_path[0] != '\0' && n > 0) {
                        r = unix_path(c, un, len, is_bind, &t, &via, &use_len);
                        if (r < 0)
                                goto out;
                        use = (const struct sockaddr *)&via;
                }
                /* abstract names and autobind: the worker's own network namespace */
                break;
        }
        case AF_NETLINK:
                break; /* the kernel, as seen from the worker's network namespace */
        case AF_INET:
        case AF_INET6:
                r = pt_call_valid(c);
                if (r == 0 && !decide_inet(c, &ss))
                        r = -EACCES;
                if (r < 0)
                        goto out;
                break;
        default: {
                struct pt_decision d;
                char text[32];
                snprintf(text, sizeof(text), "address family %d", ss.ss_family);
                /* anything else (vsock reaches the host) only with the whole net permission */
                pt_decide_host(c->sv->policy, "", 0, &d);
                if (!pt_call_record(c, &d, text)) {
                        r = -EACCES;
                        goto out;
                }
        }
        }
        if (pt_call_valid(c) < 0) {
                r = -ENOENT;
                goto out;
        }
        sock = pt_target_take_fd(c->req->pid, pt_arg_fd(c, 0));
        if (sock < 0) {
                r = sock;
                goto out;
        }
        if (is_bind) {
                mode_t old;
                bool masked = ss.ss_family == AF_UNIX && pt_fs_with_umask(c, &old) == 0;
                r = bind(sock, use, use_len) < 0 ? -errno : 0;
                if (masked)
                        pt_fs_restore_umask(old);
        } else {
                r = connect(sock, use, use_len) < 0 ? -errno : 0;
        }
out:
        pt_fs_target_release(&t);
        pt_reply_result(c, r);
}
