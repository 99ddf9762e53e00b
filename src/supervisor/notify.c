/* SPDX-License-Identifier: MIT */
/*
 * The notify pool. Normally exactly one thread waits in SECCOMP_IOCTL_NOTIF_RECV and
 * handles what it receives inline: the kernel wakes *every* waiter of the listener for each
 * notification (a non-exclusive wait queue), so N waiting threads would cost N wake-ups a
 * syscall, and handing the receiver role over would cost a futex wake-up a syscall. A
 * watchdog looks every 10 ms: when every thread has been busy since the last look (a
 * blocking emulation: a FIFO open, a slow filesystem), it adds a thread, up to a cap. A
 * thread that finishes while another is already idle leaves, so the pool shrinks back.
 *
 * Each thread acts for the worker: it unshares its fs context (umask, cwd), takes the worker's
 * identity and drops every capability, so its emulated opens get exactly the worker's DAC
 * answer and never the supervisor's CAP_DAC_OVERRIDE. (It can therefore not signal init: an
 * escape is reported to the main thread through escape_efd.)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "handlers/call.h"
#include "log/log.h"
#include "sandbox/identity.h"
#include "seccomp/nr.h"
#include "supervisor/backtrace.h"
#include "supervisor/supervisor.h"

#define NOTIFY_STACK (256 * 1024)

static int drop_thread_privileges(const struct pt_supervisor *sv)
{
        if (unshare(CLONE_FS) < 0)
                return -errno;
        /*
         * Some /proc files show the namespaces of whoever opens them, not of the /proc mount
         * (/proc/sys/net, /proc/sysvipc, /proc/sys/kernel/{hostname,shm*}, mqueue limits):
         * opened by the supervisor they would show the host's. Emulate from the worker's
         * network, IPC and UTS namespaces (per-thread; needs CAP_SYS_ADMIN, dropped below).
         */
        for (int i = 0; i < PT_NS_COUNT; i++)
                if (sv->nsfd[i] >= 0 && setns(sv->nsfd[i], 0) < 0)
                        return -errno;
        /*
         * Then the worker's identity (design 1.8), so emulated calls get its DAC answers and
         * files it creates are its own; the same real uid also lets this thread read its
         * memory (process_vm_readv) and take its fds (pidfd_getfd) without CAP_SYS_PTRACE.
         */
        struct pt_identity id = { sv->uid, sv->gid };
        int r = pt_identity_take_thread(&id);
        if (r < 0)
                return r;
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[2];
        memset(data, 0, sizeof(data));
        /* Raw capset acts on this thread only (libcap's psx would broadcast it). */
        if (syscall(SYS_capset, &hdr, data) < 0)
                return -errno;
        return 0;
}

static void send_reply(struct pt_supervisor *sv, struct pt_call *c, struct seccomp_notif_resp *resp)
{
        memset(resp, 0, sv->sizes.seccomp_notif_resp);
        resp->id = c->req->id;
        switch (c->reply) {
        case PT_REPLY_FD: {
                /*
                 * ADDFD without SECCOMP_ADDFD_FLAG_SEND, then a plain reply: ADDFD|SEND wakes the
                 * worker with a plain completion (often on the other CPU: ~70 us here), while
                 * the reply below takes the SYNC_WAKE_UP path (~15 us). Not atomic: if the
                 * worker dies in between, the fd lands in a dying process, which is harmless;
                 * its other threads could see the fd a moment early, which is their own file.
                 */
                struct seccomp_notif_addfd addfd = {
                        .id = c->req->id,
                        .flags = 0,
                        .srcfd = (uint32_t)c->fd,
                        .newfd = 0,
                        .newfd_flags = c->fd_cloexec ? O_CLOEXEC : 0,
                };
                int fd = ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
                int e = errno;
                close(c->fd);
                if (fd >= 0) {
                        c->val = fd;
                        resp->val = fd;
                        break;
                }
                if (e == ENOENT)
                        return; /* the worker thread is gone */
                c->reply = PT_REPLY_ERROR;
                c->err = e;
                resp->error = -e;
                break;
        }
        case PT_REPLY_VALUE:
                resp->val = c->val;
                break;
        case PT_REPLY_CONTINUE:
                resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
                break;
        case PT_REPLY_ERROR:
                resp->error = -c->err;
                break;
        default:
                /* A handler that set no reply: fail closed. */
                c->reply = PT_REPLY_ERROR;
                c->err = ENOSYS;
                resp->error = -ENOSYS;
        }
        if (ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT) {
                pt_log_message(sv->log, "replying to a notification failed: %s", strerror(errno));
        }
}

