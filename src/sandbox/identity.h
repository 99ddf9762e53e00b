/* SPDX-License-Identifier: MIT */
/*
 * The worker's identity (design 1.8): who it runs as, and who the supervisor's threads act as
 * when they emulate a call for it. Every change here is a raw syscall on the calling thread
 * only: glibc's setuid()/setgroups() would broadcast to every thread of podtrace.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct pt_identity {
        uid_t uid;
        gid_t gid; /* also the only supplementary group */
};

/* The calling thread becomes id for good: groups, real/effective/saved/fs gid and uid. Needs
 * CAP_SETUID and CAP_SETGID; a change away from uid 0 clears the thread's capabilities. */
int pt_identity_take_thread(const struct pt_identity *id);

/*
 * File-system checks of the calling thread as id (fsuid, fsgid, groups), until
 * pt_identity_fs_leave: lets start-up code ask "can the worker reach this?" with
 * faccessat(AT_EACCESS) and open(). A non-zero fsuid drops the file capabilities meanwhile.
 */
struct pt_identity_saved {
        uid_t fsuid;
        gid_t fsgid;
        int ngroups;
        gid_t groups[64];
        bool active;
};
int pt_identity_fs_enter(const struct pt_identity *id, struct pt_identity_saved *ret);
void pt_identity_fs_leave(struct pt_identity_saved *saved);
