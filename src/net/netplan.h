/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's link to the supervisor: a veth pair, veth-bun (supervisor side, 169.254.1.1)
 * and veth-sb (in the worker's namespace, 169.254.1.2), a /30 between them, and nothing else:
 * no default route, so the worker reaches exactly the supervisor. Concurrent runs take the
 * next free index: names veth-bunN/veth-sbN and the next /30 (169.254.1.4/30, ...). The
 * host-side name is the lock: creating it with NLM_F_EXCL either succeeds or says taken.
 */
#pragma once

#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>

#define PT_NET_MAX_INDEX 16000
#define PT_PROXY_PORT 8080

struct pt_netplan {
        unsigned index;
        char host_if[16];   /* veth-bun[N] */
        char worker_if[16]; /* veth-sb[N] */
        struct in_addr host_addr;   /* 169.254.1.1 for index 0 */
        struct in_addr worker_addr; /* 169.254.1.2 for index 0 */
        unsigned prefix;            /* 30 */
        int host_ifindex;           /* of host_if once created; 0 before */
};

void pt_netplan_for_index(unsigned index, struct pt_netplan *ret);

/*
 * Create the pair for the namespace of pid (its peer is created there directly, so nothing is
 * left in the host if we die half-way), address and bring up the host side. Takes the first
 * free index from first_index on. The kernel removes the pair when the worker's namespace
 * dies (netns clean-up is deferred work: the pair is gone some ms after podtrace exits).
 */
int pt_veth_create(pid_t ns_pid, unsigned first_index, struct pt_netplan *ret, char *err, size_t errsize);

/* Delete the pair now (by the host side's ifindex; quiet if it is already gone): for a pair
 * given up while its namespace lives on (its proxy address turned out taken). */
void pt_veth_destroy(const struct pt_netplan *plan);

/* Inside the worker's namespace (init): address and bring up the worker side. */
int pt_veth_configure_inside(const struct pt_netplan *plan);
