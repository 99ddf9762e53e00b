/* SPDX-License-Identifier: MIT */
/*
 * `podtrace run --ipc=NAME` (design 6, docs/libshm.md): the shared-memory channel between a
 * host program and the worker. podtrace creates it under NAME (the host opens that name), the
 * worker inherits one descriptor of it as fd 3 named by PODSHM_FD, and the policy grows by
 * exactly what using it takes: read and ffi on libshm.so, read on the podshm package.
 *
 * The demo worker without --ipc gets an unnamed channel whose host side is podtrace itself
 * (an echo thread), so the embedded default shows the channel working.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>

#include "policy/policy.h"

#define PT_IPC_WORKER_FD 3

struct pt_shm;

struct pt_run_ipc {
        bool on;
        const char *name; /* NULL: the demo's unnamed channel */
        int fd;           /* the worker's copy until the spawn, then closed */
        char *lib;        /* canonical path of libshm.so */
        char *pydir;      /* the directory holding the podshm package */
        bool named;       /* the name exists and is ours to remove */
        struct pt_shm *echo;
        pthread_t echo_thread;
        bool echo_running;
        volatile bool echo_stop;
};

/* Find the library and the package (no channel yet); off when neither --ipc nor the demo. */
int pt_run_ipc_prepare(const char *name, bool demo, struct pt_run_ipc *ipc, struct pt_error *err);
/* The rules the channel needs (source "ipc"). */
int pt_run_ipc_policy(const struct pt_run_ipc *ipc, struct pt_policy *p, const struct pt_context *ctx,
                      struct pt_error *err);
/* Create the channel (and the demo's echo host). Exit-2 errors (a bad name) are -EINVAL. */
int pt_run_ipc_create(struct pt_run_ipc *ipc, struct pt_error *err);
/* Add PODSHM_FD, PODSHM_LIB and PYTHONPATH to the worker's environment vector. */
int pt_run_ipc_env(const struct pt_run_ipc *ipc, char ***envp);
/* After the spawn: the supervisor keeps no copy of the worker's descriptor. */
void pt_run_ipc_spawned(struct pt_run_ipc *ipc);
/* End of the run: stop the echo, remove the name, free. */
void pt_run_ipc_done(struct pt_run_ipc *ipc);
