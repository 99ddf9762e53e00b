/* SPDX-License-Identifier: MIT */
/*
 * --backtrace: hand-off between the notify threads and the tracer thread (backtrace.h).
 *
 * Requests live on a list under one mutex. A notify thread adds one (QUEUED) and, because
 * the tracer sleeps in waitpid(), wakes it with a thread-directed real-time signal whose
 * handler does nothing (installed without SA_RESTART, unblocked only in the tracer): the
 * waitpid() fails with EINTR and the loop issues the interrupts. A signal that lands just
 * before the tracer enters waitpid() is lost, so the notify thread repeats it with a growing
 * period until the request leaves QUEUED (or a second passes: then no backtrace, and the
 * call is answered as always). Only then does the notify thread reply, so the interrupt is
 * always pending before the thread can return to user code.
 *
 * The tracer remembers which tids it interrupted (tracer-only state). The first ptrace-stop
 * of such a tid consumes the interrupt (ptrace_stop clears JOBCTL_TRAP_STOP, whatever the
 * stop), and the thread has run nothing of its own since the syscall returned: that stop is
 * where the stack is read. An interrupt-stop is then resumed with PTRACE_CONT; any other
 * stop (a group-stop that arrived meanwhile) goes on to the tracer's usual handling. A tid
 * that exits, or disappears in another thread's exec, fails its request instead.
 *
 * Requests are freed by their notify thread only; the tracer never waits for a notify
 * thread, and a result for a request that gave up waiting is dropped.
 */
#include "supervisor/backtrace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "handlers/call.h"
#include "log/log.h"
#include "log/render.h"
#include "log/seen.h"
#include "supervisor/stack.h"
#include "supervisor/target.h"

#define MAX_STOPPING 256
#define KICK_FIRST_NS (1000 * 1000)      /* 1 ms */
#define KICK_MAX_NS (64 * 1000 * 1000)   /* 64 ms */
#define INTERRUPT_TIMEOUT_S 1
#define RESULT_TIMEOUT_S 5

enum req_state { REQ_QUEUED, REQ_INTERRUPTED, REQ_DONE, REQ_FAILED };

struct pt_bt_request {
        struct pt_bt_request *next;
        pid_t tid;   /* host tid */
        pid_t nstid; /* in the worker's pid namespace (Python's native_thread_id) */
        enum req_state state;
        const char *why;        /* REQ_FAILED */
        struct pt_stack *stack; /* REQ_DONE */
        bool to_stderr, to_log;
        char who[80];           /* "comm[tid]" */
};

struct pt_backtrace {
        struct pt_backtrace_config cfg;
        atomic_bool enabled;
        int signo;
        pthread_mutex_t lock;
        pthread_cond_t cond; /* CLOCK_MONOTONIC */
        struct pt_bt_request *queue;
        pid_t tracer_tid;    /* 0 until the tracer is ready */
        bool tracer_done;

        /* tracer thread only: interrupted tids whose stop has not been seen yet */
        struct {
                pid_t tid, nstid;
        } stopping[MAX_STOPPING];
        size_t nstopping;

        /* (permission, value) pairs whose notice already had its backtrace */
        struct pt_seen seen; /* (permission, value) whose stack was printed with its notice */
};

int pt_backtrace_new(const struct pt_backtrace_config *cfg, struct pt_backtrace **ret)
{
        struct pt_backtrace *bt = calloc(1, sizeof(*bt));
        if (!bt)
                return -ENOMEM;
        bt->cfg = *cfg;
        atomic_init(&bt->enabled, true);
        bt->signo = SIGRTMIN + 4;
        pthread_mutex_init(&bt->lock, NULL);
        pt_seen_init(&bt->seen);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&bt->cond, &ca);
        pthread_condattr_destroy(&ca);
        *ret = bt;
        return 0;
}

void pt_backtrace_free(struct pt_backtrace *bt)
{
        if (!bt)
                return;
        pthread_mutex_destroy(&bt->lock);
        pt_seen_destroy(&bt->seen);
        pthread_cond_destroy(&bt->cond);
        free(bt);
}

void pt_backtrace_disable(struct pt_backtrace *bt, const char *why)
{
        if (bt && atomic_exchange(&bt->enabled, false))
                pt_log_message(bt->cfg.log, "--backtrace is off: %s", why);
}

