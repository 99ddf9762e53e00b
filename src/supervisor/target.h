/* SPDX-License-Identifier: MIT */
/*
 * Access to a worker thread that is blocked in a notified syscall: its memory, its /proc
 * entries, and who it is inside its pid namespace.
 *
 * Rule: whatever is read here is only trusted after SECCOMP_IOCTL_NOTIF_ID_VALID confirms
 * the notification (and so the thread) is still alive; from then on only local copies are used.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/cleanup.h"

/* Copy a NUL-terminated string of at most `size` bytes (NUL included) from the worker. */
int pt_target_read_string(pid_t tid, uint64_t addr, char *buf, size_t size);
/* Copy exactly `len` bytes from / to the worker. */
int pt_target_read(pid_t tid, uint64_t addr, void *buf, size_t len);
int pt_target_write(pid_t tid, uint64_t addr, const void *buf, size_t len);

/* open("/proc/<tid>/<what>", flags): cwd, root, fd/N (magic links followed). */
int pt_target_open_proc(pid_t tid, const char *what, int flags);

/* The worker's umask (from /proc/<tid>/status). */
int pt_target_umask(pid_t tid, mode_t *ret_mask);

/* The thread's ids inside its pid namespace. */
struct pt_nsids {
        pid_t tid;  /* NSpid */
        pid_t tgid; /* NStgid */
};
int pt_target_nsids(pid_t tid, struct pt_nsids *ret);
/* Tracer thread only: cache a new thread's ids before it runs; drop them once it is reaped. */
int pt_target_track(pid_t tid);
void pt_target_forget(pid_t tid);
/* Is tid a thread the tracer tracks (seen before it ran, not yet reaped)? */
bool pt_target_known(pid_t tid);

/* Our own copy of the thread's fd (pidfd_getfd: the same open file description). */
int pt_target_take_fd(pid_t tid, int fd);

/* The thread's comm, for notices; "?" when gone. */
void pt_target_comm(pid_t tid, char *buf, size_t size);
