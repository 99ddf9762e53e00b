/* SPDX-License-Identifier: MIT */
/*
 * sendto (with an address), sendmsg and sendmmsg. The destination, the data and the control
 * messages are all in worker memory, and the fd could be swapped for another socket by a
 * racing dup2, so nothing is let through: the supervisor reads them once and sends from its
 * own copy of the socket. SCM_RIGHTS descriptors are taken from the worker (pidfd_getfd) and
 * passed on; SCM_CREDENTIALS cannot be sent on the worker's behalf (EPERM).
 * Bounded: 256 KiB of data per call (a stream socket gets a short write, as it may),
 * 1024 iovecs, 16 KiB of control data, 1024 messages per sendmmsg.
 */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "handlers/fs_common.h"
#include "handlers/net_handlers.h"
#include "util/cleanup.h"

#define SEND_MAX (256 * 1024)
#define IOV_MAX_N 1024
#define CONTROL_MAX (16 * 1024)
#define MMSG_MAX 1024
#define FDS_MAX 253 /* SCM_MAX_FD */

struct send_state {
        char *data;
        size_t len;
        bool truncated;
        _Alignas(struct cmsghdr) char control[CONTROL_MAX];
        size_t controllen;
        int fds[FDS_MAX];
        size_t nfds;
};

static void release(struct send_state *st)
{
        for (size_t i = 0; i < st->nfds; i++)
                close(st->fds[i]);
        st->nfds = 0;
        free(st->data);
        st->data = NULL;
}

/* A message as the worker described it: every pointer is the worker's. */
struct wmsg {
        uint64_t name;
        socklen_t namelen;
        uint64_t iov; /* an iovec array, or 0 for the single buffer of sendto */
        size_t iovlen;
        uint64_t buf;
        size_t buflen;
        uint64_t control;
        size_t controllen;
};

static int read_data(struct pt_call *c, const struct wmsg *w, struct send_state *st)
{
        struct iovec one = { (void *)(uintptr_t)w->buf, w->buflen }, iov[IOV_MAX_N];
        const struct iovec *v = &one;
        size_t n = 1;
        if (w->iov) {
                if (w->iovlen > IOV_MAX_N)
                        return -EMSGSIZE;
                int r = pt_target_read(c->req->pid, w->iov, iov, w->iovlen * sizeof(struct iovec));
                if (r < 0)
                        return r;
                v = iov;
                n = w->iovlen;
        }
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
                if (v[i].iov_len > SSIZE_MAX - total)
                        return -EINVAL;
                total += v[i].iov_len;
        }
        st->truncated = total > SEND_MAX;
        st->len = st->truncated ? SEND_MAX : total;
        st->data = malloc(st->len ? st->len : 1);
        if (!st->data)
                return -ENOMEM;
        size_t off = 0;
        for (size_t i = 0; i < n && off < st->len; i++) {
                size_t k = v[i].iov_len < st->len - off ? v[i].iov_len : st->len - off;
                int r = pt_target_read(c->req->pid, (uint64_t)(uintptr_t)v[i].iov_base, st->data + off, k);
                if (r < 0)
                        return r;
                off += k;
        }
        return 0;
}

/* Copy the control messages, swapping each SCM_RIGHTS fd for the supervisor's copy. */
static int read_control(struct pt_call *c, const struct wmsg *w, struct send_state *st)
{
        if (w->controllen == 0 || w->control == 0)
                return 0;
        if (w->controllen > CONTROL_MAX)
                return -ENOBUFS;
        int r = pt_target_read(c->req->pid, w->control, st->control, w->controllen);
        if (r < 0)
                return r;
        st->controllen = w->controllen;
        struct msghdr m = { .msg_control = st->control, .msg_controllen = w->controllen };
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
                if (cm->cmsg_len < CMSG_LEN(0) || (char *)cm + cm->cmsg_len > st->control + w->controllen)
                        return -EINVAL;
                if (cm->cmsg_level != SOL_SOCKET)
                        continue;
                if (cm->cmsg_type == SCM_CREDENTIALS)
                        return -EPERM; /* they would be the supervisor's, not the worker's */
                if (cm->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                int *fds = (int *)CMSG_DATA(cm);
                for (size_t i = 0; i < n; i++) {
                        if (st->nfds >= FDS_MAX)
                                return -ETOOMANYREFS;
                        int ours = pt_target_take_fd(c->req->pid, fds[i]);
                        if (ours < 0)
                                return ours == -ESRCH ? ours : -EBADF;
                        st->fds[st->nfds++] = ours;
                        fds[i] = ours;
                }
        }
        return 0;
}

