/* SPDX-License-Identifier: MIT */
/* Inside the proxy: its state, one client connection, and the steps shared by its files. */
#pragma once

#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <pthread.h>

#include "proxy/http_msg.h"
#include "proxy/proxy.h"

struct pt_proxy {
        struct pt_proxy_config cfg;
        struct event_base *base;
        struct evdns_base *dns;
        bool dns_broken;
        struct evconnlistener *listener;
        struct event *wake_ev;
        int wake[2]; /* notify threads hand relay requests to the loop through this pipe */
        int pipe[2]; /* tunnels splice through it (tunnel.c), empty between two steps; -1: none yet */
        pthread_t thread;
        bool running;
        unsigned nconns;
};

enum pt_conn_state {
        PT_CONN_HEAD,       /* reading a request head */
        PT_CONN_RESOLVING,  /* waiting for DNS */
        PT_CONN_CONNECTING, /* connecting upstream */
        PT_CONN_FORWARD,    /* an absolute-form request and its response in flight */
        PT_CONN_TUNNEL,     /* CONNECT: bytes both ways */
};

struct pt_tunnel;

struct pt_conn {
        struct pt_proxy *px;
        struct bufferevent *client, *upstream;
        struct pt_tunnel *tunnel; /* PT_CONN_TUNNEL: the raw sockets, taken from client and upstream */
        enum pt_conn_state state;
        struct pt_http_msg req, resp;
        struct evdns_getaddrinfo_request *dns;
        struct evutil_addrinfo *addrs, *next_addr;
        struct pt_decision decision; /* this request's, for the log (valid when decided) */
        bool decided;
        bool closing;
        /* absolute-form keep-alive: the last upstream connection, kept for the same host:port */
        struct bufferevent *idle_up;
        char idle_host[PT_HTTP_HOST_MAX];
        unsigned idle_port;
        bool reused;   /* this request went out on a kept connection (retried once if it was closed) */
        bool retryable; /* safe to send again when a kept connection turns out closed */
};

/* A direct TCP connection to relay, from a notify thread (pt_proxy_relay). */
struct pt_relay_req {
        struct sockaddr_storage dest;
        socklen_t dest_len;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        bool done;
        int result; /* 0 or negative errno */
        struct sockaddr_in local;
};

void conn_free(struct pt_conn *c);
void pt_proxy_respond(struct pt_conn *c, int status, const char *reason, const char *denied, const char *body);
void pt_proxy_fail(struct pt_conn *c, int status, const char *what, const char *why);
void pt_proxy_deny(struct pt_conn *c, const struct pt_decision *d, const char *why);
/* A denial whose fix is not --allow-net=<the target> (an internal address a name leads to). */
void pt_proxy_deny_fix(struct pt_conn *c, const struct pt_decision *d, const char *fix);
void pt_proxy_next_request(struct pt_conn *c);
void pt_proxy_close_after_flush(struct pt_conn *c);
void pt_proxy_nodelay(struct bufferevent *bev);
void pt_proxy_upstream_ready(struct pt_conn *c);

/* connect.c: decide the target, resolve it, connect upstream. */
void pt_proxy_decide_and_connect(struct pt_conn *c);
/* forward.c: send the rewritten request, stream the body and the response. */
void pt_proxy_forward_start(struct pt_conn *c);
/* forward.c: take the kept upstream connection when it goes where this request goes. */
bool pt_proxy_reuse_upstream(struct pt_conn *c);
void pt_proxy_drop_idle(struct pt_conn *c);
/* tunnel.c: bytes both ways on the raw sockets (closed after idle_secs without traffic; 0: never). */
void pt_proxy_tunnel(struct pt_conn *c, unsigned idle_secs);
void pt_tunnel_free(struct pt_tunnel *t);
/* relay.c: in the loop, for a notify thread's direct connection. */
void pt_relay_start(struct pt_proxy *px, struct pt_relay_req *r);
