/* SPDX-License-Identifier: MIT */
/*
 * open, openat, creat, openat2.
 *
 * Allowed opens are performed here, on the pinned parent directory, and the new file is
 * installed in the worker with SECCOMP_IOCTL_NOTIF_ADDFD. The one exception is a plain
 * read-only open under a subtree that Landlock enforces in the kernel with exactly the
 * policy's answer (no deny rule inside it): there a plain CONTINUE is race-free, because
 * whatever the worker rewrites the path to, the kernel itself refuses anything outside those
 * subtrees (docs/architecture.md, "the Landlock fast path").
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers/fs_common.h"
#include "handlers/fs_handlers.h"
#include "log/log.h"

/* O_TMPFILE is this bit plus O_DIRECTORY: test the bit alone, or every directory open
 * would look like a temporary file. */
#define TMPFILE_BIT 020000000

static unsigned open_needs(uint64_t flags)
{
        if (flags & O_PATH)
                return PT_NEED_READ; /* an existence/metadata probe */
        unsigned need = 0;
        switch (flags & O_ACCMODE) {
        case O_RDONLY:
                need = PT_NEED_READ;
                break;
        case O_WRONLY:
                need = PT_NEED_WRITE;
                break;
        default:
                need = PT_NEED_READ | PT_NEED_WRITE;
        }
        if (flags & (O_CREAT | O_TRUNC | TMPFILE_BIT))
                need |= PT_NEED_WRITE;
        return need;
}

/*
 * CONTINUE is race-free only where Landlock enforces the same answer for whatever object the
 * kernel ends up opening: every right this open needs must be one the worker holds exactly
 * in the policy's clean subtrees (sandbox/landlock.c). Creating needs MAKE_REG on the parent
 * directory, which Landlock grants only strictly inside a subtree.
 */
static bool can_continue(const struct pt_call *c, const struct pt_fs_target *t, uint64_t flags, uint64_t mode)
{
        if (c->row->variant == PT_OPEN_AT2)
                return false; /* openat2's flags live in worker memory */
        if ((flags & (O_CREAT | TMPFILE_BIT)) && pt_fs_mode_has_setid(mode))
                return false; /* the kernel would create it with the bits: emulate, without them */
        if (pt_log_wants_calls(c->sv->log))
                return false; /* a logged open shows its result: emulate it */
        if (flags & (O_PATH | TMPFILE_BIT))
                return false; /* O_PATH opens are not checked by Landlock at all */
        unsigned need = open_needs(flags);
        if ((need & PT_NEED_READ) && !pt_clean_covers(c->sv->clean_read, t->canon))
                return false;
        if (need & PT_NEED_WRITE) {
                if (flags & O_CREAT)
                        return pt_clean_covers_strictly(c->sv->clean_write, t->canon);
                return pt_clean_covers(c->sv->clean_write, t->canon);
        }
        return true;
}

/*
 * An O_PATH open. SECCOMP_IOCTL_NOTIF_ADDFD cannot transfer O_PATH files (the kernel's
 * fget() skips them), and a plain reply would let a racing thread choose the object. The
 * decision for O_PATH is read permission, so the worker gets the same object opened for
 * reading instead: it works as a dirfd, for fstat, fchdir and /proc/self/fd reopening like
 * the O_PATH fd would. Where that would have side effects or is impossible (symlinks, FIFOs,
 * devices, files the worker may not read), the open is refused: docs/policy.md.
 */
static int open_path_substitute(struct pt_fs_target *t)
{
        if (!S_ISREG(t->st.st_mode) && !S_ISDIR(t->st.st_mode))
                return -EACCES;
        char path[32];
        pt_fs_obj_path(t, path);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (S_ISDIR(t->st.st_mode) ? O_DIRECTORY : 0));
        return fd < 0 ? -errno : fd;
}

static int do_open(struct pt_call *c, struct pt_fs_target *t, uint64_t flags, uint64_t mode)
{
        /* Our copy is always close-on-exec; the worker's comes from ADDFD's newfd_flags. O_NOCTTY
         * keeps a terminal from becoming the supervisor's controlling tty. */
        uint64_t f = (flags & ~(uint64_t)O_CLOEXEC) | O_CLOEXEC | O_NOCTTY;
        int fd;

        if (t->parent >= 0 && !(flags & O_PATH)) {
                struct open_how how = {
                        .flags = f,
                        .mode = (flags & (O_CREAT | TMPFILE_BIT)) ? pt_fs_no_setid(mode) : 0,
                        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
                };
                mode_t old = 0;
                bool masked = false;
                if (flags & (O_CREAT | TMPFILE_BIT)) {
                        int r = pt_fs_with_umask(c, &old);
                        if (r < 0)
                                return r;
                        masked = true;
                }
                fd = (int)syscall(SYS_openat2, t->parent, t->last, &how, sizeof(how));
                int e = errno;
                if (masked)
                        pt_fs_restore_umask(old);
                return fd < 0 ? -e : fd;
        }
        /* The object we hold (the fast path, or a magic link): reopen that very object. */
        if (t->obj < 0)
                return -ENOENT;
        if (flags & (O_PATH | O_NOFOLLOW)) {
                int r = pt_fs_target_stat(t);
                if (r < 0)
                        return r;
                if ((flags & O_DIRECTORY) && !S_ISDIR(t->st.st_mode))
                        return -ENOTDIR;
                if (flags & O_PATH)
                        return open_path_substitute(t);
                if (S_ISLNK(t->st.st_mode))
                        return -ELOOP;
        }
        char path[32];
        pt_fs_obj_path(t, path);
        fd = open(path, (int)(f & ~(uint64_t)(O_CREAT | O_EXCL | TMPFILE_BIT | O_NOFOLLOW)), 0);
        return fd < 0 ? -errno : fd;
}

