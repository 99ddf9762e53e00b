/* SPDX-License-Identifier: MIT */
/*
 * podtrace's output: the per-syscall log (-v, text or JSON lines, design 1.7) and the denial
 * notices on stderr (design 1.6). Every line is formatted in a local buffer and written with
 * one write(2), so lines from concurrent notify threads never interleave, and nothing is
 * buffered across lines: memory stays flat however long the run.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

#include "cli/options.h"

struct pt_call;
struct pt_log;

struct pt_log_config {
        enum pt_log_format format;
        const char *file; /* NULL: stderr */
        bool verbose;
        bool quiet;
        bool summary; /* --summary: count and time every call, print the table at the end */
};

/* One request the proxy handled (a decision, then "connected" or an HTTP status). */
struct pt_log_proxy_event {
        const char *method; /* "CONNECT", "GET", ... */
        const char *host;
        unsigned port;
        const struct pt_decision *decision; /* NULL: failed before a decision */
        int status;                         /* the HTTP status sent, 0 when connected */
        const char *reason;                 /* "connected", "Forbidden", ... */
};

int pt_log_open(const struct pt_log_config *cfg, struct pt_log **ret_log);
void pt_log_close(struct pt_log *log);
bool pt_log_wants_calls(const struct pt_log *log);

/* One line for one intercepted syscall (after its reply). */
void pt_log_call(struct pt_log *log, const struct pt_call *c);
/* The Deno-style denial notice, once per (permission, value). */
void pt_log_denied(struct pt_log *log, const struct pt_call *c);
/* A notice for a decision made outside a syscall (the proxy): who says what asked. */
void pt_log_notice(struct pt_log *log, const struct pt_decision *d, const char *value, const char *who,
                   const char *fix);
/* The notice's text without "podtrace: " (for the proxy's 403 body and header). */
int pt_log_denial_text(const struct pt_decision *d, const char *value, const char *who, const char *fix,
                       char *buf, size_t size);
/* One preformatted line in the -v log (JSON: {"syscall":"proxy","message":...}). */
void pt_log_line(struct pt_log *log, const char *text);
/* Text as it is (whole lines) on stderr, where the notices go: --backtrace's stack after one. */
void pt_log_stderr(struct pt_log *log, const char *text, size_t len);
/* Text as it is (one or more lines, no final newline) in the -v log: --backtrace's stacks. */
void pt_log_raw(struct pt_log *log, const char *text);
/* A proxy request in the -v log (text or JSON, with its decision) and in the summary. */
void pt_log_proxy(struct pt_log *log, const struct pt_log_proxy_event *e);
/* --summary: the table (text) or one JSON object, to the log's destination. */
void pt_log_summary(struct pt_log *log);
/* CLOCK_MONOTONIC in ns, for pt_call.t_start_ns. */
uint64_t pt_log_now_ns(void);
/* "podtrace: ..." on stderr. */
void pt_log_message(struct pt_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
