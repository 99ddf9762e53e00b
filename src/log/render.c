/* SPDX-License-Identifier: MIT */
/* strace-style rendering of intercepted syscalls for the -v log. */
#include "log/render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "handlers/call.h"
#include "util/cleanup.h"

void pt_buf_printf(struct pt_buf *b, const char *fmt, ...)
{
        if (b->len >= b->size)
                return;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
        va_end(ap);
        if (n > 0)
                b->len = b->len + (size_t)n < b->size ? b->len + (size_t)n : b->size - 1;
}

void pt_buf_quoted(struct pt_buf *b, const char *s, bool json)
{
        pt_buf_printf(b, "\"");
        for (const unsigned char *c = (const unsigned char *)s; *c && b->len + 8 < b->size; c++) {
                if (*c == '"' || *c == '\\')
                        pt_buf_printf(b, "\\%c", *c);
                else if (*c == '\n')
                        pt_buf_printf(b, "\\n");
                else if (*c == '\t')
                        pt_buf_printf(b, "\\t");
                else if (*c < 0x20 || *c == 0x7f)
                        pt_buf_printf(b, json ? "\\u%04x" : "\\x%02x", *c);
                else if (*c >= 0x80 && !json)
                        pt_buf_printf(b, "\\x%02x", *c);
                else
                        b->p[b->len++] = (char)*c;
        }
        if (b->len < b->size)
                b->p[b->len] = '\0';
        pt_buf_printf(b, "\"");
}

size_t pt_text_terminal_safe(const char *in, size_t n, char *out, size_t size)
{
        static const char hex[] = "0123456789abcdef";
        const unsigned char *p = (const unsigned char *)in;
        size_t o = 0;
        for (size_t i = 0; i < n && o + 5 < size; i++) {
                unsigned char c = p[i];
                /* C0 controls but newline and tab, DEL, and the two-byte UTF-8 form of the C1
                 * controls (U+0080..U+009F: CSI and friends to some terminals) */
                bool c1 = c == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f;
                if (c1 && o + 7 < size) {
                        /* \u0080 form: also a valid escape inside a JSON line's strings */
                        c = p[++i];
                        memcpy(out + o, "\\u00", 4);
                        o += 4;
                        out[o++] = hex[c >> 4];
                        out[o++] = hex[c & 15];
                } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c1) {
                        /* never inside JSON (cJSON escapes these): only text formats get here */
                        out[o++] = '\\';
                        out[o++] = 'x';
                        out[o++] = hex[c >> 4];
                        out[o++] = hex[c & 15];
                } else {
                        out[o++] = (char)c;
                }
        }
        return o;
}

void pt_buf_shell_word(struct pt_buf *b, const char *s)
{
        bool plain = *s != '\0', printable = true;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@%*[]", *p))
                        plain = false;
                if (*p < 0x20 || *p >= 0x7f)
                        printable = false;
        }
        if (plain) {
                pt_buf_printf(b, "%s", s);
        } else if (printable) {
                pt_buf_printf(b, "'");
                for (const char *p = s; *p; p++) {
                        if (*p == '\'')
                                pt_buf_printf(b, "'\\''");
                        else
                                pt_buf_printf(b, "%c", *p);
                }
                pt_buf_printf(b, "'");
        } else {
                /* bash's $'...': every byte comes back exactly, and none reaches the terminal raw */
                pt_buf_printf(b, "$'");
                for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                        if (*p == '\'' || *p == '\\')
                                pt_buf_printf(b, "\\%c", *p);
                        else if (*p < 0x20 || *p >= 0x7f)
                                pt_buf_printf(b, "\\x%02x", *p);
                        else
                                pt_buf_printf(b, "%c", *p);
                }
                pt_buf_printf(b, "'");
        }
}

void pt_buf_printable(struct pt_buf *b, const char *s)
{
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p < 0x20 || *p >= 0x7f || *p == '\\')
                        pt_buf_printf(b, "\\x%02x", *p);
                else
                        pt_buf_printf(b, "%c", *p);
        }
}

struct flag_name {
        unsigned long v;
        const char *name;
};

