/* SPDX-License-Identifier: MIT */
/*
 * The worker, between fork and exec: lose every privilege, then hand the supervisor the
 * seccomp listener and exec. Order matters: capabilities go first (while we may still
 * change securebits), then NO_NEW_PRIVS (which Landlock and an unprivileged seccomp filter
 * require), then Landlock, then the filter last so that nothing above is notified.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/identity.h"
#include "sandbox/sandbox.h"
#include "sandbox/sync.h"
#include "seccomp/filter.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static void __attribute__((noreturn)) fail(int sync_fd, int step, int err)
{
        pt_sync_send(sync_fd, PT_SYNC_SETUP_FAILED, step, err);
        _exit(125);
}

void pt_worker_main(const struct pt_spawn_config *cfg, int sync_fd)
{
        struct pt_sync m;
        bool killable;
        int r;

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* Its own process group in init's session: a terminal's signals, which podtrace
         * forwards, reach the worker's job as they would natively, and kill(0, ...) from
         * inside reaches only that job. */
        setpgid(0, 0);
        /* Signals init blocked or ignored must not leak into the worker. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int s = 1; s < NSIG; s++)
                signal(s, SIG_DFL);
        /* Only 0-2 (and the --ipc channel) survive the exec: podtrace's and its caller's
         * other fds close. */
        int first = 3;
        if (cfg->pass_fd) {
                if (sync_fd == cfg->pass_fd_to) {
                        sync_fd = fcntl(sync_fd, F_DUPFD_CLOEXEC, cfg->pass_fd_to + 1);
                        if (sync_fd < 0)
                                _exit(125);
                }
                if (cfg->pass_fd_from == cfg->pass_fd_to) {
                        if (fcntl(cfg->pass_fd_to, F_SETFD, 0) < 0)
                                fail(sync_fd, PT_STEP_FDS, errno);
                } else if (dup2(cfg->pass_fd_from, cfg->pass_fd_to) < 0) {
                        fail(sync_fd, PT_STEP_FDS, errno);
                }
                first = cfg->pass_fd_to + 1;
        }
        if (syscall(SYS_close_range, (unsigned)first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
                for (int fd = first; fd < 65536; fd++)
                        if (fd != sync_fd)
                                close(fd);
        }

        struct pt_identity id = { cfg->uid, cfg->gid };
        r = pt_caps_drop_all(&id);
        if (r < 0)
                fail(sync_fd, PT_STEP_IDENTITY, -r);
        /* init is not dumpable (nothing may inspect it); the worker must be, or the
         * supervisor's threads, acting as the same identity, could not read its memory or
         * /proc. After the identity: a credential change resets the flag. */
        prctl(PR_SET_DUMPABLE, 1);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                fail(sync_fd, PT_STEP_NO_NEW_PRIVS, errno);

        memset(&m, 0, sizeof(m));
        m.msg = PT_SYNC_LANDLOCK_DONE;
        if (cfg->landlock && cfg->landlock->abi > 0) {
                r = pt_landlock_apply(cfg->landlock, m.bitmap, PT_SYNC_BITMAP_WORDS);
                if (r < 0)
                        fail(sync_fd, PT_STEP_LANDLOCK, -r);
                m.val = cfg->landlock->handled != 0; /* 0: scoping only, no fast path */
        }
        if (pt_sync_send_msg(sync_fd, &m) < 0)
                _exit(125);

        int listener = pt_filter_install(cfg->filter, &killable);
        if (listener < 0)
                fail(sync_fd, PT_STEP_SECCOMP, -listener);
        /* From here on every notified syscall waits for the supervisor. */
        if (pt_sync_send(sync_fd, PT_SYNC_LISTENER, listener, killable ? 0 : 1) < 0)
                _exit(125);
        if (pt_sync_recv(sync_fd, &m) < 0 || m.msg != PT_SYNC_LISTENER_TAKEN)
                _exit(125);
        close(listener);

        execve(cfg->exec_path, cfg->argv, cfg->envp);
        int e = errno;
        pt_sync_send(sync_fd, PT_SYNC_EXEC_FAILED, 0, e);
        _exit(e == ENOENT ? 127 : 126);
}
