/* SPDX-License-Identifier: MIT */
/*
 * Read-only probes: stat, lstat, newfstatat, statx, statfs, access/faccessat(2), readlink(at).
 * All emulated: the supervisor looks at the pinned object and copies the answer into the
 * worker's buffer (whose address is a register, not memory the worker can swap).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "handlers/fs_common.h"
#include "handlers/fs_handlers.h"

void pt_handle_stat(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        int dirfd = AT_FDCWD, patharg = 0, atflags = 0, r;
        uint64_t buf;
        unsigned res = PT_RES_FOLLOW;

        switch (c->row->variant) {
        case PT_STAT_LSTAT:
                res = 0;
                /* fall through */
        case PT_STAT_STAT:
        case PT_STAT_STATFS:
                buf = a[1];
                break;
        case PT_STAT_FSTATAT:
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                buf = a[2];
                atflags = (int)a[3];
                break;
        default: /* statx(dirfd, path, flags, mask, buf) */
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                atflags = (int)a[2];
                buf = a[4];
                break;
        }
        if (atflags & AT_SYMLINK_NOFOLLOW)
                res = 0;
        if (atflags & AT_EMPTY_PATH)
                res |= PT_RES_EMPTY_PATH;

        r = pt_fs_prepare(c, 0, dirfd, patharg, res | PT_RES_PROBE, PT_NEED_READ, &t);
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0) {
                if (c->row->variant == PT_STAT_STATX) {
                        struct statx stx;
                        int sync = atflags & AT_STATX_SYNC_TYPE;
                        r = statx(t.obj, "", AT_EMPTY_PATH | sync, (unsigned)a[3], &stx) < 0 ? -errno : 0;
                        if (r == 0)
                                r = pt_fs_copy_out(c, buf, &stx, sizeof(stx));
                } else if (c->row->variant == PT_STAT_STATFS) {
                        struct statfs sfs;
                        r = fstatfs(t.obj, &sfs) < 0 ? -errno : 0;
                        if (r == 0)
                                r = pt_fs_copy_out(c, buf, &sfs, sizeof(sfs));
                } else {
                        r = pt_fs_target_stat(&t);
                        if (r == 0)
                                r = pt_fs_copy_out(c, buf, &t.st, sizeof(t.st));
                }
        }
        pt_fs_target_release(&t);
        pt_reply_result(c, r);
}

void pt_handle_access(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        int dirfd = AT_FDCWD, patharg = 0, mode, flags = 0;

        if (c->row->variant == PT_ACCESS_PLAIN) {
                mode = (int)a[1];
        } else {
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                mode = (int)a[2];
                if (c->row->variant == PT_ACCESS_AT2)
                        flags = (int)a[3];
        }
        if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
                pt_reply_error(c, EINVAL);
                return;
        }
        unsigned res = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PT_RES_FOLLOW;
        if (flags & AT_EMPTY_PATH)
                res |= PT_RES_EMPTY_PATH;
        int r = pt_fs_prepare(c, 0, dirfd, patharg, res | PT_RES_PROBE, PT_NEED_READ, &t);
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0) {
                /* Checked with this thread's credentials, which are the worker's (no
                 * capabilities), on the object we hold. */
                r = faccessat(t.obj, "", mode, AT_EMPTY_PATH | AT_EACCESS) < 0 ? -errno : 0;
        }
        pt_fs_target_release(&t);
        pt_reply_result(c, r);
}

void pt_handle_readlink(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        int dirfd = AT_FDCWD, patharg = 0;
        uint64_t buf, size;

        if (c->row->variant == PT_READLINK_PLAIN) {
                buf = a[1];
                size = a[2];
        } else {
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                buf = a[2];
                size = a[3];
        }
        if ((int64_t)(int)size <= 0) {
                pt_reply_error(c, EINVAL);
                return;
        }
        /* readlinkat(fd, "") reads the link fd refers to */
        int r = pt_fs_prepare(c, 0, dirfd, patharg, PT_RES_EMPTY_PATH | PT_RES_PROBE, PT_NEED_READ, &t);
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0) {
                char target[PATH_MAX];
                ssize_t n;
                if (t.parent >= 0 && strcmp(t.last, ".") != 0)
                        n = readlinkat(t.parent, t.last, target, sizeof(target));
                else
                        n = readlinkat(t.obj, "", target, sizeof(target));
                if (n < 0) {
                        r = -errno;
                } else {
                        if ((uint64_t)n > size)
                                n = (ssize_t)size;
                        r = pt_fs_copy_out(c, buf, target, (size_t)n);
                        if (r == 0)
                                r = (int)n;
                }
        }
        pt_fs_target_release(&t);
        pt_reply_result(c, r);
}
