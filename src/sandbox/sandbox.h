/* SPDX-License-Identifier: MIT */
/*
 * Spawning the worker (design 3): a process in new pid, mount, net, IPC and UTS namespaces
 * runs podtrace's own minimal init as pid 1; init sets up the private /proc, /dev and lo,
 * waits to be traced, then forks the worker, which drops every capability, sets
 * NO_NEW_PRIVS, applies Landlock, installs the seccomp filter and execs.
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PT_LANDLOCK_MAX 256

/* Subtrees to enforce with Landlock (see pt_landlock_plan), with the rights for each. */
struct pt_landlock_plan {
        char *paths[PT_LANDLOCK_MAX];
        uint64_t access[PT_LANDLOCK_MAX]; /* LANDLOCK_ACCESS_FS_* granted beneath paths[i] */
        size_t n;
        int abi;          /* 0: Landlock unavailable */
        uint64_t handled; /* the rights the ruleset restricts (0: no fast path) */
        uint64_t scoped;  /* LANDLOCK_SCOPE_* (ABI 6): signals and abstract sockets stay inside */
};

/*
 * What is only known after the namespaces exist (the veth index, hence the proxy's address),
 * in a MAP_SHARED page made before clone: the supervisor fills it in before GO, init and the
 * worker read it after. The worker's environment points into it for the proxy variables.
 */
#define PT_LATE_ENV 8
struct pt_late_config {
        int net_index; /* -1: no veth */
        char env[PT_LATE_ENV][96];
};

struct pt_late_config *pt_late_config_new(void);

struct pt_spawn_config {
        const char *exec_path;       /* absolute path the worker execs */
        char *const *argv;
        char *const *envp;           /* already filtered */
        const struct sock_fprog *filter;
        const struct pt_landlock_plan *landlock;
        const char *hostname;        /* the UTS namespace's name; NULL keeps the host's */
        struct pt_late_config *late;  /* shared with the children */
        uid_t uid;                   /* the worker's identity (design 1.8) */
        gid_t gid;
        bool pass_fd;                /* hand pass_fd_from to the worker as fd pass_fd_to (--ipc) */
        int pass_fd_from, pass_fd_to;
};

struct pt_sandbox {
        pid_t init_pid; /* host pid of the namespace's init */
        int sync_fd;    /* the supervisor's end of the handshake */
};

/* Clone init into its namespaces. Single-threaded caller. */
int pt_sandbox_spawn(const struct pt_spawn_config *cfg, struct pt_sandbox *ret);

/* In the children (never return on success). */
void pt_init_main(const struct pt_spawn_config *cfg, int sync_fd) __attribute__((noreturn));
void pt_worker_main(const struct pt_spawn_config *cfg, int sync_fd) __attribute__((noreturn));

/* Setup steps, for the children. Each returns 0 or a negative errno. */
int pt_mounts_setup(void);
int pt_dev_setup(void);
int pt_loopback_up(void);
/* Drop every capability for good; with id, take that identity on the way (worker). */
struct pt_identity;
int pt_caps_drop_all(const struct pt_identity *id);
/* Apply the plan in the calling process; fills the bitmap of rules actually added. */
int pt_landlock_apply(const struct pt_landlock_plan *plan, uint64_t *bitmap, size_t words);
int pt_landlock_abi(void);