/* ---- tracer thread ------------------------------------------------------------------ */

static void wake_handler(int sig)
{
        (void)sig; /* its only job: make waitpid() return EINTR */
}

void pt_backtrace_tracer_start(struct pt_backtrace *bt)
{
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = wake_handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0; /* no SA_RESTART: interrupt waitpid() */
        if (sigaction(bt->signo, &sa, NULL) < 0) {
                pt_backtrace_disable(bt, "its wake-up signal could not be installed");
                return;
        }
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, bt->signo);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        pthread_mutex_lock(&bt->lock);
        bt->tracer_tid = (pid_t)syscall(SYS_gettid);
        pthread_mutex_unlock(&bt->lock);
}

static int stopping_find(const struct pt_backtrace *bt, pid_t tid)
{
        for (size_t i = 0; i < bt->nstopping; i++)
                if (bt->stopping[i].tid == tid)
                        return (int)i;
        return -1;
}

static void stopping_remove(struct pt_backtrace *bt, int i)
{
        bt->stopping[i] = bt->stopping[--bt->nstopping];
}

/* Under the lock: the live request waiting for tid's stop. */
static struct pt_bt_request *waiting_for(struct pt_backtrace *bt, pid_t tid)
{
        for (struct pt_bt_request *r = bt->queue; r; r = r->next)
                if (r->tid == tid && r->state == REQ_INTERRUPTED)
                        return r;
        return NULL;
}

void pt_backtrace_tracer_service(struct pt_backtrace *bt)
{
        bool changed = false;
        pthread_mutex_lock(&bt->lock);
        for (struct pt_bt_request *r = bt->queue; r; r = r->next) {
                if (r->state != REQ_QUEUED)
                        continue;
                changed = true;
                int i = stopping_find(bt, r->tid);
                if (i < 0 && bt->nstopping == MAX_STOPPING) {
                        r->state = REQ_FAILED;
                        r->why = "too many threads are being stopped at once";
                        continue;
                }
                /* Any state: INTERRUPT needs no stop, and cannot end a killable wait. */
                if (ptrace(PTRACE_INTERRUPT, r->tid, 0, 0) < 0) {
                        r->state = REQ_FAILED;
                        r->why = errno == ESRCH ? "the thread is gone or not traced" : "PTRACE_INTERRUPT failed";
                        continue;
                }
                if (i < 0)
                        i = (int)bt->nstopping++;
                bt->stopping[i].tid = r->tid;
                bt->stopping[i].nstid = r->nstid;
                r->state = REQ_INTERRUPTED;
        }
        if (changed)
                pthread_cond_broadcast(&bt->cond);
        pthread_mutex_unlock(&bt->lock);
}

static void fail_waiting(struct pt_backtrace *bt, pid_t tid, const char *why)
{
        int i = stopping_find(bt, tid);
        if (i < 0)
                return;
        stopping_remove(bt, i);
        pthread_mutex_lock(&bt->lock);
        struct pt_bt_request *r = waiting_for(bt, tid);
        if (r) {
                r->state = REQ_FAILED;
                r->why = why;
                pthread_cond_broadcast(&bt->cond);
        }
        pthread_mutex_unlock(&bt->lock);
}

