/* SPDX-License-Identifier: MIT */
/*
 * walls: the sandbox's limits on sockets and /dev/shm, tried for real, one line per attempt:
 * "NAME: ok[ DETAIL]" or "NAME: ERRNO".
 *
 *   walls sockets      socket() of each kind the policy governs (controls) and of kinds whose
 *                      peer is reached outside connect/bind/sendto (SCTP, the host's uevents,
 *                      vsock, other netlink protocols, other families); socketpair();
 *                      getifaddrs() (glibc's NETLINK_ROUTE dump)
 *   walls uevent SECS  a NETLINK_KOBJECT_UEVENT socket joined to the kernel's group: does a
 *                      device event of the host arrive within SECS seconds?
 *   walls shm          statvfs("/dev/shm"): "shm: size=BYTES inodes=N"
 *   walls shm-fill     fallocate a file in /dev/shm one page larger than the file system
 *                      ("shm-over: ENOSPC" when bounded), then create empty files until
 *                      ENOSPC, 20000 at most ("shm-files: N ERRNO"); everything is removed again
 *
 * Exits 0 (the test judges), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static const char *errname(int e)
{
        const char *n = strerrorname_np(e);
        return n ? n : "E?";
}

static void try_socket(const char *name, int family, int type, int protocol)
{
        int fd = socket(family, type | SOCK_CLOEXEC, protocol);
        if (fd >= 0) {
                printf("%s: ok\n", name);
                close(fd);
        } else {
                printf("%s: %s\n", name, errname(errno));
        }
}

static void try_pair(const char *name, int family, int type)
{
        int sv[2];
        if (socketpair(family, type | SOCK_CLOEXEC, 0, sv) == 0) {
                printf("%s: ok\n", name);
                close(sv[0]);
                close(sv[1]);
        } else {
                printf("%s: %s\n", name, errname(errno));
        }
}

static void sockets(void)
{
        /* the kinds the policy governs: connect, bind and the send family carry the peer */
        try_socket("unix-stream", AF_UNIX, SOCK_STREAM, 0);
        try_socket("unix-dgram", AF_UNIX, SOCK_DGRAM, 0);
        try_socket("tcp", AF_INET, SOCK_STREAM, 0);
        try_socket("tcp-explicit", AF_INET, SOCK_STREAM, IPPROTO_TCP);
        try_socket("tcp6", AF_INET6, SOCK_STREAM, 0);
        try_socket("udp", AF_INET, SOCK_DGRAM, 0);
        try_socket("udp6", AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        try_socket("udplite", AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
        try_socket("mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
        try_socket("ping", AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
        try_socket("ping6", AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
        try_socket("netlink-route", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
        try_socket("netlink-route-dgram", AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
        try_pair("socketpair-unix", AF_UNIX, SOCK_STREAM);
        struct ifaddrs *ifa;
        if (getifaddrs(&ifa) == 0) {
                int n = 0;
                for (struct ifaddrs *i = ifa; i; i = i->ifa_next)
                        n++;
                printf("getifaddrs: ok %d\n", n > 0 ? 1 : 0);
                freeifaddrs(ifa);
        } else {
                printf("getifaddrs: %s\n", errname(errno));
        }
        /* connected by SCTP_SOCKOPT_CONNECTX (a setsockopt), or SCTP/DCCP picked by type */
        try_socket("sctp-stream", AF_INET, SOCK_STREAM, IPPROTO_SCTP);
        try_socket("sctp-seqpacket", AF_INET, SOCK_SEQPACKET, 0);
        try_socket("sctp6-seqpacket", AF_INET6, SOCK_SEQPACKET, IPPROTO_SCTP);
        try_socket("dccp", AF_INET, 6 /* SOCK_DCCP */, 0);
        /* netlink beyond the interface list: the host's device events, audit, sockets, generic */
        try_socket("netlink-uevent", AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT);
        try_socket("netlink-uevent-dgram", AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
        try_socket("netlink-audit", AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
        try_socket("netlink-sockdiag", AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
        try_socket("netlink-generic", AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
        try_socket("netlink-connector", AF_NETLINK, SOCK_DGRAM, NETLINK_CONNECTOR);
        /* families without any address rule */
        try_socket("vsock", AF_VSOCK, SOCK_STREAM, 0);
        try_socket("tipc", AF_TIPC, SOCK_RDM, 0);
        try_socket("alg", AF_ALG, SOCK_SEQPACKET, 0);
        try_socket("bluetooth", AF_BLUETOOTH, SOCK_RAW, 0);
        try_socket("can", AF_CAN, SOCK_RAW, 1 /* CAN_RAW */);
        try_socket("family-99", 99, SOCK_STREAM, 0);
        try_pair("socketpair-inet", AF_INET, SOCK_STREAM);
        try_pair("socketpair-tipc", AF_TIPC, SOCK_SEQPACKET);
}

/* The host's device events: joined to group 1, any message within secs seconds counts. */
static void uevent(int secs)
{
        int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
        if (fd < 0) {
                printf("uevent-socket: %s\n", errname(errno));
                return;
        }
        struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_groups = 1 };
        if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
                printf("uevent-bind: %s\n", errname(errno));
                close(fd);
                return;
        }
        printf("uevent-bind: ok\n");
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, secs * 1000);
        printf("uevent-event: %s\n", r > 0 ? "received" : r == 0 ? "none" : errname(errno));
        close(fd);
}

static void shm_stat(void)
{
        struct statvfs s;
        if (statvfs("/dev/shm", &s) < 0) {
                printf("shm: %s\n", errname(errno));
                return;
        }
        printf("shm: size=%llu inodes=%llu\n", (unsigned long long)s.f_blocks * s.f_frsize,
               (unsigned long long)s.f_files);
}

static void shm_fill(void)
{
        struct statvfs s;
        if (statvfs("/dev/shm", &s) < 0) {
                printf("shm: %s\n", errname(errno));
                return;
        }
        /* tmpfs refuses an fallocate larger than the whole file system before allocating a page */
        const char *big = "/dev/shm/podtrace-walls-big";
        int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) {
                printf("shm-over: open %s\n", errname(errno));
        } else {
                off_t over = (off_t)(s.f_blocks * s.f_frsize) + 4096;
                int e = posix_fallocate(fd, 0, over);
                printf("shm-over: %s\n", e ? errname(e) : "ok");
                close(fd);
                unlink(big);
        }
        /* every file, however small, takes an inode: count until the file system says no
         * (at most 20000: an unbounded /dev/shm has millions) */
        char path[64];
        unsigned long n = 0, limit = s.f_files + 16 < 20000 ? s.f_files + 16 : 20000;
        int err = 0;
        for (; n < limit; n++) {
                snprintf(path, sizeof(path), "/dev/shm/podtrace-walls-%lu", n);
                int f = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
                if (f < 0) {
                        err = errno;
                        break;
                }
                close(f);
        }
        printf("shm-files: %lu %s\n", n, err ? errname(err) : "no error");
        while (n-- > 0) {
                snprintf(path, sizeof(path), "/dev/shm/podtrace-walls-%lu", n);
                unlink(path);
        }
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc == 2 && strcmp(argv[1], "sockets") == 0)
                sockets();
        else if (argc == 3 && strcmp(argv[1], "uevent") == 0)
                uevent(atoi(argv[2]));
        else if (argc == 2 && strcmp(argv[1], "shm") == 0)
                shm_stat();
        else if (argc == 2 && strcmp(argv[1], "shm-fill") == 0)
                shm_fill();
        else {
                fprintf(stderr, "usage: walls sockets | uevent SECS | shm | shm-fill\n");
                return 2;
        }
        return 0;
}