static void *notify_thread(void *arg);

static int spawn_thread(struct pt_supervisor *sv, void *(*fn)(void *))
{
        pthread_attr_t attr;
        pthread_t t;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, NOTIFY_STACK);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int r = pthread_create(&t, &attr, fn, sv);
        pthread_attr_destroy(&attr);
        return -r;
}

static void add_notify_thread(struct pt_supervisor *sv)
{
        atomic_fetch_add(&sv->nthreads, 1);
        if (spawn_thread(sv, notify_thread) < 0)
                atomic_fetch_sub(&sv->nthreads, 1);
}

static void *watchdog_thread(void *arg)
{
        struct pt_supervisor *sv = arg;
        unsigned long last = atomic_load(&sv->handled);
        sigset_t all;

        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        while (!atomic_load(&sv->stopping)) {
                struct timespec ts = { 0, 10 * 1000 * 1000 };
                nanosleep(&ts, NULL);
                unsigned long now = atomic_load(&sv->handled);
                int n = atomic_load(&sv->nthreads), busy = atomic_load(&sv->busy);
                if (busy >= n && now == last && n < sv->max_threads)
                        add_notify_thread(sv);
                last = now;
        }
        return NULL;
}

/*
 * Waiters: a decided call whose action may block (PT_REPLY_DEFER) is finished on a thread of
 * its own, made like a receiver (namespaces, identity, no capabilities), which replies and logs
 * and goes away (it is made by the receiver, whose namespaces and identity it inherits). Each
 * one stands for a worker thread blocked in that call, so they are as many
 * as the worker makes them; max_waiters bounds them (then the call fails with ENFILE, said
 * once). The receivers never wait for the worker.
 */
struct waiter {
        struct pt_supervisor *sv;
        struct seccomp_notif_resp *resp; /* inside buf, after the request */
        struct pt_call c;
        _Alignas(8) unsigned char buf[]; /* sizes.seccomp_notif + sizes.seccomp_notif_resp bytes */
};

#define WAITER_STACK (64 * 1024)

static void *waiter_thread(void *arg)
{
        struct waiter *w = arg;
        struct pt_supervisor *sv = w->sv;
        sigset_t all;

        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        /* Made by a receiver, it already has the worker's namespaces and identity and no
         * capabilities (a new thread inherits its creator's); its own fs context keeps the
         * umask switches of the two apart. */
        bool ready = unshare(CLONE_FS) == 0;
        w->c.defer_fn(&w->c, w->c.defer_arg, ready);
        if (!ready && (w->c.reply == PT_REPLY_DEFER || w->c.reply == PT_REPLY_NONE))
                pt_reply_error(&w->c, ENFILE);
        send_reply(sv, &w->c, w->resp);
        pt_log_call(sv->log, &w->c);
        atomic_fetch_sub(&sv->waiters, 1);
        free(w);
        return NULL;
}

static void defer(struct pt_supervisor *sv, struct pt_call *c, struct seccomp_notif *req,
                  struct seccomp_notif_resp *resp)
{
        struct waiter *w = NULL;
        if (atomic_fetch_add(&sv->waiters, 1) < sv->max_waiters)
                w = malloc(sizeof(*w) + ((sv->sizes.seccomp_notif + 7u) & ~7u) + sv->sizes.seccomp_notif_resp);
        if (w) {
                w->sv = sv;
                w->c = *c;
                memcpy(w->buf, req, sv->sizes.seccomp_notif);
                w->c.req = (struct seccomp_notif *)w->buf;
                w->resp = (struct seccomp_notif_resp *)(w->buf + ((sv->sizes.seccomp_notif + 7u) & ~7u));
                pthread_attr_t attr;
                pthread_t t;
                pthread_attr_init(&attr);
                pthread_attr_setstacksize(&attr, WAITER_STACK);
                pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
                int r = pthread_create(&t, &attr, waiter_thread, w);
                pthread_attr_destroy(&attr);
                if (r == 0)
                        return;
                free(w);
        }
        atomic_fetch_sub(&sv->waiters, 1);
        if (!atomic_exchange(&sv->waiters_full_said, true))
                pt_log_message(sv->log, "more than %d calls are waiting (FIFO opens...): further ones fail with ENFILE",
                               sv->max_waiters);
        c->defer_fn(c, c->defer_arg, false);
        if (c->reply == PT_REPLY_DEFER || c->reply == PT_REPLY_NONE)
                pt_reply_error(c, ENFILE);
        send_reply(sv, c, resp);
        pt_log_call(sv->log, c);
}

