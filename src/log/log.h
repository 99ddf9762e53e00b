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

#include "policy/policy.h"

#include "cli/options.h"

struct pt_call;
struct pt_log;

struct pt_log_config {
        enum pt_log_format format;
        const char *file; /* NULL: stderr */
        bool verbose;
        bool quiet;
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
/* One preformatted line in the -v log (the proxy's requests). */
void pt_log_line(struct pt_log *log, const char *text);
/* "podtrace: ..." on stderr. */
void pt_log_message(struct pt_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
