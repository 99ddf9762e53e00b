/* SPDX-License-Identifier: MIT */
/*
 * The host's current interface addresses, for decisions made on the proxy thread (the host's
 * network namespace) and on notify threads (which have joined the worker's: getifaddrs()
 * there would list the worker's lo and veth, not the host's).
 *
 * Chosen: two NETLINK_ROUTE sockets opened once, by the main thread in the host's namespace
 * (a socket keeps the namespace it was created in, whichever thread uses it later). One is
 * for RTM_GETADDR dumps; the other is subscribed to the kernel's address-change messages
 * (IPv4 and IPv6), which the kernel queues before the new address is usable, since it sends
 * them before installing the address's local route. Each decision first drains the change
 * socket without blocking: nothing queued (the usual case, one recv) means the cached set is
 * current; any message, or an overrun (ENOBUFS: changes were lost), means read the set
 * again. So a container starting or a DHCP lease during a run is seen by the next decision,
 * at the price of one syscall a decision rather than a dump (which walks every interface:
 * costly on a host with hundreds of veths). Without the change socket, every decision dumps.
 *
 * Fail closed: when the set cannot be read, the answer is PT_HOST_ADDR_UNKNOWN and callers
 * treat the address as the host's; the cause is logged once per failing spell.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "log/log.h"
#include "proxy/host_addrs.h"

static struct {
        pthread_mutex_t lock;
        bool opened;
        int dump_fd, event_fd; /* -1: not open */
        bool current;          /* set holds the addresses as of the last drained change */
        bool failing;          /* the last read failed (and was logged) */
        uint32_t seq;
        struct pt_host_addr_set set;
        struct pt_log *log;
} H = { .lock = PTHREAD_MUTEX_INITIALIZER, .dump_fd = -1, .event_fd = -1 };

static const char fail_closed[] = "until they can be read, every address counts as this machine's own "
                                  "(reached only through an address rule naming it)";

/* Were addresses added or removed since the last call? (Errors other than "nothing queued",
 * including ENOBUFS, count as a change.) Bounded: a storm of changes means "read again". */
static bool changed(void)
{
        char buf[4096];
        bool any = false;
        for (int i = 0; i < 256; i++) {
                if (recv(H.event_fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0) {
                        any = true;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                return any || (errno != EAGAIN && errno != EWOULDBLOCK);
        }
        return true;
}

/* Read the set again (lock held); msg gets a line to log when it newly fails. */
static void refresh(char *msg, size_t size)
{
        int r = -EAGAIN;
        for (int attempt = 0; attempt < 4 && r == -EAGAIN; attempt++)
                r = pt_host_addr_set_dump(&H.set, H.dump_fd, ++H.seq);
        H.current = r == 0;
        if (r < 0 && !H.failing)
                snprintf(msg, size, "cannot read this machine's own addresses (netlink RTM_GETADDR: %s); %s",
                         r == -EAGAIN ? "they kept changing" : strerror(-r), fail_closed);
        H.failing = r < 0;
}

int pt_host_addrs_open(struct pt_log *log)
{
        char msg[300] = "";
        int r = 0;
        pthread_mutex_lock(&H.lock);
        H.log = log;
        if (H.opened) {
                pthread_mutex_unlock(&H.lock);
                return H.dump_fd >= 0 ? 0 : -EIO;
        }
        H.opened = true;
        H.dump_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (H.dump_fd < 0) {
                r = -errno;
                H.failing = true;
                snprintf(msg, sizeof(msg), "cannot read this machine's own addresses (netlink socket: %s); %s",
                         strerror(-r), fail_closed);
        } else {
                /* a dump is answered at once; never let a notify thread hang on one */
                struct timeval t = { 2, 0 };
                setsockopt(H.dump_fd, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t));
                H.event_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
                struct sockaddr_nl groups = { .nl_family = AF_NETLINK,
                                              .nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR };
                if (H.event_fd >= 0 && bind(H.event_fd, (struct sockaddr *)&groups, sizeof(groups)) < 0) {
                        close(H.event_fd); /* still correct without it: every decision dumps */
                        H.event_fd = -1;
                }
                if (H.event_fd >= 0)
                        changed(); /* subscribed before the first dump: nothing can be missed */
                refresh(msg, sizeof(msg));
        }
        pthread_mutex_unlock(&H.lock);
        if (msg[0])
                pt_log_message(log, "%s", msg);
        return r;
}

enum pt_host_addr_match pt_host_addrs_match(int family, const uint8_t *b)
{
        char msg[300] = "";
        enum pt_host_addr_match m = PT_HOST_ADDR_UNKNOWN;
        pthread_mutex_lock(&H.lock);
        struct pt_log *log = H.log;
        if (H.dump_fd >= 0) {
                if (H.event_fd < 0 || changed())
                        H.current = false;
                if (!H.current)
                        refresh(msg, sizeof(msg));
                if (H.current)
                        m = pt_host_addr_set_has(&H.set, family, b) ? PT_HOST_ADDR_YES : PT_HOST_ADDR_NO;
        } else if (!H.opened && !H.failing) {
                H.failing = true; /* a caller that never opened the set: a bug, and refused */
                snprintf(msg, sizeof(msg), "this machine's own addresses were never read; %s", fail_closed);
        }
        pthread_mutex_unlock(&H.lock);
        if (msg[0])
                pt_log_message(log, "%s", msg);
        return m;
}
