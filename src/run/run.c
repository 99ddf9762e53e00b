/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's main thread: spawn, the handshake of sandbox/sync.h, then forward
 * signals until the tracer reports that everything in the sandbox is gone.
 */
#include "run/run.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/network.h"
#include "sandbox/landlock_plan.h"
#include "sandbox/sandbox.h"
#include "sandbox/sync.h"
#include "seccomp/filter.h"
#include "supervisor/backtrace.h"
#include "supervisor/supervisor.h"
#include "supervisor/tracer.h"
#include "util/cleanup.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define EXIT_SETUP 125

static const int forwarded[] = { SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGUSR1, SIGUSR2,
                                 SIGALRM, SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT };

/* EPERM in set-up is nearly always a missing capability, most often a container started
 * without --privileged: name what is missing from the effective set, so one line says what
 * to change. CAP_SYS_PTRACE because the sandbox's init is not dumpable; CAP_MKNOD for the
 * private /dev (podman's default set lacks it, Docker's has it). */
static void missing_caps(char *buf, size_t size)
{
        static const struct {
                int cap;
                const char *name;
        } needed[] = { { CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
                       { CAP_NET_ADMIN, "CAP_NET_ADMIN" },
                       { CAP_SYS_PTRACE, "CAP_SYS_PTRACE" },
                       { CAP_MKNOD, "CAP_MKNOD" } };
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[2] = { 0 };
        size_t n = 0;

        buf[0] = '\0';
        if (syscall(SYS_capget, &hdr, data) < 0)
                return;
        for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
                int c = needed[i].cap;
                if (!(data[c / 32].effective & (1u << (c % 32))) && n < size)
                        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", needed[i].name);
        }
}

#define CAP_HINT "in a container: --privileged, or --cap-add SYS_ADMIN,NET_ADMIN,SYS_PTRACE,MKNOD"

static int setup_failed(struct pt_log *log, const char *what, int err)
{
        char missing[80] = "";
        if (err == EPERM)
                missing_caps(missing, sizeof(missing));
        if (err == EPERM && missing[0])
                pt_log_message(log, "cannot set up the sandbox: %s: %s: podtrace lacks %s (" CAP_HINT ")", what,
                               strerror(err), missing);
        else if (err == EPERM)
                pt_log_message(log, "cannot set up the sandbox: %s: %s, with every capability it needs "
                               "(a seccomp profile or LSM refused it; in a container: --privileged)",
                               what, strerror(err));
        else
                pt_log_message(log, "cannot set up the sandbox: %s: %s", what, strerror(err));
        return EXIT_SETUP;
}

/* Receive the next handshake message, turning SETUP_FAILED into a clear line. */
static int expect(struct pt_log *log, int fd, enum pt_sync_msg want, struct pt_sync *m)
{
        int r = pt_sync_recv(fd, m);
        if (r < 0) {
                pt_log_message(log, "cannot set up the sandbox: it exited during set-up");
                return -EPIPE;
        }
        if (m->msg == PT_SYNC_SETUP_FAILED) {
                setup_failed(log, pt_setup_step_name(m->val), m->err);
                return -EIO;
        }
        if (m->msg != want) {
                pt_log_message(log, "cannot set up the sandbox: unexpected handshake message %u", m->msg);
                return -EPROTO;
        }
        return 0;
}

static int take_listener(pid_t worker, int fdnum)
{
        _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, worker, 0);
        if (pidfd < 0)
                return -errno;
        int fd = (int)syscall(SYS_pidfd_getfd, pidfd, fdnum, 0);
        return fd < 0 ? -errno : fd;
}

static int exit_status(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return EXIT_SETUP;
}

/*
 * The sandbox is a session of its own (init calls setsid), so a terminal's signals (^C, ^\,
 * ^Z, a resize) reach only podtrace: they go on to the worker's process group, as the
 * terminal would have sent them to the job natively. A signal sent to podtrace in person goes
 * to the worker alone. ^Z stops the worker's job, then podtrace itself; the SIGCONT of `fg`
 * wakes podtrace and is passed on.
 */
static void forward(pid_t worker, const struct signalfd_siginfo *si)
{
        int sig = (int)si->ssi_signo;
        bool from_tty = si->ssi_code == SI_KERNEL;
        bool job_stop = sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;

        if (from_tty || sig == SIGCONT) {
                if (kill(-worker, job_stop ? SIGTSTP : sig) < 0)
                        kill(worker, job_stop ? SIGTSTP : sig);
        } else {
                kill(worker, sig);
        }
        if (from_tty && job_stop)
                raise(SIGSTOP);
}

