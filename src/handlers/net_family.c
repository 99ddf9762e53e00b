/* SPDX-License-Identifier: MIT */
/*
 * socket(2): which kinds of socket the worker may create. The net policy governs the
 * addresses that go through connect, bind and the send family (net_socket.c, net_send.c), and
 * AF_UNIX paths; a socket whose peer is reached any other way is refused when it is created:
 *  - SCTP connects with a setsockopt (SCTP_SOCKOPT_CONNECTX) that nobody decides;
 *  - netlink other than NETLINK_ROUTE: NETLINK_KOBJECT_UEVENT carries the host's device events
 *    (a network namespace owned by the initial user namespace receives them), and the other
 *    protocols (audit, sock_diag, generic, ...) are kernel interfaces no policy names. glibc's
 *    getifaddrs and if_nameindex need NETLINK_ROUTE, which shows the worker's own namespace;
 *  - every other family (AF_VSOCK reaches the hypervisor's host; AF_TIPC, AF_ALG, Bluetooth,
 *    CAN, ...) has no address rule at all.
 * The arguments are registers, so the decision cannot be raced: an allowed call is let through
 * unchanged (CONTINUE). AF_UNIX is not notified (the row's BPF condition). AF_PACKET and raw IP
 * are refused by the filter itself (seccomp/deny_table.c) and refused here too, so the answer
 * does not depend on how libseccomp orders overlapping rules.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "handlers/net_handlers.h"

/* SOCK_NONBLOCK and SOCK_CLOEXEC are flags above the type (the kernel's SOCK_TYPE_MASK). */
#define SOCK_TYPE_MASK 0xf

static bool inet_stream(int protocol)
{
        return protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP;
}

/* UDP, UDP-Lite and the ICMP datagram ("ping") sockets: their addresses go through sendto. */
static bool inet_dgram(int family, int protocol)
{
        int icmp = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
        return protocol == 0 || protocol == IPPROTO_UDP || protocol == IPPROTO_UDPLITE || protocol == icmp;
}

int pt_socket_verdict(int family, int type, int protocol)
{
        int kind = type & SOCK_TYPE_MASK;
        switch (family) {
        case AF_UNIX:
                return 0;
        case AF_NETLINK:
                /* the kernel's answer for a netlink protocol it lacks (libaudit reads it as "no audit") */
                return protocol == NETLINK_ROUTE ? 0 : EPROTONOSUPPORT;
        case AF_INET:
        case AF_INET6:
                if (kind == SOCK_RAW)
                        return EPERM; /* as the deny table's rows */
                if (kind == SOCK_STREAM)
                        return inet_stream(protocol) ? 0 : EPROTONOSUPPORT;
                if (kind == SOCK_DGRAM)
                        return inet_dgram(family, protocol) ? 0 : EPROTONOSUPPORT;
                /* SOCK_SEQPACKET is SCTP's, SOCK_DCCP DCCP's: the kernel's answer for a type it lacks */
                return ESOCKTNOSUPPORT;
        case AF_PACKET:
                return EPERM; /* as the deny table's row */
        default:
                return EAFNOSUPPORT;
        }
}

/* the log's rule: "<deny net socket kinds podtrace allows: ...>" */
static const struct pt_rule rule_kinds = {
        .text = "socket kinds podtrace allows: unix, tcp, udp, udplite, mptcp, ping, netlink route",
        .source = "podtrace",
};

static const char *family_name(int family)
{
        switch (family) {
        case AF_UNIX:
                return "AF_UNIX";
        case AF_INET:
                return "AF_INET";
        case AF_INET6:
                return "AF_INET6";
        case AF_NETLINK:
                return "AF_NETLINK";
        case AF_PACKET:
                return "AF_PACKET";
        default:
                return NULL;
        }
}

void pt_handle_socket(struct pt_call *c)
{
        /* the kernel reads int arguments: the low 32 bits of each register */
        int family = (int)c->req->data.args[0], type = (int)c->req->data.args[1];
        int protocol = (int)c->req->data.args[2];
        int err = pt_socket_verdict(family, type, protocol);
        char text[64];
        const char *name = family_name(family);

        if (name)
                snprintf(text, sizeof(text), "%s type %d protocol %d", name, type & SOCK_TYPE_MASK, protocol);
        else
                snprintf(text, sizeof(text), "family %d type %d protocol %d", family, type & SOCK_TYPE_MASK, protocol);
        /* No flag can allow another kind, so a refusal names no fix: it is in the -v log only. */
        c->no_notice = true;
        struct pt_decision d = { .allow = err == 0, .perm = PT_PERM_NET, .rule = &rule_kinds, .source = rule_kinds.source };
        pt_call_record(c, &d, text);
        if (err)
                pt_reply_error(c, err);
        else
                pt_reply_continue(c);
}
