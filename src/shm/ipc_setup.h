/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's side of `podtrace run --ipc=NAME` (design §6): create the channel, hand
 * one descriptor of it to the worker, remove the name at the end. Linked into podtrace from
 * the static library podtrace_ipc; not part of libshm.so.
 *
 * What the worker needs, and what the integration has to do:
 *
 * - The descriptor. pt_ipc_create() returns it with FD_CLOEXEC set. In the worker's child,
 *   before exec, dup2() it to the number the worker will use (dup2 clears FD_CLOEXEC on the
 *   new number; if it is already that number, clear the flag with fcntl(F_SETFD, 0)), and put
 *   that number in the worker's environment as PODSHM_FD=<n> (PT_SHM_ENV_FD). The environment
 *   filter must let PODSHM_FD and PODSHM_LIB through (they are not POD_* variables).
 *
 * - The supervisor's own copy must be closed once the worker has been started. Liveness is a
 *   lock on the worker's open file description (docs/libshm.md): while any other process
 *   holds a descriptor of that same description, the worker's death cannot be seen by the
 *   host. The host opens the name itself (a description of its own).
 *
 * - The library. The Python binding loads libshm.so from PODSHM_LIB, else from where it was
 *   installed (pt_ipc_library_path()); the worker's policy must allow reading and mapping it
 *   executable (read + ffi on that path), and reading the podshm package
 *   (pt_ipc_python_path()). Put PODSHM_LIB=<pt_ipc_library_path()> in the worker's
 *   environment too.
 *
 * - The system calls the channel itself uses, on the already-open descriptor: mmap (shared,
 *   not executable), fstat, pread, fcntl(F_DUPFD_CLOEXEC, F_OFD_SETLK, F_OFD_GETLK), futex,
 *   clock_gettime, nanosleep. No path is opened, so no read/write rule is needed for
 *   /dev/shm.
 *
 * - Worth denying to the worker: ftruncate/fallocate on the channel. A shrunk file would
 *   SIGBUS the host; libshm's guard turns that into -EPROTO (guard.h), but a denied call is
 *   cleaner.
 */
#pragma once

#include <stddef.h>

/**
 * Create the named channel for --ipc=NAME.
 * @param name the channel name (as for shm_open: [/]NAME, no other '/'); the object is
 *             /dev/shm/NAME, created exclusively (an existing name is an error), mode 0600
 * @param ring_size the size of each ring, a power of two in [4096, 1 GiB], or 0 for 1 MiB
 * @param ret_fd the descriptor to hand to the worker (FD_CLOEXEC set), on success
 * @param ret_error on failure, a malloc'd one-line message naming --ipc=NAME (free() it)
 *
 * The channel is fully initialised before its name appears. Returns 0 on success, negative
 * errno on failure (-EEXIST: the name exists; -EINVAL: bad name or size).
 */
int pt_ipc_create(const char *name, size_t ring_size, int *ret_fd, char **ret_error);

/**
 * Remove the channel's name (end of the run). Missing names are ignored. Attached processes
 * keep their mappings.
 * @param name the name given to pt_ipc_create()
 */
void pt_ipc_unlink(const char *name);

/** The libshm.so the worker should load: $PODSHM_LIB if set, else the installed path. */
const char *pt_ipc_library_path(void);

/** The directory holding the installed podshm Python package (for a read rule). */
const char *pt_ipc_python_path(void);
