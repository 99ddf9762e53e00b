/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for libshm's trust boundary: the header and the ring state in shared
 * memory, which the other process may have written anything into.
 *
 * The input is a small program run against one in-memory channel (no fd: no locks, no
 * waiting): byte 0 picks the ring sizes and how much of the mapping exists; then each op
 * either pokes the shared memory (header fields, control words, any byte, a forged frame),
 * or (re)attaches a side, sends, receives, closes, or asks for the peer's state. A host and
 * a worker handle live side by side, so legitimate traffic reaches deep states that pokes
 * then corrupt.
 *
 * Oracles besides ASan/UBSan: return codes are from the documented set; a receive never
 * reports more than it was given room for; and as long as nothing was poked since both
 * sides attached, every message arrives whole, once and in order (a model queue per ring).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm/layout.h"
#include "shm/shm_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                        \
        do {                                                                    \
                if (!(cond)) {                                                  \
                        fprintf(stderr, "fuzz_shm oracle failed: %s: ", #cond); \
                        fprintf(stderr, __VA_ARGS__);                           \
                        fputc('\n', stderr);                                    \
                        abort();                                                \
                }                                                               \
        } while (0)

struct input {
        const uint8_t *p;
        size_t n;
};

static uint32_t take(struct input *in, unsigned bytes)
{
        uint32_t v = 0;
        for (unsigned i = 0; i < bytes; i++) {
                v = v << 8;
                if (in->n) {
                        v |= *in->p++;
                        in->n--;
                }
        }
        return v;
}

/* The model of one ring: lengths and seeds of the messages in flight, oldest first. */
#define MODEL_MAX 1024
struct model {
        uint32_t len[MODEL_MAX], seed[MODEL_MAX];
        unsigned head, count;
        uint64_t bytes; /* their footprint in the ring */
};

static void fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
        for (uint32_t i = 0; i < len; i++)
                buf[i] = (uint8_t)(seed + i * 131u + (i >> 8));
}

/*
 * Both sides attached, healthy, seeing the same geometry, both rings empty from both views
 * and in shared memory, both state words ATTACHED: from here, traffic must behave exactly.
 */
static int consistent(struct pt_shm *const side[2], const struct pt_shm_hdr *hdr, size_t have)
{
        if (!side[0] || !side[1] || side[0]->broken || side[1]->broken || have < sizeof(*hdr))
                return 0;
        for (unsigned r = 0; r < 2; r++) {
                const struct pt_ring *tx = &side[r]->tx, *rx = &side[1 - r]->rx;
                if (tx->data != rx->data || tx->size != rx->size || tx->ctl != &hdr->ring[r] ||
                    rx->ctl != &hdr->ring[r])
                        return 0;
                if (tx->pos != rx->pos || tx->peer != tx->pos || rx->peer != rx->pos || hdr->ring[r].head != tx->pos ||
                    hdr->ring[r].tail != rx->pos)
                        return 0;
                if (pt_side_state(hdr->side[r].state) != PT_SIDE_ATTACHED)
                        return 0;
        }
        return 1;
}

