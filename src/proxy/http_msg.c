/* SPDX-License-Identifier: MIT */
#include "proxy/http_msg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct pt_http_msg *msg_of(http_parser *p)
{
        return (struct pt_http_msg *)((char *)p - offsetof(struct pt_http_msg, parser));
}

/* Every callback's error return: -1, which http-parser turns into HPE_CB_* (in
 * on_headers_complete, 1 and 2 would mean "no body" and "upgrade" instead). */
static int fail(struct pt_http_msg *m, const char *why)
{
        m->state = PT_HTTP_ERROR;
        m->error = why;
        return -1;
}

/* Hop-by-hop headers (RFC 9110 7.6.1) and the proxy's own are not forwarded. */
static bool hop_by_hop(const char *f)
{
        /* Expect: the proxy does not relay 100-continue; clients send the body anyway */
        static const char *const names[] = { "connection", "keep-alive", "proxy-connection", "proxy-authorization",
                                             "proxy-authenticate", "te", "trailer", "upgrade", "expect" };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcasecmp(f, names[i]) == 0)
                        return true;
        return false;
}

static int on_status(http_parser *p, const char *at, size_t len)
{
        struct pt_http_msg *m = msg_of(p);
        size_t room = sizeof(m->reason) - 1 - m->reason_len;
        if (len > room)
                len = room;
        memcpy(m->reason + m->reason_len, at, len);
        m->reason_len += len;
        m->reason[m->reason_len] = '\0';
        return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
        struct pt_http_msg *m = msg_of(p);
        if (m->url_len + len > PT_HTTP_URL_MAX)
                return fail(m, "request target too long");
        memcpy(m->url + m->url_len, at, len);
        m->url_len += len;
        m->url[m->url_len] = '\0';
        return 0;
}

static int append_fwd(struct pt_http_msg *m, const char *s, size_t n)
{
        if (m->fwd_len + n >= sizeof(m->fwd))
                return fail(m, "request head too large");
        memcpy(m->fwd + m->fwd_len, s, n);
        m->fwd_len += n;
        m->fwd[m->fwd_len] = '\0';
        return 0;
}

static void end_value(struct pt_http_msg *m)
{
        if (m->in_value && !m->skip)
                append_fwd(m, "\r\n", 2);
        m->in_value = false;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
        struct pt_http_msg *m = msg_of(p);
        if (m->in_value) {
                end_value(m);
                m->field_len = 0;
                m->field_overflow = false;
        }
        if (m->field_len + len >= sizeof(m->field))
                m->field_overflow = true;
        else {
                memcpy(m->field + m->field_len, at, len);
                m->field_len += len;
                m->field[m->field_len] = '\0';
        }
        return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
        struct pt_http_msg *m = msg_of(p);
        if (!m->in_value) {
                m->in_value = true;
                if (m->field_overflow)
                        return fail(m, "header name too long");
                m->skip = hop_by_hop(m->field);
                if (strcasecmp(m->field, "host") == 0)
                        m->has_host = true;
                if (!m->skip) {
                        if (append_fwd(m, m->field, m->field_len) || append_fwd(m, ": ", 2))
                                return -1;
                }
                m->value_start = m->fwd_len;
        }
        if (!m->skip && append_fwd(m, at, len))
                return -1;
        return m->state == PT_HTTP_ERROR ? -1 : 0;
}

