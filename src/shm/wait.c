/* SPDX-License-Identifier: MIT */
/*
 * Waiting: spin briefly, then sleep on a futex; and the liveness of the peer.
 *
 * The wake-up rule (a lost wake-up is the classic bug of this design):
 *
 *   waker (after making the condition true)      sleeper
 *     store index            (release)             store waiting = 1     (seq_cst)
 *     seq += 1               (seq_cst RMW)         s = load seq          (seq_cst)
 *     if load waiting == 1:  (seq_cst)             if condition true: done
 *         FUTEX_WAKE(seq)                          FUTEX_WAIT(seq, s)
 *
 * In the single total order of seq_cst operations, either the waker's load of `waiting`
 * comes after the sleeper's store (it sees 1 and wakes), or the waker's seq += 1 comes before
 * the sleeper's load of seq (the sleeper reads the new seq, and through it the new index, and
 * does not sleep). In the first case FUTEX_WAIT compares seq with s in the kernel, under the
 * same lock FUTEX_WAKE takes: if the waker's increment came first the wait returns at once,
 * otherwise the sleeper is queued before the wake is sent. No interleaving sleeps through a
 * change. The flag only saves the waker a system call when nobody sleeps; the sleeper clears
 * it when it stops waiting, never the waker (a waker clearing it could erase a later sleep's
 * flag).
 *
 * A closing side bumps both sequence words and wakes unconditionally. A side that dies does
 * not: sleeps are cut into PT_SHM_POLL_MS slices, and at the end of each one the peer's
 * liveness lock is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shm/guard.h"
#include "shm/shm_internal.h"
#include "shm_arch.h"

#define NSEC_PER_MSEC 1000000ull
/* Consecutive futex waits that returned at once without progress before we back off. */
#define EAGAIN_BEFORE_BACKOFF 64

static uint64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int futex_wait(uint32_t *addr, uint32_t val, uint64_t rel_ns)
{
        struct timespec ts = { .tv_sec = (time_t)(rel_ns / 1000000000ull), .tv_nsec = (long)(rel_ns % 1000000000ull) };

        /* not FUTEX_PRIVATE_FLAG: the word is shared between processes */
        if (syscall(SYS_futex, addr, FUTEX_WAIT, val, &ts, NULL, 0) < 0)
                return -errno;
        return 0;
}

void pt_shm_futex_wake(struct pt_shm *ch, uint32_t *seq)
{
        syscall(SYS_futex, seq, FUTEX_WAKE, 1, NULL, NULL, 0);
        ch->stats.futex_wakes++;
}

void pt_shm_wake(struct pt_shm *ch, uint32_t *seq, uint32_t *waiting)
{
        __atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
        if (LOAD_SEQ(waiting))
                pt_shm_futex_wake(ch, seq);
}

