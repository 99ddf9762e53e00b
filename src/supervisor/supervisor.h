/* SPDX-License-Identifier: MIT */
/* The supervisor's shared, read-mostly state: what every notify thread needs. */
#pragma once

#include <linux/seccomp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "policy/policy.h"

struct pt_backtrace;
struct pt_log;
struct pt_proxy;
struct pt_proxy_config;
struct pt_netplan;

/* Subtrees where Landlock enforces the policy in the kernel: a plain reply is race-free there. */
struct pt_clean_set {
        char **paths;
        size_t *lens;
        size_t n;
};

enum { PT_NS_NET, PT_NS_IPC, PT_NS_UTS, PT_NS_COUNT };

struct pt_supervisor {
        const struct pt_policy *policy;
        struct pt_log *log;
        int listener;            /* seccomp user-notification fd */
        int rootfd;              /* the worker's root directory, O_PATH, in its mount namespace */
        struct stat root_st;
        int nsfd[PT_NS_COUNT];   /* the worker's net, ipc, uts namespaces: notify threads join them */
        const struct pt_clean_set *clean_read;  /* NULL: emulate every file access */
        const struct pt_clean_set *clean_write; /* NULL: emulate every write */
        struct seccomp_notif_sizes sizes;
        bool sync_wakeup;        /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP is on */
        pid_t worker_pid;        /* host pid of the worker (the init's child) */
        pid_t init_pid;          /* host pid of the sandbox's init: killing it ends the run */
        atomic_bool escaped;     /* a thread the tracer does not know made a notified call */
        int escape_efd;          /* written then: the main thread (still root) kills init */
        uid_t uid;               /* the worker's identity: notify threads act as it */
        gid_t gid;
        struct pt_proxy *proxy;  /* relays the worker's allowed direct TCP connections */
        const struct pt_proxy_config *proxy_cfg;
        const struct pt_netplan *net_plan;
        struct pt_backtrace *backtrace; /* --backtrace (supervisor/backtrace.h); NULL: off. Set before the tracer starts */

        /* notify pool (supervisor/notify.c): one receiver, more only while one is stuck */
        atomic_int nthreads;
        atomic_int busy;
        atomic_ulong handled;
        int max_threads;
        atomic_bool stopping;
        atomic_int waiters;      /* threads finishing a blocking action (PT_REPLY_DEFER) */
        int max_waiters;
        atomic_bool waiters_full_said;
};

/* Start the notify pool: one receiving thread and the watchdog that adds more. */
int pt_notify_start(struct pt_supervisor *sv);
/* Ask the pool to stop (the listener is closed by the caller afterwards). */
void pt_notify_stop(struct pt_supervisor *sv);

/* Is canon in (or strictly inside) a Landlock-enforced subtree of the set? */
bool pt_clean_covers(const struct pt_clean_set *cs, const char *canon);
bool pt_clean_covers_strictly(const struct pt_clean_set *cs, const char *canon);
