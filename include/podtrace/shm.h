/* SPDX-License-Identifier: MIT */
/*
 * libshm: a message channel over shared memory between a host process and a sandboxed
 * worker (podtrace's --ipc=NAME).
 *
 * A channel is one shared mapping holding two single-producer/single-consumer rings: the
 * host sends on one and receives on the other, the worker the other way round. Messages are
 * byte strings of any length from 0 to pt_shm_max_message(); each is delivered whole, once,
 * in order. A sender waits while its ring is full, a receiver while its ring is empty: first
 * spinning briefly, then sleeping on a futex, in both cases no longer than the timeout it
 * passed.
 *
 * Trust: each side treats everything it reads from the shared mapping as hostile. The other
 * side can write anything there at any moment; an inconsistent state is reported as -EPROTO,
 * never followed. A channel that has returned -EPROTO stays broken (every later call returns
 * -EPROTO again): close it.
 *
 * Errors: every function returning int or ssize_t returns a negative errno on failure. The
 * library never prints and never raises a signal of its own.
 *
 * Threads: one thread may send while another receives on the same channel, but two threads
 * must not send (or receive) on one channel at the same time: serialise them. A channel must
 * not be used from both sides of a fork().
 *
 * Layout and protocol: docs/libshm.md.
 */
#ifndef PODTRACE_SHM_H
#define PODTRACE_SHM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with -fvisibility=hidden: only what is marked here is exported. */
#if defined(__GNUC__)
#define PT_SHM_EXPORT __attribute__((visibility("default")))
#else
#define PT_SHM_EXPORT
#endif

/*
 * The version of the shared-memory layout this library speaks. A channel whose header
 * carries another version is refused with -EPROTONOSUPPORT.
 */
#define PT_SHM_LAYOUT_VERSION 1

/* Ring sizes, in bytes: a power of two between these bounds. */
#define PT_SHM_RING_MIN 4096u
#define PT_SHM_RING_MAX (1u << 30)
/* The ring size used when a caller passes 0. */
#define PT_SHM_RING_DEFAULT (1u << 20)
/* Bytes of framing per message in a ring (length word, check word); payloads are padded to 8. */
#define PT_SHM_FRAME_OVERHEAD 8u

/* The environment variable naming the worker's inherited channel fd (decimal). */
#define PT_SHM_ENV_FD "PODSHM_FD"
/* The environment variable the Python binding reads for the path of libshm.so. */
#define PT_SHM_ENV_LIB "PODSHM_LIB"

/* An open channel: one side of it, as seen by one process. Opaque. */
struct pt_shm;

/*
 * Which end of a channel a process takes. Each side may be attached by one open file
 * description at a time; the host sends what the worker receives and the other way round.
 */
enum pt_shm_side {
        PT_SHM_HOST = 0,
        PT_SHM_WORKER = 1,
};

/* What pt_shm_peer_state() reports about the other side. */
enum pt_shm_peer {
        PT_SHM_PEER_NONE = 0,     /* has not attached yet */
        PT_SHM_PEER_ATTACHED = 1, /* attached and alive */
        PT_SHM_PEER_CLOSED = 2,   /* closed its end with pt_shm_close() */
        PT_SHM_PEER_DEAD = 3,     /* attached, then went away without closing (died) */
};

/* Counters of one channel handle (this process's side only). */
struct pt_shm_stats {
        uint64_t sent;           /* messages sent */
        uint64_t received;       /* messages received */
        uint64_t bytes_sent;     /* payload bytes sent */
        uint64_t bytes_received; /* payload bytes received */
        uint64_t spin_waits;     /* waits that ended while spinning */
        uint64_t futex_waits;    /* FUTEX_WAIT calls made */
        uint64_t futex_wakes;    /* FUTEX_WAKE calls made (only when the peer said it sleeps) */
        /*
         * Poll intervals that expired with the awaited condition already true: the wake-up
         * was late or lost. The protocol never loses one, so outside of a heavily loaded
         * machine (where a peer can stall just at the expiry) this stays 0.
         */
        uint64_t late_wakeups;
};

