/* SPDX-License-Identifier: MIT */
#include "sandbox/identity.h"

#include <errno.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

int pt_identity_take_thread(const struct pt_identity *id)
{
        gid_t groups[1] = { id->gid };
        /* groups first: they need CAP_SETGID, which a uid change would take away */
        if (syscall(SYS_setgroups, 1, groups) < 0)
                return -errno;
        if (syscall(SYS_setresgid, id->gid, id->gid, id->gid) < 0)
                return -errno;
        if (syscall(SYS_setresuid, id->uid, id->uid, id->uid) < 0)
                return -errno;
        return 0;
}

int pt_identity_fs_enter(const struct pt_identity *id, struct pt_identity_saved *ret)
{
        memset(ret, 0, sizeof(*ret));
        long n = syscall(SYS_getgroups, (int)(sizeof(ret->groups) / sizeof(ret->groups[0])), ret->groups);
        if (n < 0)
                return -errno;
        ret->ngroups = (int)n;
        gid_t groups[1] = { id->gid };
        if (syscall(SYS_setgroups, 1, groups) < 0)
                return -errno;
        /* setfsuid returns the previous value and cannot report failure directly */
        ret->fsgid = (gid_t)syscall(SYS_setfsgid, id->gid);
        ret->fsuid = (uid_t)syscall(SYS_setfsuid, id->uid);
        ret->active = true;
        if ((uid_t)syscall(SYS_setfsuid, -1) != id->uid || (gid_t)syscall(SYS_setfsgid, -1) != id->gid) {
                pt_identity_fs_leave(ret);
                return -EPERM;
        }
        return 0;
}

void pt_identity_fs_leave(struct pt_identity_saved *saved)
{
        if (!saved->active)
                return;
        syscall(SYS_setfsuid, saved->fsuid);
        syscall(SYS_setfsgid, saved->fsgid);
        syscall(SYS_setgroups, saved->ngroups, saved->groups);
        saved->active = false;
}
