/* SPDX-License-Identifier: MIT */
/*
 * The proxy's event loop: accepting the worker's connections, reading request heads,
 * deciding, resolving, connecting upstream, and then either tunnelling (CONNECT) or
 * forwarding one request and its response at a time (absolute-form, keep-alive).
 */
#include "proxy/proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "log/log.h"
#include "proxy/http_msg.h"
#include "proxy/proxy_internal.h"

#define BUF_HIGH (64 * 1024) /* a request head and what follows it: stop reading there */

static void client_read(struct bufferevent *bev, void *arg);
static void client_flushed(struct bufferevent *bev, void *arg);
static void client_event(struct bufferevent *bev, short what, void *arg);

void conn_free(struct pt_conn *c)
{
        if (c->dns)
                evdns_getaddrinfo_cancel(c->dns);
        if (c->addrs)
                evutil_freeaddrinfo(c->addrs);
        if (c->client)
                bufferevent_free(c->client);
        if (c->upstream)
                bufferevent_free(c->upstream);
        if (c->idle_up)
                bufferevent_free(c->idle_up);
        if (c->tunnel)
                pt_tunnel_free(c->tunnel);
        c->px->nconns--;
        free(c);
}

/* Close once the client has received what is queued (client_flushed). */
void pt_proxy_close_after_flush(struct pt_conn *c)
{
        c->closing = true;
        if (c->upstream) {
                bufferevent_free(c->upstream);
                c->upstream = NULL;
        }
        pt_proxy_drop_idle(c);
        bufferevent_setcb(c->client, NULL, client_flushed, client_event, c);
        bufferevent_setwatermark(c->client, EV_WRITE, 0, 0);
        bufferevent_disable(c->client, EV_READ);
        bufferevent_enable(c->client, EV_WRITE);
        if (evbuffer_get_length(bufferevent_get_output(c->client)) == 0)
                conn_free(c);
}

/* The request in the -v log (and the summary): its decision, then its status or "connected". */
static void log_request(const struct pt_conn *c, int status, const char *reason)
{
        struct pt_log_proxy_event e = {
                .method = c->req.is_connect ? "CONNECT" : c->req.method[0] ? c->req.method : "?",
                .host = c->req.host[0] ? c->req.host : "?",
                .port = c->req.port,
                .decision = c->decided ? &c->decision : NULL,
                .status = status,
                .reason = reason,
        };
        pt_log_proxy(c->px->cfg.log, &e);
}

void pt_proxy_respond(struct pt_conn *c, int status, const char *reason, const char *denied, const char *body)
{
        struct evbuffer *out = bufferevent_get_output(c->client);
        evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n", status, reason);
        if (denied)
                evbuffer_add_printf(out, "X-Podtrace-Denied: %s\r\n", denied);
        evbuffer_add_printf(out, "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
                                 "Connection: close\r\n\r\n%s",
                            strlen(body), body);
        log_request(c, status, reason);
        pt_proxy_close_after_flush(c);
}

/* A 502/504 with the reason as the body. */
void pt_proxy_fail(struct pt_conn *c, int status, const char *what, const char *why)
{
        char body[512];
        snprintf(body, sizeof(body), "podtrace proxy: %s %s:%u: %s\n", what, c->req.host, c->req.port, why);
        pt_proxy_respond(c, status, status == 504 ? "Gateway Timeout" : "Bad Gateway", NULL, body);
}

static void deny(struct pt_conn *c, const struct pt_decision *d, const char *why, const char *fix)
{
        c->decision = *d;
        c->decided = true;
        char value[300], text[1024], body[1100], who[64];
        bool v6 = strchr(c->req.host, ':') != NULL;
        snprintf(value, sizeof(value), v6 ? "[%s]:%u" : "%s:%u", c->req.host, c->req.port);
        snprintf(who, sizeof(who), "proxy %s", c->req.is_connect ? "CONNECT" : c->req.method);
        pt_log_notice(c->px->cfg.log, d, value, who, fix);
        pt_log_denial_text(d, value, who, fix, text, sizeof(text));
        if (why) {
                size_t n = strlen(text);
                snprintf(text + n, sizeof(text) - n, " (%s)", why);
        }
        snprintf(body, sizeof(body), "podtrace: %s\n", text);
        /* the header carries the same line, without what a header may not contain */
        for (char *p = text; *p; p++)
                if (*p == '\r' || *p == '\n')
                        *p = ' ';
        pt_proxy_respond(c, 403, "Forbidden", text, body);
}