/**
 * Create a named channel and attach to it.
 * @param name the name, as for shm_open(3): an optional leading '/', then up to NAME_MAX
 *             bytes without '/' (not "." or ".."); the object is /dev/shm/NAME
 * @param ring_size the size of each ring in bytes, a power of two in
 *                  [PT_SHM_RING_MIN, PT_SHM_RING_MAX], or 0 for PT_SHM_RING_DEFAULT
 * @param side the side to take (normally PT_SHM_HOST)
 * @param ret_ch the new channel, on success
 *
 * The object is created with mode 0600 and fully initialised before its name appears, so a
 * process opening the name never sees half a header. Fails with -EEXIST if the name exists.
 * The name stays until pt_shm_unlink(). Returns 0 on success, negative errno on failure.
 */
PT_SHM_EXPORT int pt_shm_create(const char *name, size_t ring_size, enum pt_shm_side side,
                                struct pt_shm **ret_ch);

/**
 * Open an existing named channel and attach to it.
 * @param name the name given to pt_shm_create() or pt_ipc_create()
 * @param side the side to take
 * @param ret_ch the new channel, on success
 *
 * The header is read once, into private memory, and checked: a wrong magic or an
 * inconsistent size is -EPROTO, another layout version -EPROTONOSUPPORT, a file smaller than
 * the header claims -EPROTO. -EBUSY if that side is attached by another open file
 * description. -ENOENT if there is no such name. Returns 0 on success, negative errno on
 * failure.
 */
PT_SHM_EXPORT int pt_shm_open(const char *name, enum pt_shm_side side, struct pt_shm **ret_ch);

/**
 * Attach to a channel through a file descriptor (e.g. one inherited from the supervisor).
 * @param fd a descriptor of the channel's shared-memory object, open for reading and
 *           writing; the library duplicates it (close-on-exec) and leaves @fd to the caller
 * @param side the side to take (normally PT_SHM_WORKER)
 * @param ret_ch the new channel, on success
 *
 * Same checks and errors as pt_shm_open(); -EBADF if @fd is not open, -EINVAL if it is not
 * a regular file. A side is held through the open file description of @fd (a lock on it
 * tells the peer this side is alive), so the two sides must not use descriptors of one
 * description: one side per open(), and a descriptor handed to a worker must be closed by
 * whoever else holds a copy of it. Returns 0 on success, negative errno on failure.
 */
PT_SHM_EXPORT int pt_shm_open_fd(int fd, enum pt_shm_side side, struct pt_shm **ret_ch);

/**
 * Attach through the descriptor named in the environment variable PODSHM_FD.
 * @param side the side to take (normally PT_SHM_WORKER)
 * @param ret_ch the new channel, on success
 *
 * -ENOENT if PODSHM_FD is unset, -EINVAL if it is not a decimal descriptor number; otherwise
 * as pt_shm_open_fd(). Returns 0 on success, negative errno on failure.
 */
PT_SHM_EXPORT int pt_shm_open_env(enum pt_shm_side side, struct pt_shm **ret_ch);

/**
 * Initialise an empty shared-memory file as a channel, without attaching to it.
 * @param fd a regular file or memfd open for reading and writing
 * @param ring_size as for pt_shm_create()
 *
 * Sets the file's size and writes a fresh header; whatever was in the file is lost. Used by
 * a supervisor that creates a channel for two other processes. Returns 0 on success,
 * negative errno on failure.
 */
PT_SHM_EXPORT int pt_shm_format_fd(int fd, size_t ring_size);

/**
 * Remove a channel's name.
 * @param name as for pt_shm_create()
 *
 * Processes attached keep their mapping; the memory is freed when the last one detaches.
 * Returns 0 on success, negative errno on failure (-ENOENT if there is no such name).
 */
PT_SHM_EXPORT int pt_shm_unlink(const char *name);

/**
 * Close this side of a channel and free the handle.
 * @param ch the channel, or NULL (nothing happens)
 *
 * The peer is told: its pending and future receives return what was already queued and then
 * -EPIPE, its sends -EPIPE. Messages this side had not received are dropped.
 */
PT_SHM_EXPORT void pt_shm_close(struct pt_shm *ch);

