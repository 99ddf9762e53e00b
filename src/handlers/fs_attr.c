/* SPDX-License-Identifier: MIT */
/*
 * Changing an existing object: truncate, chmod family, chown family, utime family, and the
 * fd-based fchmod/fchown. Emulated on the pinned object (through /proc/self/fd/N or
 * AT_EMPTY_PATH), never on the worker's path string.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "handlers/fs_common.h"
#include "handlers/fs_handlers.h"
#include "seccomp/nr.h"

static void finish(struct pt_call *c, struct pt_fs_target *t, int r)
{
        pt_fs_target_release(t);
        pt_reply_result(c, r);
}

void pt_handle_truncate(struct pt_call *c)
{
        struct pt_fs_target t;
        int r = pt_fs_prepare(c, 0, AT_FDCWD, 0, PT_RES_FOLLOW, PT_NEED_WRITE, &t);
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0) {
                char path[32];
                pt_fs_obj_path(&t, path);
                r = truncate(path, (off_t)c->req->data.args[1]) < 0 ? -errno : 0;
        }
        finish(c, &t, r);
}

static int chmod_obj(struct pt_fs_target *t, mode_t mode)
{
        int r = pt_fs_target_stat(t);
        if (r < 0)
                return r;
        if (S_ISLNK(t->st.st_mode)) {
                /* only reachable with AT_SYMLINK_NOFOLLOW: the kernel answers (EOPNOTSUPP) */
                if (t->parent < 0)
                        return -EOPNOTSUPP;
                return syscall(__NR_fchmodat2, t->parent, t->last, mode, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
        }
        char path[32];
        pt_fs_obj_path(t, path);
        return chmod(path, mode) < 0 ? -errno : 0;
}

void pt_handle_chmod(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        int r;
        mode_t mode;

        switch (c->row->variant) {
        case PT_CHMOD_FD:
                mode = (mode_t)a[1];
                r = pt_fs_prepare_fd(c, pt_arg_fd(c, 0), PT_NEED_WRITE, &t);
                break;
        case PT_CHMOD_PLAIN:
                mode = (mode_t)a[1];
                r = pt_fs_prepare(c, 0, AT_FDCWD, 0, PT_RES_FOLLOW, PT_NEED_WRITE, &t);
                break;
        default: {
                int flags = c->row->variant == PT_CHMOD_AT2 ? (int)a[3] : 0;
                if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
                        pt_reply_error(c, EINVAL);
                        return;
                }
                unsigned res = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PT_RES_FOLLOW;
                if (flags & AT_EMPTY_PATH)
                        res |= PT_RES_EMPTY_PATH;
                mode = (mode_t)a[2];
                r = pt_fs_prepare(c, 0, pt_arg_fd(c, 0), 1, res, PT_NEED_WRITE, &t);
        }
        }
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0)
                r = chmod_obj(&t, pt_fs_no_setid(mode));
        finish(c, &t, r);
}

void pt_handle_chown(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        int r, ui = 1;

        switch (c->row->variant) {
        case PT_CHOWN_FD:
                r = pt_fs_prepare_fd(c, pt_arg_fd(c, 0), PT_NEED_WRITE, &t);
                break;
        case PT_CHOWN_PLAIN:
        case PT_CHOWN_L:
                r = pt_fs_prepare(c, 0, AT_FDCWD, 0, c->row->variant == PT_CHOWN_PLAIN ? PT_RES_FOLLOW : 0,
                                  PT_NEED_WRITE, &t);
                break;
        default: {
                int flags = (int)a[4];
                if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
                        pt_reply_error(c, EINVAL);
                        return;
                }
                unsigned res = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PT_RES_FOLLOW;
                if (flags & AT_EMPTY_PATH)
                        res |= PT_RES_EMPTY_PATH;
                ui = 2;
                r = pt_fs_prepare(c, 0, pt_arg_fd(c, 0), 1, res, PT_NEED_WRITE, &t);
        }
        }
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0)
                r = fchownat(t.obj, "", (uid_t)a[ui], (gid_t)a[ui + 1], AT_EMPTY_PATH) < 0 ? -errno : 0;
        finish(c, &t, r);
}

/* The times argument, whatever its shape, as utimensat's timespec[2]; NULL means now. */
static int read_times(struct pt_call *c, uint64_t addr, struct timespec ts[2], bool *ret_null)
{
        *ret_null = addr == 0;
        if (addr == 0)
                return 0;
        switch (c->row->variant) {
        case PT_UTIME_UTIME: {
                struct utimbuf u;
                int r = pt_target_read(c->req->pid, addr, &u, sizeof(u));
                if (r < 0)
                        return r;
                ts[0] = (struct timespec){ u.actime, 0 };
                ts[1] = (struct timespec){ u.modtime, 0 };
                return 0;
        }
        case PT_UTIME_UTIMES:
        case PT_UTIME_FUTIMESAT: {
                struct timeval tv[2];
                int r = pt_target_read(c->req->pid, addr, tv, sizeof(tv));
                if (r < 0)
                        return r;
                for (int i = 0; i < 2; i++) {
                        if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
                                return -EINVAL;
                        ts[i] = (struct timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
                }
                return 0;
        }
        default:
                return pt_target_read(c->req->pid, addr, ts, 2 * sizeof(ts[0]));
        }
}

void pt_handle_utime(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        struct timespec ts[2];
        bool now;
        int dirfd = AT_FDCWD, patharg = 0, flags = 0, r;
        uint64_t times = a[1];
        unsigned res = PT_RES_FOLLOW;

        if (c->row->variant == PT_UTIME_FUTIMESAT || c->row->variant == PT_UTIME_UTIMENSAT) {
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                times = a[2];
        }
        if (c->row->variant == PT_UTIME_UTIMENSAT) {
                flags = (int)a[3];
                if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
                        pt_reply_error(c, EINVAL);
                        return;
                }
                if (flags & AT_SYMLINK_NOFOLLOW)
                        res = PT_RES_PARENT; /* a symlink's own times are set through its directory */
                if (a[1] == 0 || (flags & AT_EMPTY_PATH))
                        res |= PT_RES_EMPTY_PATH; /* utimensat(fd, NULL, ...) is futimens(fd) */
        }
        r = read_times(c, times, ts, &now);
        if (r < 0) {
                pt_reply_error(c, -r);
                return;
        }
        if (c->row->variant == PT_UTIME_UTIMENSAT && a[1] == 0)
                r = pt_fs_prepare_fd(c, dirfd, PT_NEED_WRITE, &t);
        else
                r = pt_fs_prepare(c, 0, dirfd, patharg, res, PT_NEED_WRITE, &t);
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0)
                r = pt_fs_target_stat(&t);
        if (r == 0) {
                if (S_ISLNK(t.st.st_mode) && t.parent >= 0) {
                        r = utimensat(t.parent, t.last, now ? NULL : ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
                } else {
                        char path[32];
                        pt_fs_obj_path(&t, path);
                        r = utimensat(AT_FDCWD, path, now ? NULL : ts, 0) < 0 ? -errno : 0;
                }
        }
        finish(c, &t, r);
}