static bool is_stop_signal(int sig)
{
        return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

bool pt_backtrace_tracer_stopped(struct pt_backtrace *bt, pid_t pid, int status)
{
        if (bt->nstopping == 0)
                return false;
        int event = (unsigned)status >> 16;
        if (event == PTRACE_EVENT_EXEC) {
                /* Another thread's exec: an interrupted thread was killed, and its tid may
                 * now name the exec'ing thread. Not a stop of ours. */
                unsigned long former = 0;
                ptrace(PTRACE_GETEVENTMSG, pid, 0, &former);
                fail_waiting(bt, pid, "the process called exec");
                if (former && (pid_t)former != pid)
                        fail_waiting(bt, (pid_t)former, "the process called exec");
                return false;
        }
        int i = stopping_find(bt, pid);
        if (i < 0)
                return false;
        pid_t nstid = bt->stopping[i].nstid;
        stopping_remove(bt, i);

        /* The thread is stopped right after its denied call returned: read its stack. */
        struct pt_stack *s = calloc(1, sizeof(*s));
        struct pt_maps m;
        if (s && pt_maps_read(pid, &m) == 0) {
                pt_stack_native(pid, &m, s);
                pt_stack_python(pid, nstid, &m, s);
                pt_maps_free(&m);
        } else if (s) {
                snprintf(s->native_note, sizeof(s->native_note), "its memory map could not be read");
        }

        bool resumed = false;
        if (event == PTRACE_EVENT_STOP && !is_stop_signal(WSTOPSIG(status))) {
                ptrace(PTRACE_CONT, pid, 0, 0); /* the interrupt's own stop */
                resumed = true;
        }

        pthread_mutex_lock(&bt->lock);
        struct pt_bt_request *r = waiting_for(bt, pid);
        if (r && s) {
                r->stack = s;
                r->state = REQ_DONE;
                s = NULL;
        } else if (r) {
                r->state = REQ_FAILED;
                r->why = "out of memory";
        }
        pthread_cond_broadcast(&bt->cond);
        pthread_mutex_unlock(&bt->lock);
        free(s);
        return resumed;
}

void pt_backtrace_tracer_gone(struct pt_backtrace *bt, pid_t pid)
{
        if (bt->nstopping)
                fail_waiting(bt, pid, "the thread ended before it could be stopped");
}

void pt_backtrace_tracer_done(struct pt_backtrace *bt)
{
        pthread_mutex_lock(&bt->lock);
        bt->tracer_done = true;
        bt->nstopping = 0;
        for (struct pt_bt_request *r = bt->queue; r; r = r->next)
                if (r->state == REQ_QUEUED || r->state == REQ_INTERRUPTED) {
                        r->state = REQ_FAILED;
                        r->why = "the sandbox is gone";
                }
        pthread_cond_broadcast(&bt->cond);
        pthread_mutex_unlock(&bt->lock);
}

/* ---- notify threads ----------------------------------------------------------------- */

static struct timespec after_ns(long ns)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_sec += ns / 1000000000L;
        t.tv_nsec += ns % 1000000000L;
        if (t.tv_nsec >= 1000000000L) {
                t.tv_sec++;
                t.tv_nsec -= 1000000000L;
        }
        return t;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
        return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void unlink_request(struct pt_backtrace *bt, struct pt_bt_request *r)
{
        for (struct pt_bt_request **p = &bt->queue; *p; p = &(*p)->next)
                if (*p == r) {
                        *p = r->next;
                        return;
                }
}

struct pt_bt_request *pt_backtrace_begin(struct pt_backtrace *bt, const struct pt_call *c)
{
        if (!atomic_load_explicit(&bt->enabled, memory_order_relaxed))
                return NULL;
        /* A denied call answered by the kernel (CONTINUE) could exec before it returns. */
        if (!c->decided || c->dec.allow || c->reply == PT_REPLY_CONTINUE)
                return NULL;
        bool to_log = pt_log_wants_calls(bt->cfg.log);
        bool to_stderr = !bt->cfg.quiet && !c->no_notice && !(to_log && bt->cfg.log_on_stderr) &&
                         pt_seen_first(&bt->seen, c->dec.perm, c->value);
        if (!to_log && !to_stderr)
                return NULL;

        struct pt_bt_request *r = calloc(1, sizeof(*r));
        if (!r)
                return NULL;
        char comm[32];
        pt_target_comm(c->req->pid, comm, sizeof(comm));
        struct pt_buf who = { r->who, 0, sizeof(r->who) };
        pt_buf_printable(&who, comm);
        pt_buf_printf(&who, "[%d]", c->ids.tid);
        r->tid = (pid_t)c->req->pid;
        r->nstid = c->ids.tid;
        r->to_log = to_log;
        r->to_stderr = to_stderr;
        r->state = REQ_QUEUED;

        pthread_mutex_lock(&bt->lock);
        if (!bt->tracer_tid || bt->tracer_done) {
                r->state = REQ_FAILED;
                r->why = "the tracer is not running";
                pthread_mutex_unlock(&bt->lock);
                return r;
        }
        r->next = bt->queue;
        bt->queue = r;
        struct timespec deadline = after_ns(INTERRUPT_TIMEOUT_S * 1000000000L);
        long period = KICK_FIRST_NS;
        pid_t self = getpid();
        while (r->state == REQ_QUEUED) {
                syscall(SYS_tgkill, self, bt->tracer_tid, bt->signo);
                struct timespec until = after_ns(period);
                if (!before(&until, &deadline))
                        until = deadline;
                pthread_cond_timedwait(&bt->cond, &bt->lock, &until);
                if (r->state != REQ_QUEUED)
                        break;
                struct timespec now = after_ns(0);
                if (!before(&now, &deadline)) {
                        /* Never reply while an interrupt might still be issued later. */
                        unlink_request(bt, r);
                        r->state = REQ_FAILED;
                        r->why = "the tracer did not answer in time";
                        break;
                }
                period = period * 2 < KICK_MAX_NS ? period * 2 : KICK_MAX_NS;
        }
        pthread_mutex_unlock(&bt->lock);
        return r;
}

/* ---- output ------------------------------------------------------------------------- */

static void text_block(struct pt_buf *b, const char *prefix, const struct pt_call *c, const struct pt_bt_request *r)
{
        const struct pt_stack *s = r->stack;
        pt_buf_printf(b, "%sbacktrace of %s %s (denied %s ", prefix, r->who, c->row->name, pt_perm_name(c->dec.perm));
        pt_buf_quoted(b, c->value, false);
        if (!s) {
                pt_buf_printf(b, "): none: %s\n", r->why ? r->why : "unknown");
                return;
        }
        pt_buf_printf(b, "):\n");
        for (int i = 0; i < s->nframes; i++) {
                const struct pt_stack_frame *f = &s->frames[i];
                pt_buf_printf(b, "%s  #%-2d 0x%016llx ", prefix, i, (unsigned long long)f->pc);
                /* names and paths come from the worker's files: escaped like every such byte */
                if (f->func[0]) {
                        pt_buf_printable(b, f->func);
                        pt_buf_printf(b, "+0x%llx (", (unsigned long long)f->off);
                        pt_buf_printable(b, f->object[0] ? f->object : "?");
                        pt_buf_printf(b, ")\n");
                } else {
                        pt_buf_printf(b, "?? (");
                        pt_buf_printable(b, f->object[0] ? f->object : "?");
                        pt_buf_printf(b, "+0x%llx)\n", (unsigned long long)f->obj_off);
                }
        }
        if (s->native_note[0])
                pt_buf_printf(b, "%s  (%s)\n", prefix, s->native_note);
        if (s->npy > 0) {
                pt_buf_printf(b, "%s  python, most recent call first:\n", prefix);
                for (int i = 0; i < s->npy; i++) {
                        pt_buf_printf(b, "%s    File ", prefix);
                        pt_buf_quoted(b, s->py[i].file, false);
                        if (s->py[i].line >= 0)
                                pt_buf_printf(b, ", line %d", s->py[i].line);
                        else
                                pt_buf_printf(b, ", line ?");
                        pt_buf_printf(b, ", in ");
                        pt_buf_printable(b, s->py[i].func);
                        pt_buf_printf(b, "\n");
                }
        }
        if (s->py_note[0])
                pt_buf_printf(b, "%s  python: %s\n", prefix, s->py_note);
}

/* Bytes as JSON-safe text: invalid UTF-8 (a path is any bytes) becomes '?'. */
static void utf8_clean(const char *in, char *out, size_t size)
{
        const unsigned char *p = (const unsigned char *)in;
        size_t o = 0;
        while (*p && o + 5 < size) {
                size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
                bool ok = len > 0;
                for (size_t k = 1; ok && k < len; k++)
                        ok = (p[k] & 0xc0) == 0x80;
                if (!ok) {
                        out[o++] = '?';
                        p++;
                        continue;
                }
                memcpy(out + o, p, len);
                o += len;
                p += len;
        }
        out[o] = '\0';
}

static void add_str(cJSON *o, const char *key, const char *value)
{
        char clean[1024];
        utf8_clean(value, clean, sizeof(clean));
        cJSON_AddStringToObject(o, key, clean);
}

/* One JSON line: the log's leading fields ("v", "time", "datetime"), then the stack. */
static char *json_line(const struct pt_call *c, const struct pt_bt_request *r)
{
        const struct pt_stack *s = r->stack;
        struct timespec ts;
        struct tm tm;
        char when[64], full[96], hex[32];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(full, sizeof(full), "%.40s.%06ldZ", when, (long)(ts.tv_nsec / 1000) % 1000000);
        cJSON *o = cJSON_CreateObject();
        if (!o)
                return NULL;
        cJSON_AddNumberToObject(o, "v", 1);
        cJSON_AddStringToObject(o, "time", full);
        cJSON_AddStringToObject(o, "datetime", full);
        cJSON_AddNumberToObject(o, "pid", c->ids.tgid);
        cJSON_AddNumberToObject(o, "tid", c->ids.tid);
        cJSON_AddStringToObject(o, "syscall", c->row->name);
        cJSON_AddStringToObject(o, "permission", pt_perm_name(c->dec.perm));
        add_str(o, "value", c->value);
        if (!s) {
                cJSON_AddNullToObject(o, "backtrace");
                add_str(o, "backtrace_error", r->why ? r->why : "unknown");
        } else {
                cJSON *frames = cJSON_AddArrayToObject(o, "backtrace");
                for (int i = 0; i < s->nframes; i++) {
                        const struct pt_stack_frame *f = &s->frames[i];
                        cJSON *fo = cJSON_CreateObject();
                        snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)f->pc);
                        cJSON_AddStringToObject(fo, "pc", hex);
                        if (f->func[0])
                                add_str(fo, "function", f->func);
                        else
                                cJSON_AddNullToObject(fo, "function");
                        cJSON_AddNumberToObject(fo, "offset", (double)f->off);
                        add_str(fo, "object", f->object);
                        cJSON_AddNumberToObject(fo, "object_offset", (double)f->obj_off);
                        cJSON_AddItemToArray(frames, fo);
                }
                if (s->native_note[0])
                        add_str(o, "backtrace_note", s->native_note);
                if (s->python) {
                        cJSON *py = cJSON_AddArrayToObject(o, "python");
                        for (int i = 0; i < s->npy; i++) {
                                cJSON *fo = cJSON_CreateObject();
                                add_str(fo, "file", s->py[i].file);
                                cJSON_AddNumberToObject(fo, "line", s->py[i].line);
                                add_str(fo, "function", s->py[i].func);
                                cJSON_AddItemToArray(py, fo);
                        }
                }
                if (s->py_note[0])
                        add_str(o, "python_note", s->py_note);
        }
        char *line = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        return line;
}