static const struct flag_name oflags[] = {
        { O_WRONLY, "O_WRONLY" },     { O_RDWR, "O_RDWR" },         { O_CREAT, "O_CREAT" },
        { O_EXCL, "O_EXCL" },         { O_NOCTTY, "O_NOCTTY" },     { O_TRUNC, "O_TRUNC" },
        { O_APPEND, "O_APPEND" },     { O_NONBLOCK, "O_NONBLOCK" }, { O_DSYNC, "O_DSYNC" },
        { O_DIRECT, "O_DIRECT" },     { O_LARGEFILE, "O_LARGEFILE" }, { O_DIRECTORY, "O_DIRECTORY" },
        { O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" },   { O_CLOEXEC, "O_CLOEXEC" },
        { O_PATH, "O_PATH" },         { 020000000, "O_TMPFILE" }, { 04000000, "O_SYNC" },
};

static const struct flag_name atflags[] = {
        { AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW" },
        { AT_REMOVEDIR, "AT_REMOVEDIR" },
        { AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW" },
        { AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT" },
        { AT_EMPTY_PATH, "AT_EMPTY_PATH" },
        { AT_STATX_FORCE_SYNC, "AT_STATX_FORCE_SYNC" },
        { AT_STATX_DONT_SYNC, "AT_STATX_DONT_SYNC" },
};

static const struct flag_name amodes[] = {
        { R_OK, "R_OK" },
        { W_OK, "W_OK" },
        { X_OK, "X_OK" },
};

static void render_flags(struct pt_buf *b, unsigned long v, const struct flag_name *t, size_t n, const char *zero)
{
        bool first = true;
        if (zero) {
                pt_buf_printf(b, "%s", zero);
                first = false;
        }
        for (size_t i = 0; i < n; i++)
                if ((v & t[i].v) == t[i].v && t[i].v) {
                        pt_buf_printf(b, "%s%s", first ? "" : "|", t[i].name);
                        v &= ~t[i].v;
                        first = false;
                }
        if (v)
                pt_buf_printf(b, "%s%#lx", first ? "" : "|", v);
        else if (first)
                pt_buf_printf(b, "0");
}

void pt_render_arg(struct pt_buf *b, const struct pt_call *c, int i, bool json)
{
        uint64_t v = c->req->data.args[i];
        for (int s = 0; s < PT_CALL_STRS; s++)
                if (c->have_str[s] && c->str_arg[s] == i) {
                        pt_buf_quoted(b, c->str[s], json);
                        return;
                }
        switch (c->row->args[i]) {
        case PT_ARG_DIRFD:
                if ((int)v == AT_FDCWD) {
                        pt_buf_printf(b, "AT_FDCWD");
                        break;
                }
                /* fall through */
        case PT_ARG_FD:
        case PT_ARG_INT:
                pt_buf_printf(b, "%d", (int)v);
                break;
        case PT_ARG_OCT:
                pt_buf_printf(b, "%#o", (unsigned)v);
                break;
        case PT_ARG_OFLAGS: {
                unsigned long f = v & ~(unsigned long)O_ACCMODE;
                const char *acc = (v & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : NULL;
                if (v & 020000000)
                        f &= ~(unsigned long)O_DIRECTORY;
                if (acc)
                        render_flags(b, f, oflags + 2, ARRAY_SIZE(oflags) - 2, acc);
                else
                        render_flags(b, v, oflags, ARRAY_SIZE(oflags), NULL);
                break;
        }
        case PT_ARG_ATFLAGS:
                render_flags(b, v, atflags, ARRAY_SIZE(atflags), NULL);
                break;
        case PT_ARG_OMODE:
                pt_buf_printf(b, "%#o", (unsigned)v);
                break;
        case PT_ARG_AMODE:
                if (v == F_OK)
                        pt_buf_printf(b, "F_OK");
                else
                        render_flags(b, v, amodes, ARRAY_SIZE(amodes), NULL);
                break;
        case PT_ARG_PATH:
        case PT_ARG_STR:
        case PT_ARG_PTR:
        case PT_ARG_HEX:
                if (v == 0)
                        pt_buf_printf(b, "NULL");
                else
                        pt_buf_printf(b, "%#llx", (unsigned long long)v);
                break;
        default:
                pt_buf_printf(b, "%#llx", (unsigned long long)v);
        }
}

/* Like strace: an open's mode is shown only when the flags create something. */
bool pt_render_shows(const struct pt_call *c, int i)
{
        if (c->row->args[i] != PT_ARG_OMODE || i == 0)
                return true;
        return (c->req->data.args[i - 1] & (O_CREAT | 020000000)) != 0;
}

void pt_render_call(struct pt_buf *b, const struct pt_call *c)
{
        pt_buf_printf(b, "%s(", c->row->name);
        for (int i = 0; i < 6 && c->row->args[i] != PT_ARG_NONE; i++) {
                if (!pt_render_shows(c, i))
                        continue;
                if (i)
                        pt_buf_printf(b, ", ");
                pt_render_arg(b, c, i, false);
        }
        pt_buf_printf(b, ")");
}

void pt_render_result(struct pt_buf *b, const struct pt_call *c)
{
        switch (c->reply) {
        case PT_REPLY_VALUE:
        case PT_REPLY_FD:
                pt_buf_printf(b, " = %lld", (long long)c->val);
                break;
        case PT_REPLY_ERROR:
                pt_buf_printf(b, " = -1 %s (%s)", strerrorname_np(c->err) ? strerrorname_np(c->err) : "E?",
                              strerror(c->err));
                break;
        default:
                pt_buf_printf(b, " = ?");
        }
}
