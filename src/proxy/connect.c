/* SPDX-License-Identifier: MIT */
/*
 * From a complete request head to an upstream connection: the net decision on the name (or
 * the literal address), resolution (a --resolve pin, or evdns, never blocking the loop), the
 * DNS-rebinding check on every address, and a non-blocking connect trying each address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/util.h>
#include <stdio.h>
#include <string.h>

#include "proxy/proxy_internal.h"

static void try_next(struct pt_conn *c);

static void upstream_event(struct bufferevent *bev, short what, void *arg)
{
        struct pt_conn *c = arg;
        if (what & BEV_EVENT_CONNECTED) {
                pt_proxy_nodelay(bev);
                bufferevent_set_timeouts(bev, NULL, NULL);
                struct timeval idle = { (time_t)c->px->cfg.idle_secs, 0 };
                bufferevent_set_timeouts(bev, &idle, &idle);
                pt_proxy_upstream_ready(c);
                return;
        }
        int err = EVUTIL_SOCKET_ERROR();
        bufferevent_free(c->upstream);
        c->upstream = NULL;
        if (c->next_addr) {
                try_next(c);
                return;
        }
        if (what & BEV_EVENT_TIMEOUT)
                pt_proxy_fail(c, 504, "connecting to", "timed out");
        else
                pt_proxy_fail(c, 502, "connecting to", err ? strerror(err) : "connection failed");
}

static void try_next(struct pt_conn *c)
{
        struct evutil_addrinfo *ai = c->next_addr;
        c->next_addr = ai->ai_next;
        c->upstream = bufferevent_socket_new(c->px->base, -1, BEV_OPT_CLOSE_ON_FREE);
        if (!c->upstream) {
                pt_proxy_fail(c, 502, "connecting to", "out of memory");
                return;
        }
        struct timeval t = { (time_t)c->px->cfg.connect_secs, 0 };
        bufferevent_set_timeouts(c->upstream, &t, &t);
        bufferevent_setcb(c->upstream, NULL, NULL, upstream_event, c);
        c->state = PT_CONN_CONNECTING;
        if (bufferevent_socket_connect(c->upstream, ai->ai_addr, (int)ai->ai_addrlen) < 0) {
                bufferevent_free(c->upstream);
                c->upstream = NULL;
                if (c->next_addr)
                        try_next(c);
                else
                        pt_proxy_fail(c, 502, "connecting to", strerror(errno));
        }
}

/* Keep only the addresses the policy lets this name reach; say why when none is left. */
static void filter_and_connect(struct pt_conn *c, bool from_name)
{
        struct evutil_addrinfo **pp = &c->addrs;
        struct pt_decision d = { 0 };
        const char *why = NULL;
        char refused[INET6_ADDRSTRLEN] = "";
        bool any = false;
        while (*pp) {
                struct evutil_addrinfo *ai = *pp;
                const char *w;
                struct pt_decision dd;
                ((struct sockaddr_in *)ai->ai_addr)->sin_port = htons(c->req.port); /* same offset for v6 */
                pt_proxy_decide_addr(c->px->cfg.policy, ai->ai_addr, from_name, &dd, &w);
                if (dd.allow) {
                        any = true;
                        pp = &ai->ai_next;
                        continue;
                }
                d = dd;
                why = w;
                const void *a = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                                         : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
                evutil_inet_ntop(ai->ai_family, a, refused, sizeof(refused));
                *pp = ai->ai_next; /* unlink the refused address */
                ai->ai_next = NULL;
                evutil_freeaddrinfo(ai);
        }
        if (!any) {
                if (from_name && why) {
                        /* the name is allowed; the address it leads to is what needs a rule */
                        char fix[128];
                        snprintf(fix, sizeof(fix), "--allow-net=%s%s%s (it resolves to that internal address)",
                                 strchr(refused, ':') ? "[" : "", refused, strchr(refused, ':') ? "]" : "");
                        pt_proxy_deny_fix(c, &d, fix);
                        return;
                }
                pt_proxy_deny(c, &d, why);
                return;
        }
        c->next_addr = c->addrs;
        try_next(c);
}

