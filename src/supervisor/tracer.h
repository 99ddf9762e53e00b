/* SPDX-License-Identifier: MIT */
/*
 * The tracer: one thread owns ptrace (requests must come from the thread that attached).
 * It seizes the sandbox's init with EXITKILL and fork/vfork/clone/exec following, so every
 * process of the sandbox is traced from its first instruction and dies with the supervisor.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

struct pt_supervisor;
struct pt_exec_rules;

struct pt_tracer {
        pid_t init_pid;
        struct pt_supervisor *sv;           /* set before the worker can exec */
        const struct pt_exec_rules *exec;   /* the run permission, checked at every exec */
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        bool seized;       /* init is traced */
        int seize_err;
        pid_t worker_pid;  /* init's first child, once seen */
        bool worker_done;
        int worker_status; /* wait status of the worker */
        bool done;         /* init and every tracee are gone */
        int done_efd;      /* eventfd signalled when done */
};

int pt_tracer_start(struct pt_tracer *t, pid_t init_pid, struct pt_supervisor *sv,
                    const struct pt_exec_rules *exec);
/* Block until init is seized (0) or seizing failed (negative errno). */
int pt_tracer_wait_seized(struct pt_tracer *t);
/* Block until the worker's pid is known (or the sandbox died: 0). */
pid_t pt_tracer_wait_worker(struct pt_tracer *t);
void pt_tracer_join(struct pt_tracer *t);
