/* SPDX-License-Identifier: MIT */
/* What the file handlers share: the resolve-validate-decide step and small acting helpers. */
#pragma once

#include <sys/stat.h>

#include "handlers/call.h"
#include "handlers/fs_resolve.h"

#define PT_NEED_READ (1u << PT_PERM_READ)
#define PT_NEED_WRITE (1u << PT_PERM_WRITE)

/*
 * Read path argument `patharg` into string slot `slot`, resolve it against dirfd in the
 * worker's view, confirm the notification is still live, and decide every permission in
 * `need` on the canonical path. Returns 0 when the call may go ahead (t holds the target),
 * or a negative errno to reply with: EACCES on denial, or the resolution error once the
 * policy allowed seeing it. The target is released by the caller in every case.
 */
int pt_fs_prepare(struct pt_call *c, int slot, int dirfd, int patharg, unsigned resflags, unsigned need,
                  struct pt_fs_target *t);

/* The dirfd argument as the kernel reads it (an int in a 64-bit register). */
static inline int pt_arg_fd(const struct pt_call *c, int i)
{
        return (int)c->req->data.args[i];
}

/*
 * No call from the sandbox leaves a set-user-ID or set-group-ID file or a setgid directory
 * behind: run later by someone else, such a file would run with the worker's identity (or,
 * with --user=0, root's). Every mode the worker gives (chmod family, O_CREAT and O_TMPFILE,
 * mknod, mkdir) goes through this; the sticky bit and the permission bits stay.
 */
static inline mode_t pt_fs_no_setid(uint64_t mode)
{
        return (mode_t)mode & (mode_t) ~(S_ISUID | S_ISGID);
}
static inline bool pt_fs_mode_has_setid(uint64_t mode)
{
        return (mode & (S_ISUID | S_ISGID)) != 0;
}

/* Run `op` with the worker's umask on this thread (threads unshared CLONE_FS at start). */
int pt_fs_with_umask(struct pt_call *c, mode_t *ret_old);
void pt_fs_restore_umask(mode_t old);

/* Copy len bytes to the worker at addr. Every write to worker memory goes through here: it
 * checks SECCOMP_IOCTL_NOTIF_ID_VALID right before writing (-ENOENT once the call is gone). */
int pt_fs_copy_out(struct pt_call *c, uint64_t addr, const void *buf, size_t len);

/*
 * For fd-based writes (fchmod, fchown, fsetxattr...): the fd's object, its canonical path
 * decided for `need`. Objects without a path (pipes, sockets) are the worker's own and get
 * no path decision. Returns 0 or a negative errno to reply with.
 */
int pt_fs_prepare_fd(struct pt_call *c, int fd, unsigned need, struct pt_fs_target *t);
