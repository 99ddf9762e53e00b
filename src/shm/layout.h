/* SPDX-License-Identifier: MIT */
/*
 * The shared mapping of a libshm channel, byte for byte (docs/libshm.md draws it).
 *
 *   offset 0      struct pt_shm_hdr (one page): identity, sizes, side states, ring control
 *   offset 4096   ring 0 data, host -> worker, ring_size[0] bytes
 *   then          ring 1 data, worker -> host, ring_size[1] bytes
 *
 * Every field here can be rewritten by the other process at any time. Code reads each one
 * with a single atomic load into a local, checks the local, and never reads the field again
 * for the same decision.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "podtrace/shm.h"

#define PT_SHM_MAGIC 0x4d485354u /* "TSHM" in memory on little-endian machines */
#define PT_SHM_HDR_SIZE 4096u
/* The check word of a frame is its length xor this, so a stray write is unlikely to pass. */
#define PT_SHM_FRAME_KEY 0x9e3779b9u
#define PT_SHM_ALIGN 8u
#define PT_SHM_CACHELINE 64

/*
 * A side's state word: PT_SIDE_* in the low 8 bits, and above them a generation that each
 * attach increments. Advisory only (liveness is the lock); the generation lets a survivor
 * mark a dead peer DEAD with a compare-and-swap that fails if a new peer attached meanwhile.
 */
#define PT_SIDE_NONE 0u
#define PT_SIDE_ATTACHED 1u
#define PT_SIDE_CLOSED 2u /* closed by that side */
#define PT_SIDE_DEAD 3u   /* found dead by the other side */
#define PT_SIDE_MASK 0xffu
#define PT_SIDE_GEN_ONE 0x100u

static inline uint32_t pt_side_state(uint32_t word)
{
        return word & PT_SIDE_MASK;
}

/* Closed or dead: nothing more will come from it, nothing sent will be read. */
static inline int pt_side_gone(uint32_t word)
{
        return pt_side_state(word) == PT_SIDE_CLOSED || pt_side_state(word) == PT_SIDE_DEAD;
}

struct pt_shm_side_state {
        uint32_t state; /* PT_SIDE_* | generation, written by that side (DEAD by the other) */
        uint32_t pid;   /* that side's getpid() in its own pid namespace: for humans only */
        uint8_t pad_[PT_SHM_CACHELINE - 8];
};

/*
 * One ring's control words, on two cache lines: each line is written on the fast path by one
 * side only (the flag on it is written by the other side only before it sleeps).
 *
 * head, tail: bytes ever published / consumed, modulo 2^32. A ring is at most 2^30 bytes, so
 * head - tail (unsigned) is the number of bytes queued, and offsets are index & (size - 1).
 * Both are always multiples of PT_SHM_ALIGN.
 *
 * data_seq: the futex word a consumer sleeps on; the producer adds 1 after each publish, and
 * a closing side adds 1 too. space_seq is the same for a producer waiting for room.
 * data_waiting / space_waiting: set to 1 by a side just before it sleeps, so the other side
 * makes the FUTEX_WAKE system call only when someone may be sleeping.
 */
struct pt_shm_ring_ctl {
        /* written by the producer */
        uint32_t head;
        uint32_t data_seq;
        uint32_t data_waiting; /* written by the consumer */
        uint8_t pad0_[PT_SHM_CACHELINE - 12];
        /* written by the consumer */
        uint32_t tail;
        uint32_t space_seq;
        uint32_t space_waiting; /* written by the producer */
        uint8_t pad1_[PT_SHM_CACHELINE - 12];
};

struct pt_shm_hdr {
        uint32_t magic;          /* PT_SHM_MAGIC, written last at format time */
        uint32_t version;        /* PT_SHM_LAYOUT_VERSION */
        uint32_t hdr_size;       /* PT_SHM_HDR_SIZE */
        uint32_t flags;          /* none defined: must be 0 */
        uint64_t total_size;     /* hdr_size + ring_size[0] + ring_size[1] */
        uint64_t ring_offset[2]; /* hdr_size, hdr_size + ring_size[0] */
        uint64_t ring_size[2];   /* powers of two in [PT_SHM_RING_MIN, PT_SHM_RING_MAX] */
        uint8_t pad_[PT_SHM_CACHELINE - 56];
        struct pt_shm_side_state side[2]; /* indexed by enum pt_shm_side */
        struct pt_shm_ring_ctl ring[2];   /* ring 0: host -> worker; ring 1: worker -> host */
};

/* A message in a ring: this, then len payload bytes, then padding to PT_SHM_ALIGN. */
struct pt_shm_frame {
        uint32_t len;
        uint32_t check; /* len ^ PT_SHM_FRAME_KEY */
};

_Static_assert(sizeof(struct pt_shm_frame) == PT_SHM_FRAME_OVERHEAD, "frame header size");
_Static_assert(sizeof(struct pt_shm_hdr) <= PT_SHM_HDR_SIZE, "header fits its page");
_Static_assert(offsetof(struct pt_shm_hdr, side) % PT_SHM_CACHELINE == 0, "side states aligned");
_Static_assert(offsetof(struct pt_shm_hdr, ring) % PT_SHM_CACHELINE == 0, "ring control aligned");
_Static_assert(offsetof(struct pt_shm_ring_ctl, tail) == PT_SHM_CACHELINE, "consumer line");
_Static_assert(PT_SHM_RING_MIN % PT_SHM_ALIGN == 0, "ring size and alignment");

/* A payload's footprint in the ring. */
static inline uint32_t pt_shm_frame_bytes(uint32_t len)
{
        return PT_SHM_FRAME_OVERHEAD + ((len + PT_SHM_ALIGN - 1) & ~(PT_SHM_ALIGN - 1));
}
