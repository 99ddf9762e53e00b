/* SPDX-License-Identifier: MIT */
/*
 * pid 1 of the sandbox. It builds the worker's view (private /proc with /proc/sys
 * read-only, a minimal /dev, lo up), waits until the supervisor traces it, forks the worker,
 * then only reaps. It installs no signal handlers: signals from inside the namespace to its
 * init are then dropped by the kernel, so the worker cannot kill it. The supervisor signals
 * the worker directly. When the worker exits, init exits and the kernel kills whatever is
 * left in the namespace.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/netplan.h"
#include "sandbox/sandbox.h"
#include "sandbox/sync.h"

extern char **environ;

static void __attribute__((noreturn)) fail(int sync_fd, int step, int err)
{
        pt_sync_send(sync_fd, PT_SYNC_SETUP_FAILED, step, err);
        _exit(125);
}

/* init's memory still holds podtrace's environment (POD_* included): wipe it, so that
 * /proc/1/environ has nothing to show even where a policy allows reading it. */
static void wipe_environment(void)
{
        for (char **e = environ; e && *e; e++)
                memset(*e, 0, strlen(*e));
        environ = NULL;
}

void pt_init_main(const struct pt_spawn_config *cfg, int sync_fd)
{
        struct pt_sync m;
        int r;

        /* The supervisor dying (even SIGKILLed) takes the namespace with it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* A session of its own: nothing inside shares podtrace's process group or session, so
         * kill(0, ...) or a signal to a process group reaches nothing outside, and the
         * terminal is not the sandbox's controlling terminal (podtrace forwards ^C). */
        if (setsid() < 0)
                fail(sync_fd, PT_STEP_SESSION, errno);
        /* Nothing in the sandbox may inspect init through /proc/1. */
        prctl(PR_SET_DUMPABLE, 0);

        r = pt_mounts_setup();
        if (r < 0)
                fail(sync_fd, PT_STEP_MOUNTS, -r);
        r = pt_dev_setup();
        if (r < 0)
                fail(sync_fd, PT_STEP_DEV, -r);
        r = pt_loopback_up();
        if (r < 0)
                fail(sync_fd, PT_STEP_LOOPBACK, -r);
        /* sys hostname: a neutral name in the sandbox's own UTS namespace unless allowed */
        if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
                fail(sync_fd, PT_STEP_MOUNTS, errno);

        if (pt_sync_send(sync_fd, PT_SYNC_INIT_READY, 0, 0) < 0)
                _exit(125);
        /* EOF here means the supervisor is gone. */
        if (pt_sync_recv(sync_fd, &m) < 0 || m.msg != PT_SYNC_GO)
                _exit(125);

        /* The veth pair exists now (GO): configure our side of it. */
        if (cfg->late && cfg->late->net_index >= 0) {
                struct pt_netplan plan;
                pt_netplan_for_index((unsigned)cfg->late->net_index, &plan);
                r = pt_veth_configure_inside(&plan);
                if (r < 0)
                        fail(sync_fd, PT_STEP_NET, -r);
        }
        pid_t worker = fork();
        if (worker < 0)
                fail(sync_fd, PT_STEP_FORK, errno);
        if (worker == 0)
                pt_worker_main(cfg, sync_fd);
        close(sync_fd);
        if (cfg->pass_fd)
                close(cfg->pass_fd_from); /* the worker's alone: its death must close the description */
        wipe_environment();
        pt_caps_drop_all(NULL);

        for (;;) {
                int status;
                pid_t p = waitpid(-1, &status, __WALL);
                if (p < 0) {
                        if (errno == EINTR)
                                continue;
                        _exit(125);
                }
                if (p != worker)
                        continue;
                if (WIFEXITED(status))
                        _exit(WEXITSTATUS(status));
                if (WIFSIGNALED(status))
                        _exit(128 + WTERMSIG(status));
        }
}
