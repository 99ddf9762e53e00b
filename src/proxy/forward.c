/* SPDX-License-Identifier: MIT */
/*
 * An absolute-form request: the head rewritten to origin-form without hop-by-hop headers,
 * the body forwarded byte for byte until the request parser says it ended, the response head
 * rewritten the same way and its body forwarded until the response parser says it ended. Then
 * the next request on the same client connection, when both sides' framing allows it.
 *
 * The upstream connection is kept (one per client connection) when the response allows it, and
 * reused only by a next request that was decided again and goes to the same host and port; its
 * address was checked when it was made. A kept connection the server closed in the meantime is
 * replaced once, for a GET, HEAD or OPTIONS without a body.
 */
#include <event2/buffer.h>
#include <stdio.h>
#include <string.h>

#include "proxy/proxy_internal.h"

static void finish_response(struct pt_conn *c);

/* Body bytes, re-framed the way the head announced them. */
static void write_body(struct evbuffer *out, bool chunked, const char *at, size_t len)
{
        if (chunked)
                evbuffer_add_printf(out, "%zx\r\n", len);
        evbuffer_add(out, at, len);
        if (chunked)
                evbuffer_add(out, "\r\n", 2);
}

static void request_body(void *ctx, const char *at, size_t len)
{
        struct pt_conn *c = ctx;
        write_body(bufferevent_get_output(c->upstream), c->req.chunked, at, len);
}

static void response_body(void *ctx, const char *at, size_t len)
{
        struct pt_conn *c = ctx;
        write_body(bufferevent_get_output(c->client), c->resp.chunked, at, len);
}

static void pump_request(struct pt_conn *c)
{
        struct evbuffer *in = bufferevent_get_input(c->client);
        while (c->req.state == PT_HTTP_BODY && evbuffer_get_length(in)) {
                size_t len = evbuffer_get_length(in);
                const char *data = (const char *)evbuffer_pullup(in, (ssize_t)len);
                size_t used = pt_http_msg_feed(&c->req, data, len);
                evbuffer_drain(in, used);
                if (c->req.state == PT_HTTP_DONE && c->req.chunked)
                        evbuffer_add(bufferevent_get_output(c->upstream), "0\r\n\r\n", 5);
                if (used == 0)
                        break;
        }
        if (c->req.state == PT_HTTP_ERROR) {
                pt_proxy_fail(c, 502, "forwarding to", "malformed request body");
                return;
        }
        if (c->req.state == PT_HTTP_DONE)
                bufferevent_disable(c->client, EV_READ); /* the next request waits for this response */
}

static bool response_delimited(const struct pt_conn *c)
{
        const http_parser *p = &c->resp.parser;
        unsigned status = p->status_code;
        return (p->flags & F_CHUNKED) || (p->flags & F_CONTENTLENGTH) || status == 204 || status == 304 ||
               status < 200 || strcmp(c->req.method, "HEAD") == 0;
}

static void send_response_head(struct pt_conn *c)
{
        struct evbuffer *out = bufferevent_get_output(c->client);
        bool keep = c->req.keep_alive && response_delimited(c);
        evbuffer_add_printf(out, "HTTP/1.1 %u %s\r\n", c->resp.parser.status_code, c->resp.reason);
        evbuffer_add(out, c->resp.fwd, c->resp.fwd_len);
        evbuffer_add_printf(out, "Connection: %s\r\n\r\n", keep ? "keep-alive" : "close");
}

static void pump_response(struct pt_conn *c)
{
        struct evbuffer *in = bufferevent_get_input(c->upstream);
        while (evbuffer_get_length(in) && c->resp.state != PT_HTTP_DONE && c->resp.state != PT_HTTP_ERROR) {
                size_t len = evbuffer_get_length(in);
                const char *data = (const char *)evbuffer_pullup(in, (ssize_t)len);
                enum pt_http_state before = c->resp.state;
                size_t used = pt_http_msg_feed(&c->resp, data, len);
                evbuffer_drain(in, used); /* the head is rewritten; the body went through response_body */
                if (before == PT_HTTP_HEAD && (c->resp.state == PT_HTTP_BODY || c->resp.state == PT_HTTP_DONE))
                        send_response_head(c);
                if (before == PT_HTTP_BODY && c->resp.state == PT_HTTP_DONE && c->resp.chunked)
                        evbuffer_add(bufferevent_get_output(c->client), "0\r\n\r\n", 5);
                if (used == 0)
                        break;
        }
        if (c->resp.state == PT_HTTP_ERROR) {
                pt_proxy_fail(c, 502, "reading the response of", "malformed response");
                return;
        }
        if (c->resp.state == PT_HTTP_DONE)
                finish_response(c);
}

/* The kept connection says something (or closes) while no request is on it: drop it. */
static void idle_read(struct bufferevent *bev, void *arg)
{
        (void)bev;
        pt_proxy_drop_idle(arg);
}

static void idle_event(struct bufferevent *bev, short what, void *arg)
{
        (void)bev;
        (void)what;
        pt_proxy_drop_idle(arg);
}

