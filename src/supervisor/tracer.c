/* SPDX-License-Identifier: MIT */
#include "supervisor/tracer.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supervisor/backtrace.h"
#include "supervisor/exec_check.h"
#include "supervisor/supervisor.h"
#include "supervisor/target.h"

#define TRACE_OPTIONS                                                                                   \
        (PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |           \
         PTRACE_O_TRACEEXEC)

static bool is_stop_signal(int sig)
{
        return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void handle_stop(struct pt_tracer *t, pid_t pid, int status)
{
        int sig = WSTOPSIG(status);
        int event = (unsigned)status >> 16;

        switch (event) {
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK:
        case PTRACE_EVENT_CLONE: {
                unsigned long child = 0;
                ptrace(PTRACE_GETEVENTMSG, pid, 0, &child);
                if (child) {
                        pt_target_track((pid_t)child);
                        if (pid == t->init_pid) {
                                pthread_mutex_lock(&t->lock);
                                if (!t->worker_pid)
                                        t->worker_pid = (pid_t)child;
                                pthread_cond_broadcast(&t->cond);
                                pthread_mutex_unlock(&t->lock);
                        }
                }
                ptrace(PTRACE_CONT, pid, 0, 0);
                return;
        }
        case PTRACE_EVENT_EXEC: {
                unsigned long former = 0;
                ptrace(PTRACE_GETEVENTMSG, pid, 0, &former);
                if (former && (pid_t)former != pid)
                        pt_target_forget((pid_t)former); /* the exec'ing thread took the leader's pid */
                if (t->exec && !pt_exec_check(t->sv, t->exec, pid, former ? (pid_t)former : pid))
                        return; /* killed before its first instruction */
                ptrace(PTRACE_CONT, pid, 0, 0);
                return;
        }
        case PTRACE_EVENT_STOP:
                if (is_stop_signal(sig)) {
                        /* group-stop: stay stopped, but keep reporting (SIGCONT) */
                        ptrace(PTRACE_LISTEN, pid, 0, 0);
                } else {
                        /* a new tracee's first stop: it has not run yet */
                        pt_target_track(pid);
                        ptrace(PTRACE_CONT, pid, 0, 0);
                }
                return;
        case 0:
                /* signal-delivery-stop: deliver it */
                ptrace(PTRACE_CONT, pid, 0, (void *)(uintptr_t)sig);
                return;
        default:
                ptrace(PTRACE_CONT, pid, 0, 0);
        }
}

static void *tracer_main(void *arg)
{
        struct pt_tracer *t = arg;
        sigset_t all;

        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        struct pt_backtrace *bt = t->sv ? t->sv->backtrace : NULL; /* --backtrace */
        if (bt)
                pt_backtrace_tracer_start(bt);

        int r = ptrace(PTRACE_SEIZE, t->init_pid, 0, (void *)(uintptr_t)TRACE_OPTIONS) < 0 ? -errno : 0;
        pthread_mutex_lock(&t->lock);
        t->seized = r == 0;
        t->seize_err = r;
        pthread_cond_broadcast(&t->cond);
        pthread_mutex_unlock(&t->lock);

        for (;;) {
                int status;
                if (bt)
                        pt_backtrace_tracer_service(bt);
                pid_t pid = waitpid(-1, &status, __WALL);
                if (pid < 0) {
                        if (errno == EINTR)
                                continue;
                        break; /* ECHILD: nobody left */
                }
                if (WIFEXITED(status) || WIFSIGNALED(status)) {
                        pt_target_forget(pid);
                        if (bt)
                                pt_backtrace_tracer_gone(bt, pid);
                        pthread_mutex_lock(&t->lock);
                        if (pid == t->worker_pid && !t->worker_done) {
                                t->worker_done = true;
                                t->worker_status = status;
                        }
                        pthread_cond_broadcast(&t->cond);
                        pthread_mutex_unlock(&t->lock);
                        continue;
                }
                if (WIFSTOPPED(status) && !(bt && pt_backtrace_tracer_stopped(bt, pid, status)))
                        handle_stop(t, pid, status);
        }
        if (bt)
                pt_backtrace_tracer_done(bt);
        pthread_mutex_lock(&t->lock);
        t->done = true;
        pthread_cond_broadcast(&t->cond);
        pthread_mutex_unlock(&t->lock);
        uint64_t one = 1;
        if (write(t->done_efd, &one, sizeof(one)) < 0) {
                /* the main loop also polls `done` under the lock */
        }
        return NULL;
}

int pt_tracer_start(struct pt_tracer *t, pid_t init_pid, struct pt_supervisor *sv,
                    const struct pt_exec_rules *exec)
{
        memset(t, 0, sizeof(*t));
        t->init_pid = init_pid;
        t->sv = sv;
        t->exec = exec;
        pthread_mutex_init(&t->lock, NULL);
        pthread_cond_init(&t->cond, NULL);
        t->done_efd = eventfd(0, EFD_CLOEXEC);
        if (t->done_efd < 0)
                return -errno;
        int r = pthread_create(&t->thread, NULL, tracer_main, t);
        return -r;
}

int pt_tracer_wait_seized(struct pt_tracer *t)
{
        pthread_mutex_lock(&t->lock);
        while (!t->seized && !t->seize_err)
                pthread_cond_wait(&t->cond, &t->lock);
        int r = t->seize_err;
        pthread_mutex_unlock(&t->lock);
        return r;
}

pid_t pt_tracer_wait_worker(struct pt_tracer *t)
{
        pthread_mutex_lock(&t->lock);
        while (!t->worker_pid && !t->done)
                pthread_cond_wait(&t->cond, &t->lock);
        pid_t p = t->worker_pid;
        pthread_mutex_unlock(&t->lock);
        return p;
}

void pt_tracer_join(struct pt_tracer *t)
{
        pthread_join(t->thread, NULL);
        close(t->done_efd);
}