void pt_proxy_deny(struct pt_conn *c, const struct pt_decision *d, const char *why)
{
        deny(c, d, why, NULL);
}

void pt_proxy_deny_fix(struct pt_conn *c, const struct pt_decision *d, const char *fix)
{
        deny(c, d, NULL, fix);
}

void pt_proxy_nodelay(struct bufferevent *bev)
{
        /* heads and bodies are written separately: Nagle would hold them back for an ACK */
        int one = 1;
        evutil_socket_t fd = bufferevent_getfd(bev);
        if (fd >= 0)
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* The upstream connection is up: start the tunnel, or send the rewritten request. */
void pt_proxy_upstream_ready(struct pt_conn *c)
{
        log_request(c, 0, "connected");
        if (c->req.is_connect) {
                evbuffer_add_printf(bufferevent_get_output(c->client), "HTTP/1.1 200 Connection Established\r\n\r\n");
                pt_proxy_tunnel(c, c->px->cfg.idle_secs);
                return;
        }
        pt_proxy_forward_start(c);
}

static void client_event(struct bufferevent *bev, short what, void *arg)
{
        (void)bev;
        (void)what;
        conn_free(arg); /* EOF, error or idle timeout while reading a head */
}

static void client_flushed(struct bufferevent *bev, void *arg)
{
        struct pt_conn *c = arg;
        if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
                conn_free(c);
}

/* Read (more of) a request head; decide once it is complete. */
static void client_read(struct bufferevent *bev, void *arg)
{
        struct pt_conn *c = arg;
        struct evbuffer *in = bufferevent_get_input(bev);
        if (c->state != PT_CONN_HEAD || c->closing)
                return;
        size_t len = evbuffer_get_length(in);
        if (len == 0)
                return;
        size_t want = len < PT_HTTP_HEAD_MAX + 1 ? len : PT_HTTP_HEAD_MAX + 1;
        const char *data = (const char *)evbuffer_pullup(in, (ssize_t)want);
        size_t used = pt_http_msg_feed(&c->req, data, want);
        evbuffer_drain(in, used);
        if (c->req.state == PT_HTTP_ERROR) {
                char body[300];
                snprintf(body, sizeof(body), "podtrace proxy: bad request: %s\n", c->req.error);
                pt_proxy_respond(c, c->req.error && strstr(c->req.error, "too large") ? 431 : 400,
                                 c->req.error && strstr(c->req.error, "too large") ? "Request Header Fields Too Large"
                                                                                   : "Bad Request",
                                 NULL, body);
                return;
        }
        if (c->req.state == PT_HTTP_HEAD) {
                if (len > PT_HTTP_HEAD_MAX)
                        pt_proxy_respond(c, 431, "Request Header Fields Too Large", NULL,
                                         "podtrace proxy: request head too large\n");
                return;
        }
        /* The head is complete: stop reading until the decision and the upstream are done. */
        bufferevent_disable(bev, EV_READ);
        pt_proxy_decide_and_connect(c);
}

void pt_proxy_next_request(struct pt_conn *c)
{
        pt_http_msg_init(&c->req, false);
        c->state = PT_CONN_HEAD;
        c->decided = false;
        bufferevent_setcb(c->client, client_read, client_flushed, client_event, c);
        bufferevent_enable(c->client, EV_READ);
        if (evbuffer_get_length(bufferevent_get_input(c->client)))
                client_read(c->client, c);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
        struct pt_proxy *px = arg;
        (void)l;
        (void)salen;
        const struct sockaddr_in *in = (const void *)sa;
        /* Only the worker's side of the veth: anything else on the host gets nothing. */
        if (sa->sa_family != AF_INET || in->sin_addr.s_addr != px->cfg.client_addr.s_addr ||
            px->nconns >= px->cfg.max_conns) {
                evutil_closesocket(fd);
                return;
        }
        struct pt_conn *c = calloc(1, sizeof(*c));
        if (!c) {
                evutil_closesocket(fd);
                return;
        }
        c->px = px;
        c->client = bufferevent_socket_new(px->base, fd, BEV_OPT_CLOSE_ON_FREE);
        if (!c->client) {
                evutil_closesocket(fd);
                free(c);
                return;
        }
        px->nconns++;
        pt_proxy_nodelay(c->client);
        struct timeval idle = { (time_t)px->cfg.idle_secs, 0 };
        bufferevent_set_timeouts(c->client, &idle, &idle);
        bufferevent_setwatermark(c->client, EV_READ, 0, BUF_HIGH);
        pt_proxy_next_request(c);
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
        (void)what;
        struct pt_proxy *px = arg;
        struct pt_relay_req *r;
        ssize_t n;
        while ((n = read(fd, &r, sizeof(r))) == (ssize_t)sizeof(r)) {
                if (!r)
                        event_base_loopbreak(px->base);
                else
                        pt_relay_start(px, r);
        }
}

static void *proxy_main(void *arg)
{
        struct pt_proxy *px = arg;
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        event_base_dispatch(px->base);
        return NULL;
}

int pt_proxy_start(const struct pt_proxy_config *cfg, struct pt_proxy **ret, char *err, size_t errsize)
{
        int r = -EIO;
        struct pt_proxy *px = calloc(1, sizeof(*px));
        if (!px)
                return -ENOMEM;
        px->cfg = *cfg;
        px->wake[0] = px->wake[1] = -1;
        px->pipe[0] = px->pipe[1] = -1;
        px->base = event_base_new();
        if (!px->base) {
                snprintf(err, errsize, "cannot create the proxy's event loop");
                goto fail;
        }
        /* Name servers from /etc/resolv.conf; a machine without any fails names with a 502. */
        if (!cfg->no_dns) {
                px->dns = evdns_base_new(px->base, 0);
                if (px->dns && evdns_base_resolv_conf_parse(px->dns, DNS_OPTIONS_ALL, "/etc/resolv.conf") != 0)
                        px->dns_broken = true;
                /* a dead name server costs one 3 s wait, not libevent's default 5 s x 3 */
                if (px->dns) {
                        evdns_base_set_option(px->dns, "timeout:", "3");
                        evdns_base_set_option(px->dns, "attempts:", "1");
                }
        }
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(cfg->port), .sin_addr = cfg->listen_addr };
        px->listener = evconnlistener_new_bind(px->base, on_accept, px,
                                               LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 128,
                                               (struct sockaddr *)&sin, sizeof(sin));
        if (!px->listener) {
                r = errno > 0 ? -errno : -EIO; /* the caller says strerror(-r) after err */
                snprintf(err, errsize, "cannot listen on %s:%u", inet_ntoa(cfg->listen_addr), cfg->port);
                goto fail;
        }
        if (pipe2(px->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
                snprintf(err, errsize, "cannot create the proxy's wake-up pipe");
                goto fail;
        }
        px->wake_ev = event_new(px->base, px->wake[0], EV_READ | EV_PERSIST, on_wake, px);
        if (!px->wake_ev || event_add(px->wake_ev, NULL) < 0) {
                snprintf(err, errsize, "cannot watch the proxy's wake-up pipe");
                goto fail;
        }
        if (pthread_create(&px->thread, NULL, proxy_main, px) != 0) {
                snprintf(err, errsize, "cannot start the proxy thread");
                goto fail;
        }
        px->running = true;
        *ret = px;
        return 0;
fail:
        /* nothing runs yet: free what was made */
        if (px->wake_ev)
                event_free(px->wake_ev);
        for (int i = 0; i < 2; i++)
                if (px->wake[i] >= 0)
                        close(px->wake[i]);
        if (px->listener)
                evconnlistener_free(px->listener);
        if (px->dns)
                evdns_base_free(px->dns, 0);
        if (px->base)
                event_base_free(px->base);
        free(px);
        return r;
}

void pt_proxy_stop(struct pt_proxy *px)
{
        if (!px)
                return;
        if (px->running) {
                struct pt_relay_req *stop = NULL;
                if (write(px->wake[1], &stop, sizeof(stop)) == (ssize_t)sizeof(stop))
                        pthread_join(px->thread, NULL);
                else
                        return; /* the loop may still be using the listener: leave it to exit */
        }
        /* The listening socket goes now, before the caller deletes the veth: once that name is
         * free, the next run takes the same address and must be able to listen on it. Connections
         * still open die with the process; the loop is not freed under them. */
        if (px->listener) {
                evconnlistener_free(px->listener);
                px->listener = NULL;
        }
}

bool pt_proxy_is_self(const struct pt_proxy_config *cfg, const struct sockaddr *sa, socklen_t len)
{
        if (sa->sa_family != AF_INET || len < (socklen_t)sizeof(struct sockaddr_in))
                return false;
        const struct sockaddr_in *in = (const void *)sa;
        return in->sin_addr.s_addr == cfg->listen_addr.s_addr && ntohs(in->sin_port) == cfg->port;
}
