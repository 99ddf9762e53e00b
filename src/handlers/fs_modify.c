/* SPDX-License-Identifier: MIT */
/*
 * Creating, removing, renaming and linking names: always emulated on the pinned parent
 * directories, never resolving the worker's strings again. None of these follow a final
 * symlink, so acting on (parent, last) is exactly what was decided.
 *
 * rename and link make existing content reachable under a new name, so the source needs
 * read as well as write: otherwise a read-denied file could be moved into a readable place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handlers/fs_common.h"
#include "handlers/fs_handlers.h"

/* A directory made inside a setgid directory inherits the bit from the kernel: take it off,
 * so nothing the sandbox creates is a setgid directory (the new directory is the worker's,
 * and this thread acts as the worker). */
static void clear_inherited_setgid(int parent, const char *name)
{
        /* pinned first: a name swapped for a symlink must not redirect the chmod */
        _cleanup_close_ int fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || !(st.st_mode & S_ISGID))
                return;
        char path[32];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        (void)chmod(path, st.st_mode & 07777 & (mode_t)~S_ISGID);
}

void pt_handle_create(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        int dirfd = AT_FDCWD, patharg = 0, r;
        int v = c->row->variant;

        if (v == PT_MK_MKDIRAT || v == PT_MK_MKNODAT) {
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
        } else if (v == PT_MK_SYMLINK) {
                patharg = 1;
        } else if (v == PT_MK_SYMLINKAT) {
                dirfd = pt_arg_fd(c, 1);
                patharg = 2;
        }
        if (v == PT_MK_SYMLINK || v == PT_MK_SYMLINKAT) {
                /* The link's text is data, decided when something follows it. */
                r = pt_call_read_str(c, 1, 0);
                if (r < 0) {
                        pt_reply_error(c, -r);
                        return;
                }
        }
        r = pt_fs_prepare(c, 0, dirfd, patharg, PT_RES_PARENT, PT_NEED_WRITE, &t);
        if (r == 0 && t.parent < 0)
                r = -EEXIST; /* a magic-link object already exists by definition */
        if (r == 0) {
                mode_t old;
                switch (v) {
                case PT_MK_MKDIR:
                case PT_MK_MKDIRAT:
                        r = pt_fs_with_umask(c, &old);
                        if (r == 0) {
                                r = mkdirat(t.parent, t.last, pt_fs_no_setid(a[patharg + 1])) < 0 ? -errno : 0;
                                pt_fs_restore_umask(old);
                                if (r == 0)
                                        clear_inherited_setgid(t.parent, t.last);
                        }
                        break;
                case PT_MK_MKNOD:
                case PT_MK_MKNODAT:
                        r = pt_fs_with_umask(c, &old);
                        if (r == 0) {
                                r = mknodat(t.parent, t.last, pt_fs_no_setid(a[patharg + 1]), (dev_t)a[patharg + 2]) < 0
                                            ? -errno
                                            : 0;
                                pt_fs_restore_umask(old);
                        }
                        break;
                default:
                        r = symlinkat(c->str[1], t.parent, t.last) < 0 ? -errno : 0;
                }
        }
        pt_fs_target_release(&t);
        pt_reply_result(c, r);
}

void pt_handle_remove(struct pt_call *c)
{
        struct pt_fs_target t;
        int dirfd = AT_FDCWD, patharg = 0, flags = 0;

        switch (c->row->variant) {
        case PT_RM_RMDIR:
                flags = AT_REMOVEDIR;
                break;
        case PT_RM_UNLINKAT:
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                flags = (int)c->req->data.args[2];
                if (flags & ~AT_REMOVEDIR) {
                        pt_reply_error(c, EINVAL);
                        return;
                }
                break;
        }
        int r = pt_fs_prepare(c, 0, dirfd, patharg, PT_RES_PARENT, PT_NEED_WRITE, &t);
        if (r == 0 && t.parent < 0)
                r = -EBUSY;
        if (r == 0)
                r = unlinkat(t.parent, t.last, flags) < 0 ? -errno : 0;
        pt_fs_target_release(&t);
        pt_reply_result(c, r);
}

void pt_handle_move(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target from, to;
        int odir = AT_FDCWD, ndir = AT_FDCWD, oarg = 0, narg = 1;
        unsigned flags = 0, ores = 0;
        bool link = false;

        switch (c->row->variant) {
        case PT_MV_RENAME:
                break;
        case PT_MV_LINK:
                link = true;
                break;
        case PT_MV_RENAMEAT:
        case PT_MV_RENAMEAT2:
                odir = pt_arg_fd(c, 0);
                oarg = 1;
                ndir = pt_arg_fd(c, 2);
                narg = 3;
                if (c->row->variant == PT_MV_RENAMEAT2)
                        flags = (unsigned)a[4];
                break;
        case PT_MV_LINKAT:
                link = true;
                odir = pt_arg_fd(c, 0);
                oarg = 1;
                ndir = pt_arg_fd(c, 2);
                narg = 3;
                flags = (unsigned)a[4];
                if (flags & ~(unsigned)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) {
                        pt_reply_error(c, EINVAL);
                        return;
                }
                if (flags & AT_SYMLINK_FOLLOW)
                        ores |= PT_RES_FOLLOW;
                if (flags & AT_EMPTY_PATH)
                        ores |= PT_RES_EMPTY_PATH;
                break;
        }
        unsigned oneed = PT_NEED_READ | PT_NEED_WRITE;
        unsigned nneed = (flags & RENAME_EXCHANGE) && !link ? PT_NEED_READ | PT_NEED_WRITE : PT_NEED_WRITE;

        int r = pt_fs_prepare(c, 0, odir, oarg, ores | PT_RES_PARENT, oneed, &from);
        if (r == 0 && from.obj < 0)
                r = -ENOENT;
        if (r == 0)
                r = pt_fs_prepare(c, 1, ndir, narg, PT_RES_PARENT, nneed, &to);
        else
                to.parent = to.obj = -1;
        if (r == 0 && to.parent < 0)
                r = -EEXIST;
        if (r == 0) {
                if (link && from.parent < 0) {
                        /* an object held through a magic link (O_TMPFILE + linkat) */
                        char path[32];
                        pt_fs_obj_path(&from, path);
                        r = linkat(AT_FDCWD, path, to.parent, to.last, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
                } else if (link) {
                        r = linkat(from.parent, from.last, to.parent, to.last, 0) < 0 ? -errno : 0;
                } else if (from.parent < 0) {
                        r = -EBUSY;
                } else {
                        r = renameat2(from.parent, from.last, to.parent, to.last, flags) < 0 ? -errno : 0;
                }
        }
        pt_fs_target_release(&from);
        pt_fs_target_release(&to);
        pt_reply_result(c, r);
}