/* host[:port] or [v6][:port] into m->host / m->port. */
static int split_authority(struct pt_http_msg *m, const char *a, size_t n, uint16_t default_port)
{
        const char *host = a, *end = a + n, *colon = NULL;
        size_t hlen;
        if (n && a[0] == '[') {
                const char *close = memchr(a, ']', n);
                if (!close)
                        return fail(m, "bad IPv6 address in the target");
                host = a + 1;
                hlen = (size_t)(close - host);
                if (close + 1 < end) {
                        if (close[1] != ':')
                                return fail(m, "bad target");
                        colon = close + 1;
                }
        } else {
                colon = memchr(a, ':', n);
                hlen = colon ? (size_t)(colon - a) : n;
        }
        if (hlen == 0 || hlen >= sizeof(m->host))
                return fail(m, "bad host in the target");
        memcpy(m->host, host, hlen);
        m->host[hlen] = '\0';
        for (char *c = m->host; *c; c++)
                *c = (char)tolower((unsigned char)*c);
        if (!colon) {
                m->port = default_port;
                return 0;
        }
        unsigned long port = 0;
        const char *d = colon + 1;
        if (d == end)
                return fail(m, "bad port in the target");
        for (; d < end; d++) {
                if (!isdigit((unsigned char)*d) || port > 65535)
                        return fail(m, "bad port in the target");
                port = port * 10 + (unsigned long)(*d - '0');
        }
        if (port == 0 || port > 65535)
                return fail(m, "bad port in the target");
        m->port = (uint16_t)port;
        return 0;
}

static int on_headers_complete(http_parser *p)
{
        struct pt_http_msg *m = msg_of(p);
        end_value(m);
        if (m->state == PT_HTTP_ERROR)
                return -1;
        m->head_bytes = p->nread;
        m->keep_alive = http_should_keep_alive(p);
        if (!m->response) {
                snprintf(m->method, sizeof(m->method), "%s", http_method_str(p->method));
                m->is_connect = p->method == HTTP_CONNECT;
                if (m->is_connect) {
                        /* authority-form: host:port, port required */
                        if (split_authority(m, m->url, m->url_len, 0) || m->port == 0)
                                return fail(m, "CONNECT needs host:port");
                } else {
                        struct http_parser_url u;
                        http_parser_url_init(&u);
                        if (http_parser_parse_url(m->url, m->url_len, 0, &u) != 0 ||
                            !(u.field_set & (1 << UF_SCHEMA)) || !(u.field_set & (1 << UF_HOST)))
                                return fail(m, "a proxy request needs an absolute http:// target");
                        if (u.field_data[UF_SCHEMA].len != 4 ||
                            strncasecmp(m->url + u.field_data[UF_SCHEMA].off, "http", 4) != 0)
                                return fail(m, "only http:// targets (use CONNECT for https)");
                        if (u.field_set & (1 << UF_USERINFO))
                                return fail(m, "user information in the target is not allowed");
                        size_t hoff = u.field_data[UF_HOST].off, hlen = u.field_data[UF_HOST].len;
                        if (hlen == 0 || hlen >= sizeof(m->host))
                                return fail(m, "bad host in the target");
                        memcpy(m->host, m->url + hoff, hlen);
                        m->host[hlen] = '\0';
                        for (char *c = m->host; *c; c++)
                                *c = (char)tolower((unsigned char)*c);
                        m->port = (u.field_set & (1 << UF_PORT)) ? u.port : 80;
                        if (m->port == 0)
                                return fail(m, "bad port in the target");
                        /* origin-form: path and query as sent */
                        if (u.field_set & (1 << UF_PATH)) {
                                size_t off = u.field_data[UF_PATH].off;
                                size_t end = (u.field_set & (1 << UF_QUERY))
                                                     ? (size_t)(u.field_data[UF_QUERY].off + u.field_data[UF_QUERY].len)
                                                     : off + u.field_data[UF_PATH].len;
                                snprintf(m->path, sizeof(m->path), "%.*s", (int)(end - off), m->url + off);
                        } else if (u.field_set & (1 << UF_QUERY)) {
                                snprintf(m->path, sizeof(m->path), "/?%.*s", (int)u.field_data[UF_QUERY].len,
                                         m->url + u.field_data[UF_QUERY].off);
                        } else {
                                snprintf(m->path, sizeof(m->path), "/");
                        }
                }
        }
        m->chunked = (p->flags & F_CHUNKED) != 0;
        m->state = PT_HTTP_BODY;
        http_parser_pause(p, 1);
        return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
        struct pt_http_msg *m = msg_of(p);
        if (m->on_body)
                m->on_body(m->body_ctx, at, len);
        return 0;
}