void pt_backtrace_finish(struct pt_backtrace *bt, const struct pt_call *c, struct pt_bt_request *r)
{
        pthread_mutex_lock(&bt->lock);
        struct timespec deadline = after_ns(RESULT_TIMEOUT_S * 1000000000L);
        while (r->state == REQ_INTERRUPTED) {
                if (pthread_cond_timedwait(&bt->cond, &bt->lock, &deadline) == ETIMEDOUT)
                        break;
        }
        if (r->state == REQ_INTERRUPTED) {
                r->state = REQ_FAILED;
                r->why = "the thread did not stop in time";
        }
        unlink_request(bt, r);
        pthread_mutex_unlock(&bt->lock);

        size_t size = 64 * 1024;
        char *text = malloc(size);
        if (text && r->to_stderr) {
                struct pt_buf b = { text, 0, size };
                text[0] = '\0';
                text_block(&b, "podtrace: ", c, r);
                pt_log_stderr(bt->cfg.log, text, b.len);
        }
        if (text && r->to_log && !bt->cfg.json) {
                char prefix[32];
                struct pt_buf b = { text, 0, size };
                text[0] = '\0';
                snprintf(prefix, sizeof(prefix), "[pid %d] ", c->ids.tid);
                text_block(&b, prefix, c, r);
                if (b.len && text[b.len - 1] == '\n')
                        text[--b.len] = '\0'; /* the log adds it */
                pt_log_raw(bt->cfg.log, text);
        }
        if (r->to_log && bt->cfg.json) {
                char *line = json_line(c, r);
                if (line)
                        pt_log_raw(bt->cfg.log, line);
                free(line);
        }
        free(text);
        free(r->stack);
        free(r);
}
