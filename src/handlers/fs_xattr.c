/* SPDX-License-Identifier: MIT */
/*
 * Extended attributes: get/list are reads, set/remove are writes (path, l-path and fd
 * forms). Emulated on the pinned object through /proc/self/fd/N; the name and value are
 * copied out of the worker once and only the copies are used.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <stdlib.h>
#include <sys/xattr.h>

#include "handlers/fs_common.h"
#include "handlers/fs_handlers.h"
#include "util/cleanup.h"

void pt_handle_xattr(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t = { .parent = -1, .obj = -1 };
        _cleanup_free_ char *value = NULL;
        int v = c->row->variant, r;
        bool fd_form = v == PT_XATTR_FSET || v == PT_XATTR_FREMOVE;
        bool write = v >= PT_XATTR_SET;
        bool follow = v == PT_XATTR_GET || v == PT_XATTR_LIST || v == PT_XATTR_SET || v == PT_XATTR_REMOVE;
        bool list = v == PT_XATTR_LIST || v == PT_XATTR_LLIST;
        bool get = v == PT_XATTR_GET || v == PT_XATTR_LGET;
        bool remove = v == PT_XATTR_REMOVE || v == PT_XATTR_LREMOVE || v == PT_XATTR_FREMOVE;
        uint64_t size = 0;
        char name[XATTR_NAME_MAX + 1] = "";

        if (!list) {
                r = pt_target_read_string(c->req->pid, a[1], name, sizeof(name));
                if (r < 0) {
                        pt_reply_error(c, r == -ENAMETOOLONG ? ERANGE : -r);
                        return;
                }
        }
        if (!remove)
                size = list ? a[2] : a[3];
        if (size > XATTR_SIZE_MAX)
                size = XATTR_SIZE_MAX;
        if (size) {
                value = malloc(size);
                if (!value) {
                        pt_reply_error(c, ENOMEM);
                        return;
                }
        }
        if (write && !remove) {
                r = pt_target_read(c->req->pid, a[2], value, size);
                if (r < 0) {
                        pt_reply_error(c, -r);
                        return;
                }
        }

        unsigned need = write ? PT_NEED_WRITE : PT_NEED_READ;
        if (fd_form)
                r = pt_fs_prepare_fd(c, pt_arg_fd(c, 0), need, &t);
        else
                r = pt_fs_prepare(c, 0, AT_FDCWD, 0, follow ? PT_RES_FOLLOW : 0, need, &t);
        if (r == 0 && t.obj < 0)
                r = -ENOENT;
        if (r == 0) {
                char path[32];
                ssize_t n;
                pt_fs_obj_path(&t, path);
                if (list)
                        n = listxattr(path, value, size);
                else if (get)
                        n = getxattr(path, name, value, size);
                else if (remove)
                        n = removexattr(path, name);
                else
                        n = setxattr(path, name, value, size, (int)a[4]);
                r = n < 0 ? -errno : (int)n;
                if (r > 0 && (list || get) && size) {
                        int w = pt_fs_copy_out(c, list ? a[1] : a[2], value, (size_t)r);
                        if (w < 0)
                                r = w;
                }
        }
        pt_fs_target_release(&t);
        pt_reply_result(c, r);
}