/* Until the tracer is done: pass signals on to the worker; end the run on an escape. */
static void supervise(struct pt_tracer *tr, int sigfd, int escape_efd, pid_t init_pid)
{
        struct pollfd pfd[3] = { { tr->done_efd, POLLIN, 0 }, { sigfd, POLLIN, 0 }, { escape_efd, POLLIN, 0 } };
        for (;;) {
                if (poll(pfd, 3, -1) < 0 && errno != EINTR)
                        return;
                if (pfd[0].revents)
                        return;
                if (pfd[2].revents) {
                        /* a notify thread met a thread the tracer does not know (notify.c) */
                        kill(init_pid, SIGKILL);
                        pfd[2].fd = -1;
                }
                if (pfd[1].revents) {
                        struct signalfd_siginfo si;
                        if (read(sigfd, &si, sizeof(si)) != sizeof(si))
                                continue;
                        pthread_mutex_lock(&tr->lock);
                        pid_t w = tr->worker_done ? 0 : tr->worker_pid;
                        pthread_mutex_unlock(&tr->lock);
                        if (w > 0)
                                forward(w, &si);
                }
        }
}

int pt_run(const struct pt_options *o, const struct pt_policy *p, const struct pt_program *prog,
           const struct pt_exec_rules *exec, const struct pt_identity *id, struct pt_run_ipc *ipc,
           struct pt_log *log)
{
        struct sock_fprog filter = { 0 };
        struct pt_landlock_plan plan;
        struct pt_clean_set clean_read = { 0 }, clean_write = { 0 };
        struct pt_sandbox sb = { .init_pid = -1, .sync_fd = -1 };
        struct pt_tracer tr;
        struct pt_sync m;
        char **envp = NULL, **worker_envp = NULL;
        struct pt_late_config *late = pt_late_config_new();
        struct pt_run_net net = { 0 };
        int r, code = EXIT_SETUP, exec_err = 0;
        bool tracing = false, spawned = false;
        _cleanup_close_ int sigfd = -1;
        static struct pt_supervisor sv;

        for (int i = 0; i < PT_NS_COUNT; i++)
                sv.nsfd[i] = -1;
        sv.uid = id->uid;
        sv.gid = id->gid;
        sv.escape_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (sv.escape_efd < 0)
                return setup_failed(log, "creating an eventfd", errno);

        r = pt_filter_build(&filter);
        if (r < 0)
                return setup_failed(log, "building the seccomp filter", -r);
        r = pt_landlock_plan(p, !o->no_landlock, &plan);
        if (r < 0) {
                free(filter.filter);
                return setup_failed(log, "planning Landlock rules", -r);
        }
        r = pt_env_build(p, environ, &envp);
        if (r == 0)
                r = pt_run_ipc_env(ipc, &envp);
        if (r == 0 && !late)
                r = -ENOMEM;
        /* the proxy variables are filled in once the veth exists (late config) */
        if (r == 0 && !(worker_envp = pt_env_with_proxy(envp, late)))
                r = -ENOMEM;
        if (r < 0) {
                code = setup_failed(log, "building the environment", -r);
                goto out;
        }

        /* Signals for the worker arrive through a signalfd; every thread blocks them. */
        sigset_t set;
        sigemptyset(&set);
        for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
                sigaddset(&set, forwarded[i]);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        sigfd = signalfd(-1, &set, SFD_CLOEXEC);

