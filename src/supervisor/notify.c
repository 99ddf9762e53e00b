/* SPDX-License-Identifier: MIT */
/*
 * The notify pool: threads blocked in SECCOMP_IOCTL_NOTIF_RECV, each handling one syscall
 * at a time. When the last idle thread takes a notification, it starts another (up to a
 * cap), so a blocking emulation (a FIFO open, a slow connect) never stalls the rest.
 *
 * Each thread acts for the worker: it unshares its fs context (umask, cwd) and drops every
 * capability, so its emulated opens get exactly the worker's DAC answer and never the
 * supervisor's CAP_DAC_OVERRIDE.
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
#include <unistd.h>

#include "handlers/call.h"
#include "log/log.h"
#include "seccomp/nr.h"
#include "supervisor/supervisor.h"

#define NOTIFY_STACK (256 * 1024)

static int drop_thread_privileges(void)
{
        if (unshare(CLONE_FS) < 0)
                return -errno;
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
                struct seccomp_notif_addfd addfd = {
                        .id = c->req->id,
                        .flags = SECCOMP_ADDFD_FLAG_SEND,
                        .srcfd = (uint32_t)c->fd,
                        .newfd = 0,
                        .newfd_flags = c->fd_cloexec ? O_CLOEXEC : 0,
                };
                int fd = ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
                int e = errno;
                close(c->fd);
                if (fd >= 0) {
                        c->val = fd;
                        return;
                }
                if (e == ENOENT)
                        return; /* the worker thread is gone */
                c->reply = PT_REPLY_ERROR;
                c->err = e == EMFILE ? EMFILE : e;
                resp->error = -c->err;
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

static void maybe_grow(struct pt_supervisor *sv)
{
        if (atomic_load(&sv->stopping) || atomic_load(&sv->idle) > 0)
                return;
        pthread_mutex_lock(&sv->lock);
        if (atomic_load(&sv->idle) == 0 && atomic_load(&sv->nthreads) < sv->max_threads) {
                pthread_attr_t attr;
                pthread_t t;
                pthread_attr_init(&attr);
                pthread_attr_setstacksize(&attr, NOTIFY_STACK);
                pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
                atomic_fetch_add(&sv->nthreads, 1);
                atomic_fetch_add(&sv->idle, 1);
                if (pthread_create(&t, &attr, notify_thread, sv) != 0) {
                        atomic_fetch_sub(&sv->nthreads, 1);
                        atomic_fetch_sub(&sv->idle, 1);
                }
                pthread_attr_destroy(&attr);
        }
        pthread_mutex_unlock(&sv->lock);
}

static void handle_one(struct pt_supervisor *sv, struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
        struct pt_call *c = calloc(1, sizeof(*c));
        if (!c) {
                memset(resp, 0, sv->sizes.seccomp_notif_resp);
                resp->id = req->id;
                resp->error = -ENOMEM;
                ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
                return;
        }
        c->sv = sv;
        c->req = req;
        c->fd = -1;
        c->row = req->data.arch == PT_AUDIT_ARCH ? pt_syscall_lookup(req->data.nr) : NULL;
        if (!c->row) {
                /* The filter notifies only table rows: anything else is refused. */
                pt_reply_error(c, ENOSYS);
                send_reply(sv, c, resp);
                free(c);
                return;
        }
        if (pt_target_nsids(req->pid, &c->ids) < 0) {
                c->ids.tid = c->ids.tgid = 0;
        }
        c->row->handler(c);
        if (c->reply == PT_REPLY_FD && c->fd < 0)
                pt_reply_error(c, EBADF);
        send_reply(sv, c, resp);
        pt_log_call(sv->log, c);
        free(c);
}

static void *notify_thread(void *arg)
{
        struct pt_supervisor *sv = arg;
        struct seccomp_notif *req = malloc(sv->sizes.seccomp_notif);
        struct seccomp_notif_resp *resp = malloc(sv->sizes.seccomp_notif_resp);
        sigset_t all;

        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        if (!req || !resp || drop_thread_privileges() < 0) {
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
                atomic_fetch_sub(&sv->idle, 1);
                maybe_grow(sv);
                handle_one(sv, req, resp);
                atomic_fetch_add(&sv->idle, 1);
        }
out:
        atomic_fetch_sub(&sv->idle, 1);
        atomic_fetch_sub(&sv->nthreads, 1);
        free(req);
        free(resp);
        return NULL;
}

int pt_notify_start(struct pt_supervisor *sv, int initial)
{
        pthread_mutex_init(&sv->lock, NULL);
        for (int i = 0; i < initial; i++) {
                pthread_attr_t attr;
                pthread_t t;
                pthread_attr_init(&attr);
                pthread_attr_setstacksize(&attr, NOTIFY_STACK);
                pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
                atomic_fetch_add(&sv->nthreads, 1);
                atomic_fetch_add(&sv->idle, 1);
                int r = pthread_create(&t, &attr, notify_thread, sv);
                pthread_attr_destroy(&attr);
                if (r != 0) {
                        atomic_fetch_sub(&sv->nthreads, 1);
                        atomic_fetch_sub(&sv->idle, 1);
                        return -r;
                }
        }
        return 0;
}

void pt_notify_stop(struct pt_supervisor *sv)
{
        atomic_store(&sv->stopping, true);
}