static const size_t ring_sizes[4] = { 4096, 8192, 4096, 16384 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct input in = { data, size };
        uint8_t cfg = (uint8_t)take(&in, 1);
        size_t r0 = ring_sizes[cfg & 3], r1 = ring_sizes[(cfg >> 2) & 3];
        size_t total = PT_SHM_HDR_SIZE + r0 + r1;
        /* how much of the mapping exists: all of it, or a short file */
        size_t have = total;
        switch ((cfg >> 4) & 7) {
        case 1: have = total - 8; break;
        case 2: have = PT_SHM_HDR_SIZE; break;
        case 3: have = sizeof(struct pt_shm_hdr) - 1; break;
        default: break;
        }
        uint8_t *full = calloc(1, total);
        if (!full)
                return 0;
        CHECK(pt_shm_mem_format(full, total, r0, r1) == 0, "format");
        /* an exact-size copy, so that ASan sees any access past what exists */
        uint8_t *mem = malloc(have);
        memcpy(mem, full, have);
        free(full);
        struct pt_shm_hdr *hdr = (struct pt_shm_hdr *)mem;

        struct pt_shm *side[2] = { NULL, NULL };
        struct model model[2]; /* model[r]: ring r (0: host -> worker) */
        memset(model, 0, sizeof(model));
        int clean = 1;
        static uint8_t buf[16384 + 64], out[16384 + 64];
        uint32_t seed = 1;

        while (in.n) {
                uint8_t op = (uint8_t)take(&in, 1);
                unsigned s = op & 1; /* which side, for side ops */
                switch (op >> 1) {
                case 0: { /* poke a 32-bit word of the header page's live part */
                        uint32_t off = take(&in, 2) % (sizeof(struct pt_shm_hdr) / 4) * 4;
                        uint32_t v = take(&in, 4);
                        if (off + 4 <= have)
                                memcpy(mem + off, &v, 4);
                        clean = 0;
                        break;
                }
                case 1: { /* poke any byte */
                        uint32_t off = take(&in, 3) % have;
                        mem[off] = (uint8_t)take(&in, 1);
                        clean = 0;
                        break;
                }
                case 2: { /* move a ring index by a small, often aligned, amount */
                        if (have < sizeof(struct pt_shm_hdr))
                                break;
                        struct pt_shm_ring_ctl *c = &hdr->ring[take(&in, 1) & 1];
                        int32_t d = (int8_t)take(&in, 1) * 8 + (int32_t)(take(&in, 1) & 7 ? 0 : 4);
                        if (op & 1)
                                c->head += (uint32_t)d;
                        else
                                c->tail += (uint32_t)d;
                        clean = 0;
                        break;
                }
                case 3: { /* forge a frame header at the consumer's position of a ring */
                        unsigned r = take(&in, 1) & 1;
                        uint64_t off = PT_SHM_HDR_SIZE + (r ? r0 : 0);
                        size_t rs = r ? r1 : r0;
                        if (off + rs > have || have < sizeof(struct pt_shm_hdr))
                                break;
                        uint32_t at = (hdr->ring[r].tail & (uint32_t)(rs - 1)) & ~7u;
                        uint32_t len = take(&in, 2);
                        if (take(&in, 1) & 1)
                                len = take(&in, 4);
                        uint32_t f[2] = { len, len ^ ((op & 1) ? 0 : PT_SHM_FRAME_KEY) };
                        memcpy(mem + off + at, f, 8);
                        clean = 0;
                        break;
                }
                case 4: { /* (re)attach a side */
                        pt_shm_close(side[s]);
                        side[s] = NULL;
                        int r = pt_shm_mem_attach(mem, have, s, &side[s]);
                        CHECK(r == 0 || r == -EPROTO || r == -EPROTONOSUPPORT, "attach: %d", r);
                        if (r == 0) {
                                CHECK(pt_shm_max_message(side[s]) == (s ? r1 : r0) - 8, "max_message");
                                CHECK(pt_shm_max_recv(side[s]) == (s ? r0 : r1) - 8, "max_recv");
                        } else {
                                side[s] = NULL;
                        }
                        /* a fresh view of possibly dirty rings: the model starts over */
                        clean = 0;
                        break;
                }
                case 5: { /* send */
                        uint32_t len = take(&in, 2);
                        if (!side[s])
                                break;
                        size_t max = pt_shm_max_message(side[s]);
                        len %= (uint32_t)max + 16;
                        seed++;
                        fill(out, len, seed);
                        int r = pt_shm_send(side[s], out, len, 0);
                        CHECK(r == 0 || r == -EAGAIN || r == -EMSGSIZE || r == -EPIPE || r == -EPROTO,
                              "send: %d", r);
                        CHECK(r != -EMSGSIZE || len > max, "EMSGSIZE for %u <= %zu", len, max);
                        CHECK(len <= max || r == -EMSGSIZE || r == -EPROTO, "%u > %zu accepted: %d", len, max, r);
                        struct model *m = &model[s];
                        if (!clean || len > max)
                                break;
                        /* a clean ring: room is exactly what the model says */
                        int fits = m->bytes + pt_shm_frame_bytes(len) <= max + 8;
                        CHECK(r == (fits ? 0 : -EAGAIN), "send %u with %llu queued: %d", len,
                              (unsigned long long)m->bytes, r);
                        if (r == 0) {
                                if (m->count == MODEL_MAX) {
                                        clean = 0;
                                } else {
                                        unsigned i = (m->head + m->count++) % MODEL_MAX;
                                        m->len[i] = len;
                                        m->seed[i] = seed;
                                        m->bytes += pt_shm_frame_bytes(len);
                                }
                        }
                        break;
                }
                case 6: { /* receive */
                        uint32_t cap = take(&in, 2) % sizeof(buf);
                        if (!side[s])
                                break;
                        ssize_t r = pt_shm_recv(side[s], buf, cap, 0);
                        CHECK(r >= -4095, "recv: %zd", r);
                        CHECK(r < 0 || (size_t)r <= cap, "recv: %zd bytes into %u", r, cap);
                        CHECK(r >= 0 || r == -EAGAIN || r == -EMSGSIZE || r == -EPIPE || r == -EPROTO,
                              "recv: %zd", r);
                        struct model *m = &model[1 - s];
                        if (!clean)
                                break;
                        if (r == -EMSGSIZE) {
                                CHECK(m->count && m->len[m->head] > cap, "EMSGSIZE with room");
                        } else if (r == -EAGAIN) {
                                CHECK(m->count == 0, "EAGAIN with %u queued", m->count);
                        } else if (r >= 0) {
                                CHECK(m->count, "a message from nowhere");
                                CHECK((uint32_t)r == m->len[m->head], "length %zd, sent %u", r, m->len[m->head]);
                                fill(out, (uint32_t)r, m->seed[m->head]);
                                CHECK(memcmp(out, buf, (size_t)r) == 0, "content");
                                m->bytes -= pt_shm_frame_bytes((uint32_t)r);
                                m->head = (m->head + 1) % MODEL_MAX;
                                m->count--;
                        } else {
                                CHECK(0, "clean channel failed: %zd", r);
                        }
                        break;
                }
                case 7: /* close a side */
                        pt_shm_close(side[s]);
                        side[s] = NULL;
                        clean = 0;
                        break;
                case 8:
                        if (side[s]) {
                                int st = pt_shm_peer_state(side[s]);
                                CHECK(st >= PT_SHM_PEER_NONE && st <= PT_SHM_PEER_DEAD, "peer %d", st);
                        }
                        break;
                case 9: /* a known state again: the model applies from here on */
                        if ((op & 1) && !clean && consistent(side, hdr, have)) {
                                memset(model, 0, sizeof(model));
                                clean = 1;
                        }
                        break;
                default:
                        break;
                }
        }
        pt_shm_close(side[0]);
        pt_shm_close(side[1]);
        free(mem);
        return 0;
}