/* Opening a FIFO without O_NONBLOCK waits until the other end is opened: as long as the
 * worker likes. Such an open finishes on a waiter thread (notify.c), not a receiver. */
static bool opens_blocking(struct pt_fs_target *t, uint64_t flags)
{
        if (flags & (O_NONBLOCK | O_PATH) || t->obj < 0)
                return false;
        return pt_fs_target_stat(t) == 0 && S_ISFIFO(t->st.st_mode);
}

struct deferred_open {
        struct pt_fs_target t;
        uint64_t flags, mode;
};

static void finish_deferred_open(struct pt_call *c, void *arg, bool run)
{
        struct deferred_open *d = arg;
        int fd = run ? do_open(c, &d->t, d->flags, d->mode) : -ENFILE;
        pt_fs_target_release(&d->t);
        if (fd < 0)
                pt_reply_error(c, -fd);
        else
                pt_reply_fd(c, fd, d->flags & O_CLOEXEC);
        free(d);
}

void pt_handle_open(struct pt_call *c)
{
        int dirfd = AT_FDCWD, patharg = 0;
        uint64_t flags = 0, mode = 0;
        struct pt_fs_target t;

        switch (c->row->variant) {
        case PT_OPEN_PLAIN:
                flags = c->req->data.args[1];
                mode = c->req->data.args[2];
                break;
        case PT_OPEN_CREAT:
                flags = O_CREAT | O_WRONLY | O_TRUNC;
                mode = c->req->data.args[1];
                break;
        case PT_OPEN_AT:
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                flags = c->req->data.args[2];
                mode = c->req->data.args[3];
                break;
        case PT_OPEN_AT2: {
                struct open_how how;
                uint64_t size = c->req->data.args[3];
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                if (size < sizeof(how)) {
                        pt_reply_error(c, EINVAL);
                        return;
                }
                if (size > 4096) {
                        pt_reply_error(c, E2BIG);
                        return;
                }
                unsigned char buf[4096];
                int r = pt_target_read(c->req->pid, c->req->data.args[2], buf, size);
                if (r < 0) {
                        pt_reply_error(c, -r);
                        return;
                }
                for (size_t i = sizeof(how); i < size; i++)
                        if (buf[i]) {
                                pt_reply_error(c, E2BIG);
                                return;
                        }
                memcpy(&how, buf, sizeof(how));
                if (how.resolve) {
                        /* RESOLVE_* scoping is not emulated: callers fall back to openat. */
                        pt_reply_error(c, ENOSYS);
                        return;
                }
                flags = how.flags;
                mode = how.mode;
                if (flags >> 32) {
                        pt_reply_error(c, EINVAL);
                        return;
                }
                break;
        }
        }
        flags &= 0xffffffffu;

        bool follow = !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
        unsigned res = (follow ? PT_RES_FOLLOW : 0) | PT_RES_CONTENT;
        if (flags & (O_CREAT | TMPFILE_BIT))
                res |= PT_RES_PARENT; /* the name may not exist yet: act on its directory */
        int r = pt_fs_prepare(c, 0, dirfd, patharg, res, open_needs(flags), &t);
        if (r < 0) {
                pt_fs_target_release(&t);
                pt_reply_error(c, -r);
                return;
        }
        if (can_continue(c, &t, flags, mode)) {
                pt_fs_target_release(&t);
                pt_reply_continue(c);
                return;
        }
        if (opens_blocking(&t, flags)) {
                struct deferred_open *d = malloc(sizeof(*d));
                if (d) {
                        d->t = t; /* the fds go with it */
                        d->flags = flags;
                        d->mode = mode;
                        pt_reply_defer(c, finish_deferred_open, d);
                        return;
                }
        }
        int fd = do_open(c, &t, flags, mode);
        pt_fs_target_release(&t);
        if (fd < 0)
                pt_reply_error(c, -fd);
        else
                pt_reply_fd(c, fd, flags & O_CLOEXEC);
}
