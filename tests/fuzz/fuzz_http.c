/* SPDX-License-Identifier: MIT */
/*
 * The proxy's HTTP parsing (src/proxy/http_msg.c) on arbitrary bytes: the first byte picks a
 * request or a response parser and how the rest is split into feeds (as the network splits
 * it). Invariants: no crash; a feed never consumes more than it was given; after a parse
 * error nothing more is consumed; a completed request head has a method, a host and a port
 * (CONNECT) or an origin-form path (absolute-form), within their bounds; the bodies the
 * parser hands over never add up to more than the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/http_msg.h"

#define CHECK(x)                   \
        do {                       \
                if (!(x))          \
                        abort();   \
        } while (0)

static size_t body_bytes;

static void on_body(void *ctx, const char *at, size_t len)
{
        (void)ctx;
        CHECK(at != NULL);
        body_bytes += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct pt_http_msg m;
        if (size < 1)
                return 0;
        bool response = data[0] & 1;
        size_t chunk = (data[0] >> 1) + 1;
        const char *p = (const char *)data + 1;
        size_t left = size - 1;

        pt_http_msg_init(&m, response);
        m.on_body = on_body;
        body_bytes = 0;
        while (left > 0) {
                size_t n = left < chunk ? left : chunk;
                enum pt_http_state before = m.state;
                size_t used = pt_http_msg_feed(&m, p, n);
                CHECK(used <= n);
                if (before == PT_HTTP_ERROR || before == PT_HTTP_DONE)
                        CHECK(used == 0);
                if (m.state == PT_HTTP_ERROR) {
                        CHECK(m.error != NULL);
                        break;
                }
                if (m.state == PT_HTTP_DONE) {
                        /* a keep-alive connection starts the next message with the rest */
                        pt_http_msg_init(&m, response);
                        m.on_body = on_body;
                }
                if (used == 0 && m.state != PT_HTTP_HEAD)
                        break;
                if (used == 0)
                        used = n; /* nothing consumed in the head: the caller would wait for more */
                p += used;
                left -= used;
                if (!response && (m.state == PT_HTTP_BODY || m.state == PT_HTTP_DONE)) {
                        CHECK(m.method[0] != '\0');
                        CHECK(strlen(m.host) > 0 && strlen(m.host) < sizeof(m.host));
                        CHECK(m.port != 0);
                        CHECK(m.url_len <= PT_HTTP_URL_MAX);
                        CHECK(m.fwd_len < sizeof(m.fwd));
                        if (!m.is_connect)
                                CHECK(m.path[0] == '/');
                }
        }
        pt_http_msg_eof(&m);
        CHECK(body_bytes <= size);
        return 0;
}
