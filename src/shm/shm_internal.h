/* SPDX-License-Identifier: MIT */
/* libshm's private state and the helpers its files share (not installed, not exported). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "podtrace/shm.h"
#include "shm/layout.h"

/* How often a sleeping side wakes to check that its peer is still alive. */
#define PT_SHM_POLL_MS 50
#define PT_SHM_SPIN_DEFAULT_NS 10000u

/* Shorthands for the one way shared fields are touched: single atomic accesses. */
#define LOAD_RELAXED(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define LOAD_ACQUIRE(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD_SEQ(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE_RELAXED(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define STORE_SEQ(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/* The checked, private description of a layout: derived once from a header snapshot. */
struct pt_shm_geometry {
        uint32_t ring_size[2];
        uint64_t ring_offset[2];
        uint64_t total_size;
};

/*
 * One ring as one side sees it. `pos` is this side's own index (head when producing, tail
 * when consuming): the private copy is the truth, the shared one is only ever written. `peer`
 * is the other side's index as last read and checked; `pos <= peer` (mod 2^32) when
 * consuming, `peer <= pos` when producing, never more than `size` apart.
 */
struct pt_ring {
        struct pt_shm_ring_ctl *ctl;
        uint8_t *data;
        uint32_t size, mask;
        uint32_t pos;
        uint32_t peer;
};

struct pt_shm {
        int fd; /* -1: an in-memory channel (tests, fuzzing): no lock, peer assumed alive */
        void *map;
        size_t map_size;
        bool own_map;   /* munmap on close */
        int guard_slot; /* this mapping's SIGBUS guard (guard.c), or -1 */
        struct pt_shm_hdr *hdr;
        unsigned side;
        struct pt_ring tx; /* the ring this side produces into */
        struct pt_ring rx; /* the ring this side consumes from */
        unsigned spin_ns;
        int broken; /* 0, or the sticky error (-EPROTO) once the shared state was inconsistent */
        struct pt_shm_stats stats;
};

/* channel.c */
int pt_shm_check_name(const char *name);
/* Create NAME under /dev/shm, formatted, and return its fd (O_CLOEXEC) without attaching. */
int pt_shm_create_fd(const char *name, size_t ring_size, int *ret_fd);
int pt_shm_geometry_for(size_t ring0, size_t ring1, struct pt_shm_geometry *ret_geo);
int pt_shm_geometry_check(const struct pt_shm_hdr *snapshot, struct pt_shm_geometry *ret_geo);
void pt_shm_format_mem(void *mem, const struct pt_shm_geometry *geo);
int pt_shm_attach(int fd, void *map, size_t map_size, const struct pt_shm_geometry *geo, unsigned side,
                  struct pt_shm **ret_ch);
/* In-memory channels: format a buffer, attach to one (no fd: no locks, no liveness). */
int pt_shm_mem_format(void *mem, size_t size, size_t ring0, size_t ring1);
int pt_shm_mem_attach(void *mem, size_t size, unsigned side, struct pt_shm **ret_ch);

/* wait.c */
enum pt_shm_wait_for {
        PT_WAIT_DATA,  /* rx has a message */
        PT_WAIT_SPACE, /* tx has room for `need` bytes */
};
int pt_shm_wait(struct pt_shm *ch, enum pt_shm_wait_for what, uint32_t need, int timeout_ms);
void pt_shm_wake(struct pt_shm *ch, uint32_t *seq, uint32_t *waiting);
void pt_shm_futex_wake(struct pt_shm *ch, uint32_t *seq);
void pt_shm_wake_all(uint32_t *seq);
int pt_shm_peer_alive(struct pt_shm *ch);

/* ring.c */
int pt_shm_ring_refresh_rx(struct pt_shm *ch);
int pt_shm_ring_refresh_tx(struct pt_shm *ch);
int pt_shm_broken(struct pt_shm *ch);

static inline uint32_t pt_ring_used_tx(const struct pt_ring *r)
{
        return r->pos - r->peer;
}

static inline uint32_t pt_ring_avail_rx(const struct pt_ring *r)
{
        return r->peer - r->pos;
}