static void on_resolved(int err, struct evutil_addrinfo *res, void *arg)
{
        struct pt_conn *c = arg;
        c->dns = NULL;
        if (err == EVUTIL_EAI_CANCEL)
                return; /* the connection is being freed */
        if (err != 0 || !res) {
                pt_proxy_fail(c, 502, "resolving", evutil_gai_strerror(err));
                return;
        }
        c->addrs = res;
        filter_and_connect(c, true);
}

/* A single address as an evutil_addrinfo list (for pins and literals). */
static int one_addr(struct pt_conn *c, const struct sockaddr *sa)
{
        struct evutil_addrinfo hints = { .ai_family = sa->sa_family, .ai_socktype = SOCK_STREAM,
                                         .ai_flags = EVUTIL_AI_NUMERICHOST };
        char text[64];
        const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                                                 : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (!evutil_inet_ntop(sa->sa_family, a, text, sizeof(text)))
                return -EINVAL;
        return evutil_getaddrinfo(text, NULL, &hints, &c->addrs) == 0 ? 0 : -EINVAL;
}

void pt_proxy_decide_and_connect(struct pt_conn *c)
{
        const struct pt_proxy_config *cfg = &c->px->cfg;
        struct pt_decision d;
        struct sockaddr_storage ss;
        memset(&ss, 0, sizeof(ss));
        struct sockaddr_in *in = (void *)&ss;
        struct sockaddr_in6 *in6 = (void *)&ss;
        bool literal = false;

        if (c->addrs) { /* the previous request's addresses, on a kept-alive client connection */
                evutil_freeaddrinfo(c->addrs);
                c->addrs = c->next_addr = NULL;
        }

        if (inet_pton(AF_INET, c->req.host, &in->sin_addr) == 1) {
                in->sin_family = AF_INET;
                literal = true;
        } else if (inet_pton(AF_INET6, c->req.host, &in6->sin6_addr) == 1) {
                in6->sin6_family = AF_INET6;
                literal = true;
        }
        if (literal) {
                const char *why;
                in->sin_port = htons(c->req.port);
                pt_proxy_decide_addr(cfg->policy, (struct sockaddr *)&ss, false, &d, &why);
                if (!d.allow) {
                        pt_proxy_deny(c, &d, why);
                        return;
                }
                c->decision = d;
                c->decided = true;
                if (pt_proxy_reuse_upstream(c)) {
                        pt_proxy_upstream_ready(c);
                        return;
                }
                if (one_addr(c, (struct sockaddr *)&ss) < 0) {
                        pt_proxy_fail(c, 502, "connecting to", "bad address");
                        return;
                }
                filter_and_connect(c, false);
                return;
        }
        /* a name: the name rules decide; the addresses it resolves to are checked after */
        char host[PT_HTTP_HOST_MAX];
        snprintf(host, sizeof(host), "%s", c->req.host);
        size_t n = strlen(host);
        if (n && host[n - 1] == '.')
                host[n - 1] = '\0';
        pt_decide_host(cfg->policy, host, c->req.port, &d);
        if (!d.allow) {
                pt_proxy_deny(c, &d, NULL);
                return;
        }
        c->decision = d;
        c->decided = true;
        if (pt_proxy_reuse_upstream(c)) {
                pt_proxy_upstream_ready(c); /* same name and port: its address was checked */
                return;
        }
        for (size_t i = 0; i < cfg->npins; i++)
                if (strcmp(cfg->pins[i].host, host) == 0) {
                        if (one_addr(c, (const struct sockaddr *)&cfg->pins[i].addr) < 0) {
                                pt_proxy_fail(c, 502, "resolving", "bad --resolve address");
                                return;
                        }
                        filter_and_connect(c, true);
                        return;
                }
        if (cfg->no_dns) {
                pt_proxy_fail(c, 502, "resolving", "name resolution is off (--no-dns); use --resolve=HOST:ADDR");
                return;
        }
        if (!c->px->dns || c->px->dns_broken) {
                pt_proxy_fail(c, 502, "resolving", "no name servers (/etc/resolv.conf); use --resolve=HOST:ADDR");
                return;
        }
        struct evutil_addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
        c->state = PT_CONN_RESOLVING;
        c->dns = evdns_getaddrinfo(c->px->dns, host, NULL, &hints, on_resolved, c);
        /* evdns may answer at once (and set c->dns to NULL in the callback) */
}
