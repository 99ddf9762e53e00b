/* SPDX-License-Identifier: MIT */
/* Rendering syscall arguments strace-style, into a caller's buffer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pt_call;

struct pt_buf {
        char *p;
        size_t len, size;
};

void pt_buf_printf(struct pt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pt_buf_quoted(struct pt_buf *b, const char *s, bool json);

/* The i-th argument of c as strace would print it. */
void pt_render_arg(struct pt_buf *b, const struct pt_call *c, int i, bool json);
/* Whether argument i appears in the log (an open's mode only when it creates). */
bool pt_render_shows(const struct pt_call *c, int i);
/* "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC)" */
void pt_render_call(struct pt_buf *b, const struct pt_call *c);
/* " = 3", " = -1 EACCES (Permission denied)", " = ?" */
void pt_render_result(struct pt_buf *b, const struct pt_call *c);