static int on_message_complete(http_parser *p)
{
        struct pt_http_msg *m = msg_of(p);
        if (m->state == PT_HTTP_ERROR)
                return -1;
        m->state = PT_HTTP_DONE;
        http_parser_pause(p, 1);
        return 0;
}

static const http_parser_settings settings = {
        .on_url = on_url,
        .on_status = on_status,
        .on_header_field = on_header_field,
        .on_header_value = on_header_value,
        .on_headers_complete = on_headers_complete,
        .on_body = on_body,
        .on_message_complete = on_message_complete,
};

void pt_http_msg_init(struct pt_http_msg *m, bool response)
{
        memset(m, 0, sizeof(*m));
        http_parser_init(&m->parser, response ? HTTP_RESPONSE : HTTP_REQUEST);
        m->response = response;
        m->state = PT_HTTP_HEAD;
}

size_t pt_http_msg_feed(struct pt_http_msg *m, const char *data, size_t len)
{
        if (m->state == PT_HTTP_ERROR || m->state == PT_HTTP_DONE || len == 0)
                return 0;
        if (HTTP_PARSER_ERRNO(&m->parser) == HPE_PAUSED)
                http_parser_pause(&m->parser, 0);
        enum pt_http_state before = m->state;
        size_t n = http_parser_execute(&m->parser, &settings, data, len);
        enum http_errno e = HTTP_PARSER_ERRNO(&m->parser);
        if (m->state == PT_HTTP_ERROR)
                return n;
        if (e != HPE_OK && e != HPE_PAUSED) {
                m->state = PT_HTTP_ERROR;
                m->error = e == HPE_HEADER_OVERFLOW ? "request head too large" : http_errno_description(e);
                return n;
        }
        if (before == PT_HTTP_HEAD && m->state == PT_HTTP_HEAD && m->parser.nread > PT_HTTP_HEAD_MAX) {
                m->state = PT_HTTP_ERROR;
                m->error = "request head too large";
        }
        /*
         * Paused in on_headers_complete, http-parser has not consumed the head's last LF yet.
         * For CONNECT (the tunnel starts right after) and a request without a body (the next
         * request may follow), run on at once: the parser eats the LF and stops at the
         * upgrade or at on_message_complete, so n is exactly this message's bytes.
         */
        if (before == PT_HTTP_HEAD && m->state == PT_HTTP_BODY && !m->response) {
                unsigned flags = m->parser.flags;
                bool has_body = (flags & F_CHUNKED) || ((flags & F_CONTENTLENGTH) && m->parser.content_length > 0);
                if (m->is_connect || !has_body) {
                        http_parser_pause(&m->parser, 0);
                        n += http_parser_execute(&m->parser, &settings, data + n, len - n);
                        e = HTTP_PARSER_ERRNO(&m->parser);
                        if (e != HPE_OK && e != HPE_PAUSED) {
                                m->state = PT_HTTP_ERROR;
                                m->error = http_errno_description(e);
                                return n;
                        }
                        m->state = PT_HTTP_DONE;
                }
        }
        return n;
}

void pt_http_msg_eof(struct pt_http_msg *m)
{
        if (m->state == PT_HTTP_BODY || m->state == PT_HTTP_HEAD) {
                if (HTTP_PARSER_ERRNO(&m->parser) == HPE_PAUSED)
                        http_parser_pause(&m->parser, 0);
                http_parser_execute(&m->parser, &settings, NULL, 0);
                if (m->state != PT_HTTP_DONE && m->response && m->state == PT_HTTP_BODY &&
                    HTTP_PARSER_ERRNO(&m->parser) == HPE_OK)
                        m->state = PT_HTTP_DONE;
        }
}
