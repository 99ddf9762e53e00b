/* SPDX-License-Identifier: MIT */
/* A set of interface addresses read from an RTM_GETADDR dump, and the lookup in it. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proxy/host_addrs.h"

#define DUMP_BUF (64 * 1024) /* a dump datagram is at most 32 KiB (the kernel's cap) */

/* ::ffff:a.b.c.d, which an IPv6 socket connects to as the IPv4 address a.b.c.d */
static bool is_mapped(int family, const uint8_t *b)
{
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        return family == AF_INET6 && memcmp(b, mapped, 12) == 0;
}

static int add(struct pt_host_addr_set *s, int family, const uint8_t *b)
{
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 16;
                struct pt_host_addr *v = realloc(s->v, cap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                s->v = v;
                s->cap = cap;
        }
        struct pt_host_addr *a = &s->v[s->n++];
        memset(a, 0, sizeof(*a));
        if (is_mapped(family, b)) { /* the lookup sees it as IPv4 */
                a->family = AF_INET;
                memcpy(a->b, b + 12, 4);
        } else {
                a->family = family;
                memcpy(a->b, b, family == AF_INET ? 4 : 16);
        }
        return 0;
}

/* One RTM_NEWADDR: the interface's own address is IFA_LOCAL when there is one (on a
 * point-to-point link IFA_ADDRESS is the peer's), IFA_ADDRESS otherwise. */
static int add_msg(struct pt_host_addr_set *s, const struct nlmsghdr *h)
{
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
                return -EBADMSG;
        const struct ifaddrmsg *m = NLMSG_DATA(h);
        size_t want = m->ifa_family == AF_INET ? 4 : m->ifa_family == AF_INET6 ? 16 : 0;
        if (!want)
                return 0;
        const uint8_t *local = NULL, *address = NULL;
        int len = (int)IFA_PAYLOAD(h);
        for (const struct rtattr *a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                if (a->rta_type != IFA_LOCAL && a->rta_type != IFA_ADDRESS)
                        continue;
                if (RTA_PAYLOAD(a) != want)
                        return -EBADMSG;
                if (a->rta_type == IFA_LOCAL)
                        local = RTA_DATA(a);
                else
                        address = RTA_DATA(a);
        }
        const uint8_t *own = local ? local : address;
        return own ? add(s, m->ifa_family, own) : 0;
}

int pt_host_addr_set_parse(struct pt_host_addr_set *s, const void *buf, size_t len, uint32_t seq, bool *intr)
{
        int left = len > INT32_MAX ? INT32_MAX : (int)len;
        for (const struct nlmsghdr *h = buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
                if (h->nlmsg_seq != seq)
                        continue; /* an answer to an earlier request */
                if (h->nlmsg_flags & NLM_F_DUMP_INTR)
                        *intr = true;
                if (h->nlmsg_type == NLMSG_DONE)
                        return 1;
                if (h->nlmsg_type == NLMSG_ERROR) {
                        const struct nlmsgerr *e = NLMSG_DATA(h);
                        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
                                return -EBADMSG;
                        return e->error < 0 ? e->error : -EPROTO;
                }
                if (h->nlmsg_type == RTM_NEWADDR) {
                        int r = add_msg(s, h);
                        if (r < 0)
                                return r;
                }
        }
        return left == 0 ? 0 : -EBADMSG; /* a datagram holds whole messages */
}

int pt_host_addr_set_dump(struct pt_host_addr_set *s, int nlfd, uint32_t seq)
{
        struct {
                struct nlmsghdr h;
                struct ifaddrmsg m;
        } req;
        memset(&req, 0, sizeof(req));
        req.h.nlmsg_len = sizeof(req);
        req.h.nlmsg_type = RTM_GETADDR;
        req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        req.h.nlmsg_seq = seq;
        req.m.ifa_family = AF_UNSPEC;
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

        uint8_t *buf = malloc(DUMP_BUF);
        if (!buf)
                return -ENOMEM;
        while (recv(nlfd, buf, DUMP_BUF, MSG_DONTWAIT) > 0)
                ; /* what an abandoned earlier dump left */
        s->n = 0;
        int r = 0;
        bool intr = false;
        while (sendto(nlfd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
                if (errno != EINTR) {
                        r = -errno;
                        goto out;
                }
        for (;;) {
                struct sockaddr_nl from;
                struct iovec iov = { buf, DUMP_BUF };
                struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
                ssize_t n = recvmsg(nlfd, &mh, 0);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = errno == EAGAIN ? -ETIMEDOUT : -errno; /* SO_RCVTIMEO ran out */
                        goto out;
                }
                if (mh.msg_flags & MSG_TRUNC) {
                        r = -EMSGSIZE;
                        goto out;
                }
                if (from.nl_pid != 0)
                        continue; /* only the kernel answers */
                r = pt_host_addr_set_parse(s, buf, (size_t)n, seq, &intr);
                if (r < 0)
                        goto out;
                if (r == 1)
                        break;
        }
        r = intr ? -EAGAIN : 0;
out:
        free(buf);
        if (r < 0)
                s->n = 0;
        return r;
}

bool pt_host_addr_set_has(const struct pt_host_addr_set *s, int family, const uint8_t *b)
{
        if (is_mapped(family, b)) {
                family = AF_INET;
                b += 12;
        }
        size_t n = family == AF_INET ? 4 : 16;
        for (size_t i = 0; i < s->n; i++)
                if (s->v[i].family == family && memcmp(s->v[i].b, b, n) == 0)
                        return true;
        return false;
}

void pt_host_addr_set_free(struct pt_host_addr_set *s)
{
        free(s->v);
        memset(s, 0, sizeof(*s));
}
