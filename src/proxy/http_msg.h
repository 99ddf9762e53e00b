/* SPDX-License-Identifier: MIT */
/*
 * One HTTP/1.x message as the proxy sees it, on top of http-parser: the request head
 * (method, target, the headers to forward), bounded, and where the message ends, so that
 * bodies can be forwarded byte for byte and a keep-alive connection can carry the next one.
 * Pure: no I/O (the fuzzer links it).
 */
#pragma once

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_HTTP_HEAD_MAX (16 * 1024) /* request line + headers */
#define PT_HTTP_URL_MAX 4096
#define PT_HTTP_HOST_MAX 256

enum pt_http_state {
        PT_HTTP_HEAD,  /* reading the head */
        PT_HTTP_BODY,  /* head done, reading the body */
        PT_HTTP_DONE,  /* the message is complete */
        PT_HTTP_ERROR, /* malformed or too large: see error */
};

struct pt_http_msg {
        http_parser parser;
        enum pt_http_state state;
        bool response;
        const char *error; /* a reason for a 400, when state is PT_HTTP_ERROR */
        size_t head_bytes;

        /* requests */
        char method[24];
        char url[PT_HTTP_URL_MAX + 1];
        size_t url_len;
        char host[PT_HTTP_HOST_MAX]; /* the target's host (no brackets for IPv6) */
        uint16_t port;
        char path[PT_HTTP_URL_MAX + 1]; /* origin-form for forwarding: "/x?y" */
        bool is_connect;
        bool keep_alive;
        bool has_host;
        /* responses */
        char reason[64];
        size_t reason_len;
        /* the headers to forward, "Name: value\r\n"..., hop-by-hop ones removed */
        char fwd[PT_HTTP_HEAD_MAX];
        size_t fwd_len;

        /* the body, as decoded by the parser (chunked framing removed): re-framed by the
         * caller, so the bytes it forwards are exactly the message's */
        void (*on_body)(void *ctx, const char *at, size_t len);
        void *body_ctx;
        bool chunked;

        /* header assembly */
        char field[64];
        size_t field_len;
        bool field_overflow;
        bool in_value;
        bool skip;
        size_t value_start;
};

/* Start a request (response = false) or response parser. */
void pt_http_msg_init(struct pt_http_msg *m, bool response);

/*
 * Feed bytes. Returns how many were consumed: parsing stops right after the head (state
 * becomes BODY, or DONE for a message without a body and for CONNECT, whose tunnel starts
 * right after) and right after the end of the message (DONE). Body bytes go to on_body.
 * Check m->state after each call.
 */
size_t pt_http_msg_feed(struct pt_http_msg *m, const char *data, size_t len);

/* The connection is closed by the peer: completes a response delimited by EOF. */
void pt_http_msg_eof(struct pt_http_msg *m);
