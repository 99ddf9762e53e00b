/* SPDX-License-Identifier: MIT */
/*
 * execve and execveat: the run permission.
 *
 * An exec cannot be emulated: the supervisor decides on the resolved program and lets the
 * call through, which gives a clean, early EACCES for a denied program. The path is in worker
 * memory, so the real enforcement is at PTRACE_EVENT_EXEC (supervisor/tracer.c): the new
 * image has not run an instruction yet, and its /proc/PID/exe must be an allowed program
 * (st_dev, st_ino) — or else it is killed. For an allowed #! script, its #! line is recorded
 * here: that exec may become its interpreter, given exactly the arguments the kernel passes.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers/exec_handlers.h"
#include "handlers/fs_common.h"
#include "run/exec_rules.h"
#include "util/cleanup.h"

/* The #! line of the object we hold, with its interpreter as (dev, ino) in the worker's view. */
static int script_grant(struct pt_call *c, const struct pt_fs_target *t, struct pt_exec_grant *ret)
{
        char path[32];
        pt_fs_obj_path(t, path);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || !pt_shebang_parse(fd, &ret->sb))
                return 0;
        ret->script.dev = st.st_dev;
        ret->script.ino = st.st_ino;
        struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
        _cleanup_close_ int ifd = (int)syscall(SYS_openat2, c->sv->rootfd, ret->sb.interp + 1, &how, sizeof(how));
        if (ifd < 0 || fstat(ifd, &st) < 0)
                return 0;
        ret->interp.dev = st.st_dev;
        ret->interp.ino = st.st_ino;
        return 1;
}

void pt_handle_exec(struct pt_call *c)
{
        const __u64 *a = c->req->data.args;
        struct pt_fs_target t;
        int dirfd = AT_FDCWD, patharg = 0, flags = 0;

        if (c->row->variant == PT_EXEC_AT) {
                dirfd = pt_arg_fd(c, 0);
                patharg = 1;
                flags = (int)a[4];
                if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
                        pt_reply_error(c, EINVAL);
                        return;
                }
        }
        /* a new exec of this thread replaces whatever an earlier one left pending */
        pt_exec_pending_set(c->sv, c->req->pid, NULL);

        t.parent = t.obj = -1;
        int r = 0;
        if (a[patharg] == 0 && (flags & AT_EMPTY_PATH)) {
                c->str[0][0] = '\0';
        } else {
                r = pt_call_read_str(c, 0, patharg);
                if (r < 0) {
                        pt_reply_error(c, -r);
                        return;
                }
        }
        unsigned res = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PT_RES_FOLLOW;
        if (flags & AT_EMPTY_PATH)
                res |= PT_RES_EMPTY_PATH;
        int rr = pt_fs_resolve(c, dirfd, c->str[0], res, &t);
        if (pt_call_valid(c) < 0) {
                r = -ENOENT;
                goto out;
        }
        if (!t.decidable) {
                r = rr < 0 ? rr : -EINVAL;
                goto out;
        }
        if (rr < 0 || t.obj < 0) {
                /* Nothing there (a shell trying each PATH entry): answer like a probe, so a
                 * missing program is ENOENT where the path may be looked at, EACCES elsewhere. */
                struct pt_decision d;
                pt_decide_probe(c->sv->policy, t.canon, &d);
                c->no_notice = true;
                r = pt_call_record(c, &d, t.canon) ? (rr < 0 ? rr : -ENOENT) : -EACCES;
                goto out;
        }
        const char *name = strrchr(c->str[0], '/');
        name = name ? name + 1 : c->str[0];
        struct pt_decision d;
        pt_decide_run(c->sv->policy, t.canon, name, &d);
        if (!pt_call_record(c, &d, t.canon)) {
                r = -EACCES;
                goto out;
        }
        struct pt_exec_grant grant;
        if (script_grant(c, &t, &grant))
                pt_exec_pending_set(c->sv, c->req->pid, &grant);
        pt_fs_target_release(&t);
        pt_reply_continue(c);
        return;
out:
        pt_fs_target_release(&t);
        pt_reply_error(c, -r);
}
