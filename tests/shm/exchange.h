/* SPDX-License-Identifier: MIT */
/*
 * The host side of the exchange with tests/shm/py_worker.py: `messages` messages each way,
 * of random sizes (mostly small, 1% up to the ring's maximum), each carrying a CRC-32 the
 * other side checks, then the end message. Shared by test_shm_python (the worker as a plain
 * child) and ipc_host (the worker under `podtrace run --ipc`).
 */
#pragma once

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podtrace/shm.h"

struct xhdr {
        uint32_t seq, kind, crc, echo;
};

struct xresult {
        uint64_t bytes_out, bytes_in;
        char why[200]; /* empty on success */
};

static uint32_t xcrc_table[256];

/* zlib's crc32() */
static inline uint32_t xcrc32(const uint8_t *p, size_t n)
{
        if (!xcrc_table[1])
                for (uint32_t i = 0; i < 256; i++) {
                        uint32_t c = i;
                        for (int k = 0; k < 8; k++)
                                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
                        xcrc_table[i] = c;
                }
        uint32_t c = 0xffffffffu;
        for (size_t i = 0; i < n; i++)
                c = xcrc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
        return c ^ 0xffffffffu;
}

static inline uint64_t xrnd(uint64_t *s)
{
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        return *s;
}

#define XFAIL(...)                                                   \
        do {                                                         \
                snprintf(res->why, sizeof(res->why), __VA_ARGS__);   \
                goto out;                                            \
        } while (0)

/* 0 when every message went both ways intact; else -1 with res->why. */
static inline int exchange_run(struct pt_shm *h, uint32_t messages, size_t ring, struct xresult *res)
{
        size_t max = pt_shm_max_message(h) - sizeof(struct xhdr);
        uint8_t *out = malloc(ring), *in = malloc(ring);
        uint32_t *sent_crc = calloc(messages + 1, sizeof(*sent_crc));
        uint64_t seed = 20241128, sent = 0, got = 0;
        memset(res, 0, sizeof(*res));
        if (!out || !in || !sent_crc)
                XFAIL("out of memory");
        while (got < messages) {
                /* send while there is room, else take replies: neither side can deadlock */
                if (sent < messages) {
                        uint64_t x = xrnd(&seed);
                        size_t n = x % 100 ? (x >> 8) % 3000 : (x >> 8) % (max + 1);
                        struct xhdr *hd = (struct xhdr *)out;
                        for (size_t i = 0; i < n; i++)
                                out[sizeof(*hd) + i] = (uint8_t)(sent * 31 + i * 7);
                        hd->seq = (uint32_t)sent;
                        hd->kind = 1;
                        hd->crc = sent_crc[sent] = xcrc32(out + sizeof(*hd), n);
                        hd->echo = 0;
                        int r = pt_shm_send(h, out, sizeof(*hd) + n, 0);
                        if (r == 0) {
                                sent++;
                                res->bytes_out += n;
                                continue;
                        }
                        if (r != -EAGAIN)
                                XFAIL("send %llu: %s", (unsigned long long)sent, strerror(-r));
                }
                ssize_t n = pt_shm_recv(h, in, ring, 10000);
                if (n < 0)
                        XFAIL("recv after %llu replies: %s", (unsigned long long)got, strerror((int)-n));
                struct xhdr *hd = (struct xhdr *)in;
                if ((size_t)n < sizeof(*hd) || hd->seq != got || hd->kind != 1)
                        XFAIL("reply %llu: bad header", (unsigned long long)got);
                if (hd->crc != xcrc32(in + sizeof(*hd), (size_t)n - sizeof(*hd)))
                        XFAIL("reply %llu: payload CRC mismatch", (unsigned long long)got);
                if (hd->echo != sent_crc[got]) /* the CRC the worker computed of what we sent */
                        XFAIL("message %llu arrived damaged at the worker", (unsigned long long)got);
                res->bytes_in += (size_t)n - sizeof(*hd);
                got++;
        }
        struct xhdr end = { 0, 2, 0, 0 };
        int r = pt_shm_send(h, &end, sizeof(end), 10000);
        if (r < 0)
                XFAIL("sending the end: %s", strerror(-r));
        ssize_t n = pt_shm_recv(h, in, ring, 10000);
        if (n != (ssize_t)sizeof(struct xhdr) || ((struct xhdr *)in)->kind != 2 || ((struct xhdr *)in)->seq != messages)
                XFAIL("the worker's count is wrong or missing (%zd)", n);
out:
        free(out);
        free(in);
        free(sent_crc);
        return res->why[0] ? -1 : 0;
}