static void handle_one(struct pt_supervisor *sv, struct pt_call *c, struct seccomp_notif *req,
                       struct seccomp_notif_resp *resp)
{
        /* reset what a handler reads before it writes; the string buffers are set when used */
        c->t_start_ns = pt_log_now_ns();
        c->sv = sv;
        c->req = req;
        c->fd = -1;
        c->reply = PT_REPLY_NONE;
        c->decided = false;
        c->no_notice = false;
        c->fix = NULL;
        for (int i = 0; i < PT_CALL_STRS; i++)
                c->have_str[i] = false;
        c->str[0][0] = c->str[1][0] = c->value[0] = '\0';
        c->row = req->data.arch == PT_AUDIT_ARCH ? pt_syscall_lookup(req->data.nr) : NULL;
        if (!c->row) {
                /* The filter notifies only table rows: anything else is refused. */
                pt_reply_error(c, ENOSYS);
                send_reply(sv, c, resp);
                return;
        }
        if (!pt_target_known(req->pid)) {
                /* Every thread of the sandbox is traced from its first instruction (CLONE_UNTRACED
                 * is refused by the filter); one that is not escaped the exec check: end the run. */
                pt_reply_error(c, EPERM);
                send_reply(sv, c, resp);
                if (!atomic_exchange(&sv->escaped, true)) {
                        uint64_t one = 1;
                        if (write(sv->escape_efd, &one, sizeof(one)) < 0) {
                                /* cannot fail: an eventfd far below its maximum */
                        }
                        pt_log_message(sv->log, "thread %d made a %s call without being traced; the run is ended",
                                       req->pid, c->row->name);
                }
                return;
        }
        if (pt_target_nsids(req->pid, &c->ids) < 0) {
                c->ids.tid = c->ids.tgid = 0;
        }
        c->row->handler(c);
        if (c->reply == PT_REPLY_DEFER) {
                defer(sv, c, req, resp);
                return;
        }
        if (c->reply == PT_REPLY_FD && c->fd < 0)
                pt_reply_error(c, EBADF);
        /* --backtrace: the thread must be interrupted before the reply lets it run on */
        struct pt_bt_request *bt = sv->backtrace ? pt_backtrace_begin(sv->backtrace, c) : NULL;
        send_reply(sv, c, resp);
        pt_log_call(sv->log, c);
        if (bt)
                pt_backtrace_finish(sv->backtrace, c, bt);
}

static void *notify_thread(void *arg)
{
        struct pt_supervisor *sv = arg;
        struct seccomp_notif *req = malloc(sv->sizes.seccomp_notif);
        struct seccomp_notif_resp *resp = malloc(sv->sizes.seccomp_notif_resp);
        struct pt_call *c = malloc(sizeof(*c));
        sigset_t all;

        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        if (!req || !resp || !c || drop_thread_privileges(sv) < 0) {
                pt_log_message(sv->log, "a notify thread could not drop its privileges; it does not serve");
                goto out;
        }
        for (;;) {
                memset(req, 0, sv->sizes.seccomp_notif);
                if (ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
                        if (errno == EINTR || errno == ENOENT)
                                continue;
                        break; /* the listener is closed or broken: stop */
                }
                atomic_fetch_add(&sv->busy, 1);
                handle_one(sv, c, req, resp);
                atomic_fetch_add(&sv->handled, 1);
                int busy = atomic_fetch_sub(&sv->busy, 1) - 1;
                /* Leave if another thread is idle (receiving) without me. */
                int left = atomic_fetch_sub(&sv->nthreads, 1) - 1;
                if (left - busy >= 1) {
                        free(req);
                        free(resp);
                        free(c);
                        return NULL;
                }
                atomic_fetch_add(&sv->nthreads, 1);
        }
out:
        atomic_fetch_sub(&sv->nthreads, 1);
        free(req);
        free(resp);
        free(c);
        return NULL;
}

int pt_notify_start(struct pt_supervisor *sv)
{
        atomic_fetch_add(&sv->nthreads, 1);
        int r = spawn_thread(sv, notify_thread);
        if (r < 0) {
                atomic_fetch_sub(&sv->nthreads, 1);
                return r;
        }
        return spawn_thread(sv, watchdog_thread);
}

void pt_notify_stop(struct pt_supervisor *sv)
{
        atomic_store(&sv->stopping, true);
}
