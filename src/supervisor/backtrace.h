/* SPDX-License-Identifier: MIT */
/*
 * --backtrace: the stack of a worker thread whose call was denied, printed after the
 * denial notice and after the call's line in the -v log.
 *
 * A thread waiting for our reply is not in a ptrace-stop, and only the tracer thread may
 * ptrace. So, before replying, the notify thread asks the tracer to PTRACE_INTERRUPT the
 * thread. With SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV the interrupt cannot end the wait
 * (only a fatal signal can); it stays pending, and the thread traps the moment the denied
 * call returns, before any instruction of its own. The tracer unwinds it there (all
 * registers known), resumes it, and hands the result back; the notify thread prints it.
 * docs/architecture.md ("Backtraces") has the argument and the limits.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct pt_backtrace;
struct pt_bt_request;
struct pt_call;
struct pt_log;

struct pt_backtrace_config {
        struct pt_log *log;
        bool quiet;         /* -q: no notices, so backtraces go only to the -v log */
        bool log_on_stderr; /* the -v log, when on, is stderr: show each backtrace once, there */
        bool json;          /* the -v log is JSON lines */
};

int pt_backtrace_new(const struct pt_backtrace_config *cfg, struct pt_backtrace **ret);
void pt_backtrace_free(struct pt_backtrace *bt);
/* Switch backtraces off before the worker runs (says why on stderr). */
void pt_backtrace_disable(struct pt_backtrace *bt, const char *why);

/* Tracer thread. */
void pt_backtrace_tracer_start(struct pt_backtrace *bt);
/* Issue the interrupts asked for (at the top of the wait loop). */
void pt_backtrace_tracer_service(struct pt_backtrace *bt);
/* A stop of pid: true when it was ours and the thread is already resumed. */
bool pt_backtrace_tracer_stopped(struct pt_backtrace *bt, pid_t pid, int status);
/* pid was reaped. */
void pt_backtrace_tracer_gone(struct pt_backtrace *bt, pid_t pid);
/* Nothing is traced any more. */
void pt_backtrace_tracer_done(struct pt_backtrace *bt);

/* Notify threads: begin before the reply (NULL: no backtrace for this call), finish after
 * the reply and the log line (prints, frees). */
struct pt_bt_request *pt_backtrace_begin(struct pt_backtrace *bt, const struct pt_call *c);
void pt_backtrace_finish(struct pt_backtrace *bt, const struct pt_call *c, struct pt_bt_request *r);
