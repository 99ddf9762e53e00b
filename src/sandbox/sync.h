/* SPDX-License-Identifier: MIT */
/*
 * The parent/child handshake: a closed set of named messages over one SOCK_SEQPACKET pair,
 * one message a packet. Sent with write(2)/read(2), never sendmsg: the worker sends after its
 * filter is installed, and a notified sendmsg would wait for a supervisor that does not yet
 * hold the listener.
 *
 *   init   -> sv     INIT_READY        namespaces and mounts are in place
 *   sv     -> init   GO                init is traced: fork the worker
 *   worker -> sv     LANDLOCK_DONE     which planned Landlock rules were added (bitmap)
 *   worker -> sv     LISTENER          filter installed; val = the listener's fd number
 *   sv     -> worker LISTENER_TAKEN    the supervisor holds a copy: close yours and exec
 *   worker -> sv     EXEC_FAILED       err = errno of execve
 *   any    -> sv     SETUP_FAILED      err = errno, val = the failing step (enum pt_setup_step)
 * A closed socket (EOF) after LISTENER_TAKEN means the exec succeeded (the fd is O_CLOEXEC).
 */
#pragma once

#include <stdint.h>

enum pt_sync_msg {
        PT_SYNC_INIT_READY = 1,
        PT_SYNC_GO,
        PT_SYNC_LANDLOCK_DONE,
        PT_SYNC_LISTENER,
        PT_SYNC_LISTENER_TAKEN,
        PT_SYNC_EXEC_FAILED,
        PT_SYNC_SETUP_FAILED,
};

enum pt_setup_step {
        PT_STEP_MOUNTS = 1,
        PT_STEP_DEV,
        PT_STEP_LOOPBACK,
        PT_STEP_FORK,
        PT_STEP_CAPS,
        PT_STEP_NO_NEW_PRIVS,
        PT_STEP_LANDLOCK,
        PT_STEP_SECCOMP,
        PT_STEP_SYNC,
        PT_STEP_NET,
        PT_STEP_FDS,
        PT_STEP_SESSION,
        PT_STEP_IDENTITY,
};

#define PT_SYNC_BITMAP_WORDS 4 /* Landlock rules reported: up to 256 */

struct pt_sync {
        uint32_t msg;
        int32_t val;
        int32_t err;
        uint64_t bitmap[PT_SYNC_BITMAP_WORDS];
};

int pt_sync_send(int fd, enum pt_sync_msg msg, int val, int err);
int pt_sync_send_msg(int fd, const struct pt_sync *m);
/* 0 on a message, -EPIPE on EOF, other negative errno on errors. */
int pt_sync_recv(int fd, struct pt_sync *ret);
const char *pt_setup_step_name(int step);
