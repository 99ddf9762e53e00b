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
/* s as one shell word that gives back exactly its bytes: bare, '...', or bash's $'...' when it
 * holds a byte that is not printable ASCII (which then never reaches the terminal raw). */
void pt_buf_shell_word(struct pt_buf *b, const char *s);
/* s with every byte that is not printable ASCII (and the backslash) as \xNN: a comm, a name. */
void pt_buf_printable(struct pt_buf *b, const char *s);
/*
 * Copy in to out for a terminal: C0 controls other than newline and tab and DEL become \xNN,
 * the UTF-8 C1 controls \u00NN (valid inside a JSON line's strings too), so nothing written by podtrace can move the cursor, clear the
 * screen or retitle the window. Returns the bytes written (out is not NUL-terminated).
 */
size_t pt_text_terminal_safe(const char *in, size_t n, char *out, size_t size);

/* The i-th argument of c as strace would print it. */
void pt_render_arg(struct pt_buf *b, const struct pt_call *c, int i, bool json);
/* Whether argument i appears in the log (an open's mode only when it creates). */
bool pt_render_shows(const struct pt_call *c, int i);
/* "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC)" */
void pt_render_call(struct pt_buf *b, const struct pt_call *c);
/* " = 3", " = -1 EACCES (Permission denied)", " = ?" */
void pt_render_result(struct pt_buf *b, const struct pt_call *c);