        struct pt_spawn_config cfg = {
                .exec_path = prog->exec_path,
                .argv = prog->argv,
                .envp = worker_envp,
                .late = late,
                .filter = &filter,
                .landlock = &plan,
                .uid = id->uid,
                .gid = id->gid,
                .pass_fd = ipc->fd >= 0,
                .pass_fd_from = ipc->fd,
                .pass_fd_to = PT_IPC_WORKER_FD,
        };
        struct pt_decision hd;
        pt_decide_sys(p, PT_SYS_HOSTNAME, &hd);
        cfg.hostname = hd.allow ? NULL : "podtrace";
        /* --learn records from here on: the set-up's own decisions (the environment, the
         * hostname) are made as the learned policy will make them */
        if (p->learn)
                p->learn->active = true;
        r = pt_sandbox_spawn(&cfg, &sb);
        pt_run_ipc_spawned(ipc); /* only the worker holds it now */
        if (r < 0) {
                code = setup_failed(log, "creating the namespaces", -r);
                goto out;
        }
        spawned = true;
        if (o->backtrace) { /* lives until exit: detached notify threads may still hold it */
                struct pt_backtrace_config bc = { .log = log, .quiet = o->quiet, .log_on_stderr = !o->log_file,
                                                  .json = o->log_format == PT_LOG_JSON };
                if (pt_backtrace_new(&bc, &sv.backtrace) < 0) {
                        code = setup_failed(log, "preparing --backtrace", ENOMEM);
                        goto out;
                }
        }
        r = pt_tracer_start(&tr, sb.init_pid, &sv, exec);
        if (r < 0) {
                code = setup_failed(log, "starting the tracer", -r);
                goto out;
        }
        tracing = true;
        r = pt_tracer_wait_seized(&tr);
        if (r < 0) {
                code = setup_failed(log, "tracing the sandbox's init", -r);
                goto out;
        }
        if (expect(log, sb.sync_fd, PT_SYNC_INIT_READY, &m) < 0)
                goto out;
        char neterr[200] = "";
        r = pt_run_net_up(sb.init_pid, p, log, o, late, &net, neterr, sizeof(neterr));
        if (r < 0) {
                code = setup_failed(log, neterr, -r);
                goto out;
        }
        sv.proxy = net.proxy;
        sv.proxy_cfg = &net.cfg;
        sv.net_plan = &net.plan;
        if (pt_sync_send(sb.sync_fd, PT_SYNC_GO, 0, 0) < 0)
                goto out;
        if (expect(log, sb.sync_fd, PT_SYNC_LANDLOCK_DONE, &m) < 0)
                goto out;
        if (m.val && pt_clean_sets_from_plan(&plan, m.bitmap, PT_SYNC_BITMAP_WORDS, &clean_read, &clean_write) < 0) {
                code = setup_failed(log, "recording the Landlock rules", ENOMEM);
                goto out;
        }
        if (expect(log, sb.sync_fd, PT_SYNC_LISTENER, &m) < 0)
                goto out;
        if (m.err)
                pt_log_message(log, "warning: this kernel lacks SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19): "
                                    "a signal may repeat an emulated call");
        if (m.err) /* the interrupt would end the wait: the call would be aborted and repeated */
                pt_backtrace_disable(sv.backtrace, "this kernel lacks SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        pid_t worker = pt_tracer_wait_worker(&tr);
        if (worker <= 0) {
                pt_log_message(log, "cannot set up the sandbox: the worker did not start");
                goto out;
        }
        sv.listener = take_listener(worker, m.val);
        if (sv.listener < 0) {
                code = setup_failed(log, "taking the seccomp listener", -sv.listener);
                goto out;
        }
        sv.policy = p;
        sv.log = log;
        sv.worker_pid = worker;
        sv.init_pid = sb.init_pid;
        sv.clean_read = m.val ? &clean_read : NULL;
        sv.clean_write = m.val ? &clean_write : NULL;
        sv.max_threads = 64;
        sv.max_waiters = 4096; /* blocked FIFO opens and the like, one thread each */
        if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sv.sizes) < 0) {
                code = setup_failed(log, "SECCOMP_GET_NOTIF_SIZES", errno);
                goto out;
        }
        /* Keep the wake-up on the worker's CPU (Linux 6.6); without it, just slower. */
        uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
        sv.sync_wakeup = ioctl(sv.listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) == 0;
        /* The worker's root in its own mount namespace: where its absolute paths start. */
        char rootpath[64];
        snprintf(rootpath, sizeof(rootpath), "/proc/%d/root", worker);
        sv.rootfd = open(rootpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
        static const char *const ns_names[PT_NS_COUNT] = { "net", "ipc", "uts" };
        for (int i = 0; i < PT_NS_COUNT; i++) {
                char nspath[64];
                snprintf(nspath, sizeof(nspath), "/proc/%d/ns/%s", worker, ns_names[i]);
                sv.nsfd[i] = open(nspath, O_RDONLY | O_CLOEXEC);
                if (sv.nsfd[i] < 0) {
                        code = setup_failed(log, "opening the worker's namespaces", errno);
                        goto out;
                }
        }
        if (sv.rootfd < 0 || fstat(sv.rootfd, &sv.root_st) < 0) {
                code = setup_failed(log, "opening the worker's root", errno);
                goto out;
        }
        r = pt_notify_start(&sv);
        if (r < 0) {
                code = setup_failed(log, "starting the notify threads", -r);
                goto out;
        }
        if (pt_sync_send(sb.sync_fd, PT_SYNC_LISTENER_TAKEN, 0, 0) < 0)
                goto out;
        /* EOF: the exec succeeded and closed the worker's end. */
        r = pt_sync_recv(sb.sync_fd, &m);
        if (r == 0 && m.msg == PT_SYNC_EXEC_FAILED)
                exec_err = m.err;

        supervise(&tr, sigfd, sv.escape_efd, sb.init_pid);
        pt_tracer_join(&tr);
        tracing = false;
        spawned = false; /* reaped: its pid may belong to someone else now */
        if (exec_err) {
                pt_log_message(log, "%s: %s", prog->exec_path, strerror(exec_err));
                code = exec_err == ENOENT ? 127 : 126;
        } else if (tr.worker_done) {
                code = exit_status(tr.worker_status);
        } else {
                pt_log_message(log, "the worker's exit status was lost");
                code = EXIT_SETUP;
        }
out:
        if (tracing) {
                /* set-up failed half-way: take the sandbox down */
                kill(sb.init_pid, SIGKILL);
                pt_tracer_join(&tr);
        } else if (spawned) {
                kill(sb.init_pid, SIGKILL);
                waitpid(sb.init_pid, NULL, __WALL);
        }
        if (sb.sync_fd >= 0)
                close(sb.sync_fd);
        free(filter.filter);
        free(clean_read.paths);
        free(clean_read.lens);
        free(clean_write.paths);
        free(clean_write.lens);
        pt_landlock_plan_free(&plan);
        pt_run_net_down(&net);
        pt_strv_free(envp);
        free(worker_envp);
        return code;
}
