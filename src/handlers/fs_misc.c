/* SPDX-License-Identifier: MIT */
/* inotify_add_watch and chdir. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "handlers/fs_common.h"
#include "handlers/fs_handlers.h"
#include "util/cleanup.h"

void pt_handle_inotify(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        uint32_t mask = (uint32_t)a[2];

        int r = pt_fs_prepare(c, 0, AT_FDCWD, 1, (mask & IN_DONT_FOLLOW) ? PT_RES_PARENT : PT_RES_FOLLOW, PT_NEED_READ, &t);
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0)
                r = pt_fs_target_stat(&t);
        if (r == 0) {
                _cleanup_close_ int ifd = pt_target_take_fd(c->req->pid, pt_arg_fd(c, 0));
                char path[32 + NAME_MAX];
                if (ifd < 0) {
                        r = ifd;
                } else {
                        if (S_ISLNK(t.st.st_mode) && t.parent >= 0)
                                snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", t.parent, t.last);
                        else {
                                pt_fs_obj_path(&t, path);
                                mask &= ~(uint32_t)IN_DONT_FOLLOW;
                        }
                        r = inotify_add_watch(ifd, path, mask);
                        if (r < 0)
                                r = -errno;
                }
        }
        pt_fs_target_release(&t);
        pt_reply_result(c, r);
}

/*
 * chdir cannot be emulated: only the worker can change its own cwd. It is decided on the
 * resolved path and then let through. A thread racing the path string can at most make the
 * worker's cwd a directory it may not read; every later access through that cwd is resolved
 * and decided again on its canonical path, so what leaks is whether that directory exists
 * (docs/architecture.md).
 */
void pt_handle_chdir(struct pt_call *c)
{
        struct pt_fs_target t;
        int r = pt_fs_prepare(c, 0, AT_FDCWD, 0, PT_RES_FOLLOW, PT_NEED_READ, &t);
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0)
                r = pt_fs_target_stat(&t);
        if (r == 0 && !S_ISDIR(t.st.st_mode))
                r = -ENOTDIR;
        pt_fs_target_release(&t);
        if (r < 0)
                pt_reply_error(c, -r);
        else
                pt_reply_continue(c);
}