static bool is_stream(int sock)
{
        int type = 0;
        socklen_t tl = sizeof(type);
        return getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM;
}

/* One message; bytes sent or -errno. */
static ssize_t send_one(struct pt_call *c, int sock, const struct wmsg *w, int flags)
{
        struct send_state *st = calloc(1, sizeof(*st));
        struct pt_net_dest d;
        ssize_t r = 0;
        bool have_dest = w->name != 0 && w->namelen > 0;

        if (!st)
                return -ENOMEM;
        memset(&d, 0, sizeof(d));
        d.t.parent = d.t.obj = -1;
        if (have_dest) {
                r = pt_net_dest_read(c, w->name, w->namelen, &d);
                if (r == 0)
                        r = pt_net_dest_decide(c, &d, false);
        }
        if (r == 0)
                r = read_data(c, w, st);
        if (r == 0)
                r = read_control(c, w, st);
        if (r == 0 && st->truncated && !is_stream(sock))
                r = -EMSGSIZE;
        if (r == 0 && have_dest && d.relay && is_stream(sock) && (flags & MSG_FASTOPEN)) {
                /* TCP uses the address only for MSG_FASTOPEN's connect: make it the relay's */
                flags &= ~MSG_FASTOPEN;
                r = pt_net_relay_connect(c, sock, &d);
        }
        if (r == 0) {
                struct iovec iov = { st->data, st->len };
                struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
                if (st->controllen) {
                        m.msg_control = st->control;
                        m.msg_controllen = st->controllen;
                }
                if (have_dest && !(d.relay && is_stream(sock))) {
                        m.msg_name = (void *)d.use;
                        m.msg_namelen = d.use_len;
                }
                /* MSG_NOSIGNAL: EPIPE is returned; the worker gets no SIGPIPE for it */
                ssize_t n = sendmsg(sock, &m, flags | MSG_NOSIGNAL);
                r = n < 0 ? -errno : n;
        }
        pt_fs_target_release(&d.t);
        release(st);
        free(st);
        return r;
}

void pt_handle_send(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        _cleanup_close_ int sock = pt_target_take_fd(c->req->pid, pt_arg_fd(c, 0));
        if (sock < 0) {
                pt_reply_error(c, -sock);
                return;
        }
        switch (c->row->variant) {
        case PT_NET_SENDTO: {
                struct wmsg w = { .name = a[4], .namelen = (socklen_t)a[5], .buf = a[1], .buflen = a[2] };
                pt_reply_result(c, send_one(c, sock, &w, (int)a[3]));
                return;
        }
        case PT_NET_SENDMSG: {
                struct msghdr m;
                int r = pt_target_read(c->req->pid, a[1], &m, sizeof(m));
                if (r < 0) {
                        pt_reply_error(c, -r);
                        return;
                }
                struct wmsg w = { (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen, (uint64_t)(uintptr_t)m.msg_iov,
                                  m.msg_iovlen, 0, 0, (uint64_t)(uintptr_t)m.msg_control, m.msg_controllen };
                pt_reply_result(c, send_one(c, sock, &w, (int)a[2]));
                return;
        }
        default: { /* sendmmsg */
                unsigned vlen = (unsigned)a[2] > MMSG_MAX ? MMSG_MAX : (unsigned)a[2];
                int64_t sent = 0;
                for (unsigned i = 0; i < vlen; i++) {
                        struct mmsghdr mm;
                        uint64_t at = a[1] + (uint64_t)i * sizeof(mm);
                        ssize_t n = pt_target_read(c->req->pid, at, &mm, sizeof(mm));
                        if (n == 0) {
                                const struct msghdr *m = &mm.msg_hdr;
                                struct wmsg w = { (uint64_t)(uintptr_t)m->msg_name, m->msg_namelen,
                                                  (uint64_t)(uintptr_t)m->msg_iov, m->msg_iovlen, 0, 0,
                                                  (uint64_t)(uintptr_t)m->msg_control, m->msg_controllen };
                                n = send_one(c, sock, &w, (int)a[3]);
                        }
                        if (n < 0) {
                                if (sent == 0) {
                                        pt_reply_error(c, (int)-n);
                                        return;
                                }
                                break;
                        }
                        unsigned len = (unsigned)n;
                        /* validated right before the write: a dead notification's tid may be reused */
                        if (pt_fs_copy_out(c, at + offsetof(struct mmsghdr, msg_len), &len, sizeof(len)) < 0)
                                break;
                        sent++;
                }
                pt_reply_value(c, sent);
        }
        }
}
