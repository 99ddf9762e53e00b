/* SPDX-License-Identifier: MIT */
/*
 * Path resolution in the worker's view of the filesystem: its root (the private /proc
 * included), its cwd, its dirfds. The result is a pinned directory fd plus the final name,
 * and the canonical path that the policy decides on. Every action afterwards goes through
 * that fd (openat2 with RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_SYMLINKS), so the
 * string the worker can still rewrite is never resolved again.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "handlers/call.h"

enum {
        PT_RES_FOLLOW = 1 << 0,     /* follow a final symlink */
        PT_RES_EMPTY_PATH = 1 << 1, /* "" names the dirfd itself (AT_EMPTY_PATH) */
        PT_RES_PROBE = 1 << 2,      /* a metadata probe: denying a missing object prints no notice */
        PT_RES_PARENT = 1 << 3,     /* the caller acts on (parent, last): resolve the parent */
        PT_RES_CONTENT = 1 << 4,    /* an open: reading the content of /proc facts is sys or env */
};

struct pt_fs_target {
        int parent;               /* O_PATH directory holding `last`; -1 for an object without one */
        int obj;                  /* O_PATH fd of the object itself; -1 when it does not exist */
        char last[NAME_MAX + 1];  /* the final name in parent ("." when the object is parent itself) */
        char canon[PATH_MAX];     /* canonical path, /proc/<own pid> spelled /proc/self */
        struct stat st;           /* of obj, once st_valid (pt_fs_target_stat) */
        bool st_valid;
        bool decidable;           /* canon names what the call was about (also after an error) */
};

/*
 * Resolve (dirfd, path) for the thread of c. On success the target holds the fds; on a
 * resolution error (ENOENT in the middle, ENOTDIR, ELOOP...) the target still holds the best
 * canonical spelling in canon, so the caller decides before revealing the error.
 * Returns 0, or a negative errno (with t->canon set when a decision is still possible).
 */
int pt_fs_resolve(struct pt_call *c, int dirfd, const char *path, unsigned flags, struct pt_fs_target *t);
void pt_fs_target_release(struct pt_fs_target *t);
/* Fill t->st from the object (fstat of obj); 0 or a negative errno. */
int pt_fs_target_stat(struct pt_fs_target *t);

/* Act on the target: "/proc/self/fd/N" for the object (path-only syscalls). */
void pt_fs_obj_path(const struct pt_fs_target *t, char buf[static 32]);

/* Testing: make pt_fs_resolve skip the openat2 fast path. */
extern bool pt_fs_force_walk;
