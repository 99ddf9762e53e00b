/* SPDX-License-Identifier: MIT */
/*
 * Send and receive: framing, wrap-around, and the checks on every index and length that
 * come out of the shared mapping.
 *
 * A frame is { len, len ^ PT_SHM_FRAME_KEY } followed by len bytes, padded to 8, written at
 * the producer's head and published by moving head past it. A frame may wrap: its header
 * never does (offsets and sizes are multiples of 8), its payload is copied in two parts.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "shm/guard.h"
#include "shm/shm_internal.h"

int pt_shm_broken(struct pt_shm *ch)
{
        if (!ch->broken && pt_shm_guard_lost(ch->guard_slot))
                ch->broken = -EPROTO;
        return ch->broken;
}

static int corrupt(struct pt_shm *ch)
{
        ch->broken = -EPROTO;
        return -EPROTO;
}

/*
 * The producer's head, read once: aligned, ahead of our tail by at most the ring size, and
 * not behind what it said before (a head that moves back is lying about published bytes).
 */
int pt_shm_ring_refresh_rx(struct pt_shm *ch)
{
        struct pt_ring *r = &ch->rx;
        uint32_t head = LOAD_ACQUIRE(&r->ctl->head);
        uint32_t avail = head - r->pos;

        if (head % PT_SHM_ALIGN != 0 || avail > r->size || avail < r->peer - r->pos)
                return corrupt(ch);
        r->peer = head;
        return 0;
}

/* The consumer's tail, read once: aligned, between what it said before and our head. */
int pt_shm_ring_refresh_tx(struct pt_shm *ch)
{
        struct pt_ring *r = &ch->tx;
        uint32_t tail = LOAD_ACQUIRE(&r->ctl->tail);

        if (tail % PT_SHM_ALIGN != 0 || tail - r->peer > r->pos - r->peer)
                return corrupt(ch);
        r->peer = tail;
        return 0;
}

static void ring_copy_in(struct pt_ring *r, uint32_t index, const void *src, uint32_t len)
{
        uint32_t off = index & r->mask, first = r->size - off;

        if (len == 0)
                return;
        if (len <= first) {
                memcpy(r->data + off, src, len);
        } else {
                memcpy(r->data + off, src, first);
                memcpy(r->data, (const uint8_t *)src + first, len - first);
        }
}

static void ring_copy_out(const struct pt_ring *r, uint32_t index, void *dst, uint32_t len)
{
        uint32_t off = index & r->mask, first = r->size - off;

        if (len == 0)
                return;
        if (len <= first) {
                memcpy(dst, r->data + off, len);
        } else {
                memcpy(dst, r->data + off, first);
                memcpy((uint8_t *)dst + first, r->data, len - first);
        }
}

/*
 * Move our index and wake the other side if it said it sleeps. The index store is ordered
 * before the sequence bump, and the bump (a full barrier) before the flag is read: see the
 * wake-up rule in wait.c.
 */
static void publish(struct pt_shm *ch, uint32_t *index, uint32_t value, uint32_t *seq, uint32_t *waiting)
{
#ifdef PT_SHM_FAULT_LOST_WAKE
        /*
         * The classic bug, for the stress test to catch: look for sleepers before publishing.
         * The pause stands for the waker being preempted at the worst moment, which makes the
         * race frequent enough to be caught every run rather than once in a million.
         */
        uint32_t w = LOAD_SEQ(waiting);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        do
                clock_gettime(CLOCK_MONOTONIC, &t1);
        while ((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) < 3000);
        STORE_RELEASE(index, value);
        __atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
        if (w)
                pt_shm_futex_wake(ch, seq);
#else
        STORE_RELEASE(index, value);
        pt_shm_wake(ch, seq, waiting);
#endif
}

static bool peer_closed(struct pt_shm *ch)
{
        return pt_side_gone(LOAD_SEQ(&ch->hdr->side[1 - ch->side].state));
}

int pt_shm_send(struct pt_shm *ch, const void *buf, size_t len, int timeout_ms)
{
        struct pt_ring *r = &ch->tx;
        int e = pt_shm_broken(ch);

        if (e < 0)
                return e;
        if (len > r->size - PT_SHM_FRAME_OVERHEAD)
                return -EMSGSIZE;
        if (len && !buf)
                return -EINVAL;
        if (peer_closed(ch))
                return -EPIPE;
        uint32_t need = pt_shm_frame_bytes((uint32_t)len);
        if (r->size - pt_ring_used_tx(r) < need) {
                e = pt_shm_ring_refresh_tx(ch);
                if (e < 0)
                        return e;
                if (r->size - pt_ring_used_tx(r) < need) {
                        e = pt_shm_wait(ch, PT_WAIT_SPACE, need, timeout_ms);
                        if (e < 0)
                                return e;
                }
        }
        struct pt_shm_frame *f = (struct pt_shm_frame *)(r->data + (r->pos & r->mask));
        STORE_RELAXED(&f->len, (uint32_t)len);
        STORE_RELAXED(&f->check, (uint32_t)len ^ PT_SHM_FRAME_KEY);
        ring_copy_in(r, r->pos + PT_SHM_FRAME_OVERHEAD, buf, (uint32_t)len);
        r->pos += need;
        publish(ch, &r->ctl->head, r->pos, &r->ctl->data_seq, &r->ctl->data_waiting);
        if (pt_shm_broken(ch)) /* the mapping was lost under us (guard.c): the message too */
                return ch->broken;
        ch->stats.sent++;
        ch->stats.bytes_sent += len;
        return 0;
}

ssize_t pt_shm_recv(struct pt_shm *ch, void *buf, size_t cap, int timeout_ms)
{
        struct pt_ring *r = &ch->rx;
        int e = pt_shm_broken(ch);

        if (e < 0)
                return e;
        if (cap && !buf)
                return -EINVAL;
        if (pt_ring_avail_rx(r) == 0) {
                e = pt_shm_ring_refresh_rx(ch);
                if (e < 0)
                        return e;
                if (pt_ring_avail_rx(r) == 0) {
                        e = pt_shm_wait(ch, PT_WAIT_DATA, 0, timeout_ms);
                        if (e < 0)
                                return e;
                }
        }
        /* avail is a non-zero multiple of 8, so a whole frame header is there to read */
        uint32_t avail = pt_ring_avail_rx(r);
        const struct pt_shm_frame *f = (const struct pt_shm_frame *)(r->data + (r->pos & r->mask));
        uint32_t len = LOAD_RELAXED(&f->len);
        uint32_t check = LOAD_RELAXED(&f->check);
        if (check != (len ^ PT_SHM_FRAME_KEY) || len > r->size - PT_SHM_FRAME_OVERHEAD ||
            pt_shm_frame_bytes(len) > avail)
                return corrupt(ch);
        if (len > cap)
                return -EMSGSIZE;
        ring_copy_out(r, r->pos + PT_SHM_FRAME_OVERHEAD, buf, len);
        r->pos += pt_shm_frame_bytes(len);
        publish(ch, &r->ctl->tail, r->pos, &r->ctl->space_seq, &r->ctl->space_waiting);
        if (pt_shm_broken(ch)) /* what we copied may be the guard's zero pages */
                return ch->broken;
        ch->stats.received++;
        ch->stats.bytes_received += len;
        return (ssize_t)len;
}
