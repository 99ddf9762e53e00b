/* SPDX-License-Identifier: MIT */
/*
 * The addresses of the host's own interfaces: those of the supervisor's network namespace,
 * never the worker's. A service listening on 0.0.0.0 answers on every one of them, so they
 * are "the local machine" (addr_rules.c) like loopback: reached only through an address rule
 * that names them, however bare --allow-net is.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pt_log;

/* One address: AF_INET in b[0..3], or AF_INET6 in b[0..15]. v4-mapped IPv6 is kept as AF_INET. */
struct pt_host_addr {
        int family;
        uint8_t b[16];
};

struct pt_host_addr_set {
        struct pt_host_addr *v;
        size_t n, cap;
};

/*
 * host_addr_set.c, no state of its own. _parse adds the addresses of the RTM_NEWADDR
 * messages in one netlink datagram answering dump `seq` (other sequence numbers are skipped;
 * *intr is set when the kernel flags the dump as interrupted by a change): 1 at the end of the
 * dump, 0 when more is to come, -errno (an NLMSG_ERROR, a malformed message, ENOMEM).
 * _dump asks for every address on the NETLINK_ROUTE socket nlfd (whose network namespace is
 * the one read, whoever calls) and fills the set: 0, -EAGAIN for an interrupted dump (read it
 * again), or -errno.
 */
int pt_host_addr_set_parse(struct pt_host_addr_set *s, const void *buf, size_t len, uint32_t seq, bool *intr);
int pt_host_addr_set_dump(struct pt_host_addr_set *s, int nlfd, uint32_t seq);
bool pt_host_addr_set_has(const struct pt_host_addr_set *s, int family, const uint8_t *b);
void pt_host_addr_set_free(struct pt_host_addr_set *s);

/* host_addrs.c: the process's view of the host's current addresses (thread-safe). */
enum pt_host_addr_match {
        PT_HOST_ADDR_NO,
        PT_HOST_ADDR_YES,
        PT_HOST_ADDR_UNKNOWN, /* the set cannot be read: callers treat the address as the host's */
};

/*
 * Open the netlink sockets, from a thread in the host's network namespace, before any thread
 * joins the worker's (notify threads). A failure is logged and leaves every later answer
 * PT_HOST_ADDR_UNKNOWN (fail closed). Safe to call more than once.
 */
int pt_host_addrs_open(struct pt_log *log);
/* Is this address (family and bytes as above) one of the host's, as of now? Any thread. */
enum pt_host_addr_match pt_host_addrs_match(int family, const uint8_t *b);