void pt_proxy_drop_idle(struct pt_conn *c)
{
        if (c->idle_up)
                bufferevent_free(c->idle_up);
        c->idle_up = NULL;
}

static void keep_idle(struct pt_conn *c)
{
        pt_proxy_drop_idle(c);
        c->idle_up = c->upstream;
        snprintf(c->idle_host, sizeof(c->idle_host), "%s", c->req.host);
        c->idle_port = c->req.port;
        bufferevent_setcb(c->idle_up, idle_read, NULL, idle_event, c);
        bufferevent_enable(c->idle_up, EV_READ);
}

bool pt_proxy_reuse_upstream(struct pt_conn *c)
{
        c->reused = false;
        if (!c->idle_up)
                return false;
        if (c->req.is_connect || c->req.port != c->idle_port || strcmp(c->req.host, c->idle_host) != 0) {
                pt_proxy_drop_idle(c);
                return false;
        }
        c->upstream = c->idle_up;
        c->idle_up = NULL;
        c->reused = true;
        return true;
}

static void finish_response(struct pt_conn *c)
{
        if (c->resp.parser.status_code < 200) {
                /* an interim response (1xx): the real one follows */
                pt_http_msg_init(&c->resp, true);
                c->resp.on_body = response_body;
                c->resp.body_ctx = c;
                pump_response(c);
                return;
        }
        bool keep = c->req.keep_alive && response_delimited(c) && c->req.state == PT_HTTP_DONE;
        if (keep && c->resp.keep_alive && evbuffer_get_length(bufferevent_get_input(c->upstream)) == 0)
                keep_idle(c);
        else
                bufferevent_free(c->upstream);
        c->upstream = NULL;
        if (keep)
                pt_proxy_next_request(c);
        else {
                c->closing = true;
                pt_proxy_close_after_flush(c);
        }
}

static void on_client_read(struct bufferevent *bev, void *arg)
{
        (void)bev;
        struct pt_conn *c = arg;
        if (c->upstream)
                pump_request(c);
}

static void on_upstream_read(struct bufferevent *bev, void *arg)
{
        (void)bev;
        pump_response(arg);
}

static void on_upstream_event(struct bufferevent *bev, short what, void *arg)
{
        (void)bev;
        struct pt_conn *c = arg;
        if (what & BEV_EVENT_EOF) {
                pump_response(c);
                if (!c->upstream)
                        return; /* finished above */
                pt_http_msg_eof(&c->resp);
                if (c->resp.state == PT_HTTP_DONE) {
                        finish_response(c);
                        return;
                }
        }
        if (c->resp.state == PT_HTTP_HEAD && c->resp.parser.nread == 0 && c->reused && c->retryable) {
                /* the server closed the kept connection as the request went out: a new one */
                bufferevent_free(c->upstream);
                c->upstream = NULL;
                c->reused = false;
                pt_proxy_decide_and_connect(c);
                return;
        }
        if (c->resp.state == PT_HTTP_HEAD && c->resp.parser.nread == 0)
                pt_proxy_fail(c, (what & BEV_EVENT_TIMEOUT) ? 504 : 502, "reading the response of",
                              (what & BEV_EVENT_TIMEOUT) ? "timed out" : "connection closed");
        else
                pt_proxy_close_after_flush(c); /* cut short mid-response: the client sees it end */
}

static void on_client_event(struct bufferevent *bev, short what, void *arg)
{
        (void)bev;
        (void)what;
        conn_free(arg);
}

void pt_proxy_forward_start(struct pt_conn *c)
{
        struct evbuffer *out = bufferevent_get_output(c->upstream);
        c->state = PT_CONN_FORWARD;
        evbuffer_add_printf(out, "%s %s HTTP/1.1\r\n", c->req.method, c->req.path);
        if (!c->req.has_host) {
                bool v6 = strchr(c->req.host, ':') != NULL;
                evbuffer_add_printf(out, v6 ? "Host: [%s]:%u\r\n" : "Host: %s:%u\r\n", c->req.host, c->req.port);
        }
        evbuffer_add(out, c->req.fwd, c->req.fwd_len);
        evbuffer_add_printf(out, "Connection: keep-alive\r\n\r\n");
        /* only a request that is safe to send twice is retried (RFC 9110 9.2.2) */
        c->retryable = c->req.state != PT_HTTP_BODY &&
                       (!strcmp(c->req.method, "GET") || !strcmp(c->req.method, "HEAD") || !strcmp(c->req.method, "OPTIONS"));
        pt_http_msg_init(&c->resp, true);
        c->resp.on_body = response_body;
        c->resp.body_ctx = c;
        c->req.on_body = request_body;
        c->req.body_ctx = c;
        bufferevent_setcb(c->client, on_client_read, NULL, on_client_event, c);
        bufferevent_setcb(c->upstream, on_upstream_read, NULL, on_upstream_event, c);
        bufferevent_enable(c->upstream, EV_READ | EV_WRITE);
        if (c->req.state == PT_HTTP_BODY) {
                bufferevent_enable(c->client, EV_READ);
                pump_request(c);
        }
}