/**
 * Send one message.
 * @param ch the channel
 * @param buf the payload (may be NULL when @len is 0)
 * @param len its length, at most pt_shm_max_message()
 * @param timeout_ms how long to wait for room in the ring: < 0 forever, 0 not at all
 *
 * The message is delivered whole or not at all. Returns 0 when it is queued; -EMSGSIZE if
 * @len exceeds pt_shm_max_message() (it could never fit); -EAGAIN if the ring is full and
 * @timeout_ms is 0; -ETIMEDOUT if it stayed full for @timeout_ms; -EINTR if a signal handler
 * ran while it slept in the kernel (nothing was sent: retry; a handler that runs between two
 * sleeps, during a liveness check, is not seen); -EPIPE if the peer closed or was found dead
 * (a peer that dies unseen is found while waiting: a send into free room still succeeds);
 * -EPROTO if the shared state is corrupt.
 */
PT_SHM_EXPORT int pt_shm_send(struct pt_shm *ch, const void *buf, size_t len, int timeout_ms);

/**
 * Receive one message.
 * @param ch the channel
 * @param buf where to copy the payload
 * @param cap the size of @buf; pt_shm_max_message() bytes always suffice
 * @param timeout_ms how long to wait for a message: < 0 forever, 0 not at all
 *
 * The payload is copied out of the shared mapping before it is returned, so the peer cannot
 * change it afterwards. Returns the payload's length (0 for an empty message); -EMSGSIZE if
 * it is longer than @cap (the message stays queued); -EAGAIN if there is none and
 * @timeout_ms is 0; -ETIMEDOUT if none came within @timeout_ms; -EINTR if a signal handler
 * ran while it slept in the kernel (retry; as for pt_shm_send, not one that ran between sleeps); -EPIPE if the peer closed or died and everything it sent has
 * been received; -EPROTO if the shared state is corrupt.
 */
PT_SHM_EXPORT ssize_t pt_shm_recv(struct pt_shm *ch, void *buf, size_t cap, int timeout_ms);

/**
 * The longest message this side can send (its ring's size minus PT_SHM_FRAME_OVERHEAD).
 * @param ch the channel
 */
PT_SHM_EXPORT size_t pt_shm_max_message(const struct pt_shm *ch);

/**
 * The longest message this side can receive (the other ring's size minus the framing).
 * @param ch the channel
 */
PT_SHM_EXPORT size_t pt_shm_max_recv(const struct pt_shm *ch);

/**
 * The channel's file descriptor (owned by the channel; close-on-exec).
 * @param ch the channel
 */
PT_SHM_EXPORT int pt_shm_fd(const struct pt_shm *ch);

/**
 * Set how long a wait spins before it sleeps on the futex.
 * @param ch the channel
 * @param spin_ns nanoseconds of spinning; 0 always sleeps at once
 *
 * Spinning keeps a round trip in the hundreds of nanoseconds when the peer answers quickly
 * and runs on another CPU; sleeping costs a futex wake-up (tens of microseconds) but no CPU.
 * The default is 10 µs, or 0 on a machine with one CPU.
 */
PT_SHM_EXPORT void pt_shm_set_spin(struct pt_shm *ch, unsigned spin_ns);

/**
 * What is known about the other side, now.
 * @param ch the channel
 *
 * Returns an enum pt_shm_peer value. Liveness comes from a lock the peer holds on the
 * shared file (released by the kernel when the peer's last descriptor closes), not from a
 * process id, so it holds across pid namespaces and pid reuse. A peer found dead is marked
 * so in the shared state, and later sends fail with -EPIPE without a system call, until a
 * new peer attaches. A broken channel (-EPROTO) reports PT_SHM_PEER_DEAD.
 */
PT_SHM_EXPORT int pt_shm_peer_state(struct pt_shm *ch);

/**
 * Copy this handle's counters.
 * @param ch the channel
 * @param ret_stats where to write them
 */
PT_SHM_EXPORT void pt_shm_get_stats(const struct pt_shm *ch, struct pt_shm_stats *ret_stats);

#ifdef __cplusplus
}
#endif

#endif /* PODTRACE_SHM_H */
