/* SPDX-License-Identifier: MIT */
/*
 * The HTTP proxy on the supervisor's side of the veth (169.254.1.1:8080 for the first run):
 * HTTP/1.1 absolute-form requests and CONNECT, host and port decided by the net rules before
 * anything goes upstream, names resolved here asynchronously (evdns) with --resolve pins and
 * DNS-rebinding protection. It also relays the worker's allowed direct TCP connections, since
 * the worker's namespace has no route out. One thread, one libevent loop, in the host's
 * network namespace. Bounded: header size, connections, idle time, buffers.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "policy/policy.h"

struct pt_log;

struct pt_proxy_config {
        const struct pt_policy *policy;
        struct pt_log *log;
        struct in_addr listen_addr; /* the supervisor's side of the veth */
        struct in_addr client_addr; /* the worker's side: the only peer accepted */
        uint16_t port;
        const struct pt_resolve_pin *pins;
        size_t npins;
        unsigned max_conns;   /* open client connections at once */
        unsigned idle_secs;   /* a connection with no traffic is closed */
        unsigned connect_secs; /* upstream connect timeout (504 / ETIMEDOUT) */
        bool no_dns;           /* resolve only pins and literals */
};

struct pt_proxy;

int pt_proxy_start(const struct pt_proxy_config *cfg, struct pt_proxy **ret, char *err, size_t errsize);
void pt_proxy_stop(struct pt_proxy *px);

/*
 * For a notify thread: connect to dest (already allowed) from the host's namespace, and
 * return the relay address on the supervisor's side of the veth that the worker's socket
 * should connect to instead. Blocks until the upstream connection is made or has failed
 * (negative errno: ECONNREFUSED, ETIMEDOUT, ENETUNREACH...).
 */
int pt_proxy_relay(struct pt_proxy *px, const struct sockaddr *dest, socklen_t len, struct sockaddr_in *ret_local);

/* Is this the proxy's own address (always reachable from the worker)? */
bool pt_proxy_is_self(const struct pt_proxy_config *cfg, const struct sockaddr *sa, socklen_t len);

/*
 * Addresses a name may not resolve to unless an address rule names them: loopback,
 * link-local (169.254/16, the cloud metadata service, the proxy itself), private and
 * unique-local ranges, unspecified, multicast, CGNAT, the local machine (below), IPv4-mapped
 * forms of those.
 */
bool pt_addr_is_internal(const struct sockaddr *sa);
/* The supervisor's own machine: loopback, link-local, and every address of the host's
 * interfaces as of now (host_addrs.h; all of them when that set cannot be read). Even bare
 * --allow-net needs an explicit address rule for them. */
bool pt_addr_is_local_machine(const struct sockaddr *sa);

/*
 * The decision for an upstream address. from_name: the address came from resolving a name the
 * policy already allowed, so only the rebinding rule applies; otherwise (an IP literal) the
 * address rules decide, and the local machine needs an explicit rule.
 */
void pt_proxy_decide_addr(const struct pt_policy *p, const struct sockaddr *sa, bool from_name,
                          struct pt_decision *ret, const char **ret_why);