void pt_shm_wake_all(uint32_t *seq)
{
        __atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
        syscall(SYS_futex, seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static int peer_from_word(uint32_t word)
{
        switch (pt_side_state(word)) {
        case PT_SIDE_NONE:
                return PT_SHM_PEER_NONE;
        case PT_SIDE_ATTACHED:
                return PT_SHM_PEER_ATTACHED;
        case PT_SIDE_CLOSED:
                return PT_SHM_PEER_CLOSED;
        default:
                return PT_SHM_PEER_DEAD;
        }
}

int pt_shm_peer_state(struct pt_shm *ch)
{
        uint32_t *word = &ch->hdr->side[1 - ch->side].state;
        unsigned peer = 1 - ch->side;

        if (pt_shm_broken(ch))
                return PT_SHM_PEER_DEAD;
        uint32_t w = LOAD_SEQ(word);
        if (pt_side_gone(w) || ch->fd < 0)
                return peer_from_word(w);
        /*
         * The peer holds a write lock on byte `peer` of the file for as long as it is attached;
         * the kernel drops it when the peer's last descriptor of that open file closes, however
         * it dies. A lock, unlike a pid in shared memory, cannot be forged, reused or lost in
         * another pid namespace.
         */
        struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = peer, .l_len = 1 };
        if (fcntl(ch->fd, F_OFD_GETLK, &l) < 0)
                return PT_SHM_PEER_ATTACHED; /* cannot tell: keep waiting, the timeout still holds */
        if (l.l_type != F_UNLCK)
                return PT_SHM_PEER_ATTACHED;
        /* A peer closes by setting CLOSED, then unlocking: look again. */
        w = LOAD_SEQ(word);
        if (pt_side_state(w) == PT_SIDE_NONE || pt_side_gone(w))
                return peer_from_word(w);
        /*
         * Attached (or garbage) without its lock: dead. Say so in its state word, so that later
         * calls see it without a system call; if a new peer attached meanwhile (the generation
         * moved), the swap fails and nothing is marked.
         */
        uint32_t dead = (w & ~PT_SIDE_MASK) | PT_SIDE_DEAD;
        __atomic_compare_exchange_n(word, &w, dead, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return PT_SHM_PEER_DEAD;
}

/* 1: the awaited condition holds; 0: not yet; < 0: error. */
static int ready(struct pt_shm *ch, enum pt_shm_wait_for what, uint32_t need)
{
        int r = pt_shm_broken(ch);

        if (r < 0)
                return r;
        if (what == PT_WAIT_DATA) {
                if (pt_ring_avail_rx(&ch->rx))
                        return 1;
                r = pt_shm_ring_refresh_rx(ch);
                return r < 0 ? r : pt_ring_avail_rx(&ch->rx) > 0;
        }
        if (ch->tx.size - pt_ring_used_tx(&ch->tx) >= need)
                return 1;
        r = pt_shm_ring_refresh_tx(ch);
        return r < 0 ? r : ch->tx.size - pt_ring_used_tx(&ch->tx) >= need;
}

/*
 * Whether the peer is gone for good: -EPIPE, or 0. A receiver still gets what the peer sent
 * before it went (a gone peer publishes nothing more, so one more look is conclusive).
 * `full` adds the liveness lock check (a system call) to the look at the state word.
 */
static int peer_gone(struct pt_shm *ch, enum pt_shm_wait_for what, bool full)
{
        int st;

        if (full)
                st = pt_shm_peer_state(ch);
        else
                st = pt_side_gone(LOAD_SEQ(&ch->hdr->side[1 - ch->side].state)) ? PT_SHM_PEER_CLOSED
                                                                                  : PT_SHM_PEER_ATTACHED;
        if (st != PT_SHM_PEER_CLOSED && st != PT_SHM_PEER_DEAD)
                return 0;
        if (what == PT_WAIT_DATA) {
                int r = ready(ch, what, 0);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
        return -EPIPE;
}

/* ready() said 1: success; anything else is an error already. */
static int finish(int r)
{
        return r > 0 ? 0 : r;
}

int pt_shm_wait(struct pt_shm *ch, enum pt_shm_wait_for what, uint32_t need, int timeout_ms)
{
        int r = ready(ch, what, need);

        if (r != 0)
                return finish(r);
        r = peer_gone(ch, what, timeout_ms == 0);
        if (r < 0)
                return r;
        if (timeout_ms == 0) {
                r = ready(ch, what, need);
                return r > 0 ? 0 : r < 0 ? r : -EAGAIN;
        }

        uint64_t t = now_ns();
        uint64_t deadline = timeout_ms < 0 ? UINT64_MAX : t + (uint64_t)timeout_ms * NSEC_PER_MSEC;

        if (ch->spin_ns) {
                uint64_t spin_end = t + ch->spin_ns < deadline ? t + ch->spin_ns : deadline;
                for (unsigned i = 1;; i++) {
                        pt_shm_cpu_relax();
                        r = ready(ch, what, need);
                        if (r != 0) {
                                if (r > 0)
                                        ch->stats.spin_waits++;
                                return finish(r);
                        }
                        if (i % 16 == 0 && now_ns() >= spin_end)
                                break;
                }
        }

        uint32_t *seq = what == PT_WAIT_DATA ? &ch->rx.ctl->data_seq : &ch->tx.ctl->space_seq;
        uint32_t *waiting = what == PT_WAIT_DATA ? &ch->rx.ctl->data_waiting : &ch->tx.ctl->space_waiting;
        unsigned no_progress = 0;
        bool slept_whole_slice = false;

        for (;;) {
                STORE_SEQ(waiting, 1);
                uint32_t s = LOAD_SEQ(seq);
                r = ready(ch, what, need);
                if (r != 0) {
                        if (r > 0 && slept_whole_slice)
                                ch->stats.late_wakeups++;
                        break;
                }
                r = peer_gone(ch, what, slept_whole_slice);
                if (r < 0)
                        break;
                t = now_ns();
                if (t >= deadline) {
                        r = -ETIMEDOUT;
                        break;
                }
                uint64_t slice = PT_SHM_POLL_MS * NSEC_PER_MSEC;
                bool polling = deadline - t > slice;
                ch->stats.futex_waits++;
                uint32_t peer_before = what == PT_WAIT_DATA ? ch->rx.peer : ch->tx.peer;
                int fr = futex_wait(seq, s, polling ? slice : deadline - t);
                slept_whole_slice = fr == -ETIMEDOUT && polling;
                if (fr == -EINTR) {
                        /* a signal handler ran: let the caller see it (unless we are done) */
                        r = ready(ch, what, need);
                        if (r == 0)
                                r = -EINTR;
                        break;
                }
                if (fr != -EAGAIN) {
                        no_progress = 0;
                        continue;
                }
                /* the word had changed: was it for something (the peer's index moved)? */
                int rd = ready(ch, what, need);
                uint32_t peer_after = what == PT_WAIT_DATA ? ch->rx.peer : ch->tx.peer;
                if (rd != 0 || peer_after != peer_before) {
                        no_progress = 0;
                } else if (++no_progress >= EAGAIN_BEFORE_BACKOFF) {
                        /*
                         * The word keeps changing yet nothing moves: only a peer rewriting it
                         * on purpose does that. Stay responsive, but do not burn a CPU.
                         */
                        struct timespec ms = { 0, NSEC_PER_MSEC };
                        nanosleep(&ms, NULL);
                }
        }
        STORE_RELAXED(waiting, 0);
        return finish(r);
}
