/* SPDX-License-Identifier: MIT */
/* The per-syscall log and the denial notices. */
#include "log/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "handlers/call.h"
#include "log/render.h"
#include "log/seen.h"
#include "log/summary.h"

#define LINE_MAX_BYTES (3 * PATH_MAX + 1024)

struct pt_log {
        int fd;
        bool own_fd;
        enum pt_log_format format;
        bool verbose, quiet;
        struct pt_seen notices; /* (permission, value) already reported */
        size_t notice_count;
        struct pt_summary *summary; /* --summary */
};

int pt_log_open(const struct pt_log_config *cfg, struct pt_log **ret_log)
{
        struct pt_log *log = calloc(1, sizeof(*log));
        if (!log)
                return -ENOMEM;
        log->fd = STDERR_FILENO;
        log->format = cfg->format;
        log->verbose = cfg->verbose;
        log->quiet = cfg->quiet;
        pt_seen_init(&log->notices);
        if (cfg->summary && !(log->summary = pt_summary_new())) {
                free(log);
                return -ENOMEM;
        }
        if (cfg->file) {
                log->fd = open(cfg->file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
                if (log->fd < 0) {
                        int r = -errno;
                        pt_summary_free(log->summary);
                        free(log);
                        return r;
                }
                log->own_fd = true;
                /* a log file means the caller wants the log, even without -v */
                log->verbose = true;
        }
        *ret_log = log;
        return 0;
}

void pt_log_close(struct pt_log *log)
{
        if (!log)
                return;
        if (log->own_fd)
                close(log->fd);
        pt_summary_free(log->summary);
        pt_seen_destroy(&log->notices);
        free(log);
}

bool pt_log_wants_calls(const struct pt_log *log)
{
        return log && log->verbose;
}

static void write_raw(int fd, const char *p, size_t n)
{
        while (n > 0) {
                ssize_t w = write(fd, p, n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return;
                }
                p += w;
                n -= (size_t)w;
        }
}

/* Everything podtrace writes goes through here, in one write(2) (lines do not interleave):
 * bytes the worker chose (paths, names) are escaped where they are formatted, and this makes
 * sure no control byte reaches the terminal whatever the format did. */
static void write_all(int fd, const char *p, size_t n)
{
        char stack[4 * 4096];
        size_t size = 4 * n + 8;
        char *buf = size <= sizeof(stack) ? stack : malloc(size);
        if (!buf) {
                write_raw(fd, "podtrace: (a line was lost: out of memory)\n", 44);
                return;
        }
        size_t m = pt_text_terminal_safe(p, n, buf, size);
        write_raw(fd, buf, m);
        if (buf != stack)
                free(buf);
}

static void text_line(struct pt_buf *b, const struct pt_call *c)
{
        char rule[PATH_MAX + 64];
        pt_buf_printf(b, "[pid %d] ", c->ids.tid);
        pt_render_call(b, c);
        pt_render_result(b, c);
        if (c->decided) {
                pt_decision_describe(&c->dec, rule, sizeof(rule));
                pt_buf_printf(b, " <%s>", rule);
        }
}

/* JSON strings must be UTF-8: a byte that is not part of a valid sequence becomes "\\xNN". */
static char *utf8_clean(const char *s, char *buf, size_t size)
{
        size_t o = 0;
        const unsigned char *p = (const unsigned char *)s;
        while (*p && o + 5 < size) {
                int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
                for (int k = 1; k < len; k++)
                        if ((p[k] & 0xc0) != 0x80)
                                len = 0;
                if (len == 0) {
                        o += (size_t)snprintf(buf + o, size - o, "\\x%02x", *p++);
                        continue;
                }
                memcpy(buf + o, p, (size_t)len);
                o += (size_t)len;
                p += len;
        }
        buf[o] = '\0';
        return buf;
}

static void add_str(cJSON *o, const char *key, const char *value)
{
        static __thread char clean[2 * PATH_MAX + 16]; /* off the notify threads' small stacks */
        if (value)
                cJSON_AddStringToObject(o, key, utf8_clean(value, clean, sizeof(clean)));
        else
                cJSON_AddNullToObject(o, key);
}

/* The fields every JSON line starts with: Deno's audit "v" and "datetime", and "time". */
static cJSON *json_start(void)
{
        struct timespec ts;
        struct tm tm;
        char when[64], full[96];
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(full, sizeof(full), "%.40s.%06ldZ", when, (long)(ts.tv_nsec / 1000) % 1000000);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "v", 1);
        cJSON_AddStringToObject(o, "time", full);
        cJSON_AddStringToObject(o, "datetime", full);
        return o;
}

static void add_decision(cJSON *o, const struct pt_decision *d, enum pt_perm perm, const char *value)
{
        cJSON_AddStringToObject(o, "permission", pt_perm_name(d ? d->perm : perm));
        add_str(o, "value", d ? value : NULL);
        cJSON_AddStringToObject(o, "decision", !d ? "none" : d->allow ? "allow" : "deny");
        if (d && d->learned)
                cJSON_AddStringToObject(o, "rule", "(learned)");
        else if (d && d->rule)
                add_str(o, "rule", d->rule->text);
        else
                cJSON_AddStringToObject(o, "rule", d && d->source ? "*" : "default");
        add_str(o, "source", d ? d->source : NULL);
}

static char *json_line(const struct pt_call *c)
{
        cJSON *o = json_start();
        cJSON_AddNumberToObject(o, "pid", c->ids.tgid);
        cJSON_AddNumberToObject(o, "tid", c->ids.tid);
        cJSON_AddStringToObject(o, "syscall", c->row->name);
        cJSON *args = cJSON_AddArrayToObject(o, "args");
        static __thread char clean[2 * PATH_MAX + 16];
        for (int i = 0; i < 6 && c->row->args[i] != PT_ARG_NONE; i++) {
                char tmp[PATH_MAX + 64];
                struct pt_buf a = { tmp, 0, sizeof(tmp) };
                const char *raw = NULL;
                if (!pt_render_shows(c, i))
                        continue;
                for (int k = 0; k < PT_CALL_STRS; k++)
                        if (c->have_str[k] && c->str_arg[k] == i)
                                raw = c->str[k];
                tmp[0] = '\0';
                if (raw)
                        utf8_clean(raw, clean, sizeof(clean));
                else
                        pt_render_arg(&a, c, i, false);
                cJSON_AddItemToArray(args, cJSON_CreateString(raw ? clean : tmp));
        }
        add_decision(o, c->decided ? &c->dec : NULL, c->row->perm, c->value);
        switch (c->reply) {
        case PT_REPLY_VALUE:
        case PT_REPLY_FD:
                cJSON_AddNumberToObject(o, "result", (double)c->val);
                break;
        case PT_REPLY_ERROR:
                cJSON_AddNumberToObject(o, "result", -c->err);
                cJSON_AddStringToObject(o, "errno", strerrorname_np(c->err) ? strerrorname_np(c->err) : "E?");
                break;
        default:
                cJSON_AddNullToObject(o, "result"); /* left to the kernel: not known here */
        }
        char *line = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        return line;
}

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One line (a NUL-terminated string without its newline) with one write. */
static void write_line(struct pt_log *log, const char *text)
{
        size_t n = strlen(text);
        char stack[LINE_MAX_BYTES];
        char *buf = n + 1 <= sizeof(stack) ? stack : malloc(n + 1);
        if (!buf)
                return;
        memcpy(buf, text, n);
        buf[n] = '\n';
        write_all(log->fd, buf, n + 1);
        if (buf != stack)
                free(buf);
}

void pt_log_call(struct pt_log *log, const struct pt_call *c)
{
        char line[LINE_MAX_BYTES];
        struct pt_buf b = { line, 0, sizeof(line) - 1 };

        if (log && log->summary)
                pt_summary_add(log->summary, c, c->t_start_ns ? now_ns() - c->t_start_ns : 0);
        if (!pt_log_wants_calls(log))
                return;
        if (log->format == PT_LOG_JSON) {
                char *json = json_line(c);
                if (json)
                        write_line(log, json);
                free(json);
                return;
        }
        line[0] = '\0';
        text_line(&b, c);
        line[b.len++] = '\n';
        write_all(log->fd, line, b.len);
}

uint64_t pt_log_now_ns(void)
{
        return now_ns();
}

void pt_log_summary(struct pt_log *log)
{
        if (!log || !log->summary)
                return;
        char *text = log->format == PT_LOG_JSON ? pt_summary_json(log->summary) : pt_summary_text(log->summary);
        if (!text)
                return;
        size_t n = strlen(text);
        if (n && text[n - 1] == '\n')
                text[n - 1] = '\0';
        write_line(log, text);
        free(text);
}

/* "pipe:[12]", "uts:[4026…]", "/memfd:x (deleted)": objects without a path a rule could name. */
static bool not_nameable(enum pt_perm perm, const char *value)
{
        if (perm != PT_PERM_READ && perm != PT_PERM_WRITE && perm != PT_PERM_FFI && perm != PT_PERM_RUN)
                return false;
        size_t n = strlen(value);
        return value[0] != '/' || (n > 10 && strcmp(value + n - 10, " (deleted)") == 0);
}

/* The notice text after "(who); ": how to allow it, or why it cannot be. */
static void notice_fix(struct pt_buf *b, const struct pt_decision *d, const char *value, const char *fix)
{
        const char *perm = pt_perm_name(d->perm);
        if (d->rule)
                pt_buf_printf(b, "it matches the deny rule \"%s\" from %s", d->rule->text, d->source);
        else if (d->source)
                pt_buf_printf(b, "all %s access is denied by %s", perm, d->source);
        else if (fix)
                pt_buf_printf(b, "to allow it, run again with %s", fix);
        else if (not_nameable(d->perm, value))
                pt_buf_printf(b, "it is not a file a rule can name");
        else {
                pt_buf_printf(b, "to allow it, run again with --allow-%s=", perm);
                pt_buf_shell_word(b, value);
        }
}

int pt_log_denial_text(const struct pt_decision *d, const char *value, const char *who, const char *fix,
                       char *buf, size_t size)
{
        struct pt_buf b = { buf, 0, size };
        buf[0] = '\0';
        pt_buf_printf(&b, "denied %s access to ", pt_perm_name(d->perm));
        pt_buf_quoted(&b, value, false);
        pt_buf_printf(&b, " (%s); ", who);
        notice_fix(&b, d, value, fix);
        return (int)b.len;
}

void pt_log_notice(struct pt_log *log, const struct pt_decision *d, const char *value, const char *who,
                   const char *fix)
{
        char line[LINE_MAX_BYTES];
        if (!log || log->quiet || !pt_seen_first(&log->notices, d->perm, value))
                return;
        int n = snprintf(line, sizeof(line), "podtrace: ");
        n += pt_log_denial_text(d, value, who, fix, line + n, sizeof(line) - (size_t)n - 1);
        line[n++] = '\n';
        write_all(STDERR_FILENO, line, (size_t)n);
}

void pt_log_denied(struct pt_log *log, const struct pt_call *c)
{
        char comm[32], who[160];
        if (!log || log->quiet)
                return;
        pt_target_comm(c->req->pid, comm, sizeof(comm));
        struct pt_buf b = { who, 0, sizeof(who) };
        pt_buf_printable(&b, comm); /* the worker names itself (prctl PR_SET_NAME) */
        pt_buf_printf(&b, "[%d] %s", c->ids.tid, c->row->name);
        pt_log_notice(log, &c->dec, c->value, who, c->fix);
}

void pt_log_line(struct pt_log *log, const char *text)
{
        char line[LINE_MAX_BYTES];
        if (!pt_log_wants_calls(log))
                return;
        if (log->format == PT_LOG_JSON) {
                cJSON *o = json_start();
                cJSON_AddStringToObject(o, "syscall", "proxy");
                add_str(o, "message", text);
                char *json = cJSON_PrintUnformatted(o);
                cJSON_Delete(o);
                if (json)
                        write_line(log, json);
                free(json);
                return;
        }
        int n = snprintf(line, sizeof(line) - 1, "%s", text);
        if (n > (int)sizeof(line) - 2)
                n = (int)sizeof(line) - 2;
        line[n++] = '\n';
        write_all(log->fd, line, (size_t)n);
}

/* --backtrace (supervisor/backtrace.c): lines formatted by the caller, in one write. */
void pt_log_stderr(struct pt_log *log, const char *text, size_t len)
{
        (void)log;
        write_all(STDERR_FILENO, text, len);
}

void pt_log_raw(struct pt_log *log, const char *text)
{
        if (pt_log_wants_calls(log))
                write_line(log, text);
}

void pt_log_proxy(struct pt_log *log, const struct pt_log_proxy_event *e)
{
        if (log && log->summary && e->decision)
                pt_summary_add_proxy(log->summary, e->decision->allow);
        if (!pt_log_wants_calls(log))
                return;
        char value[300], rule[PATH_MAX + 64] = "";
        bool v6 = strchr(e->host, ':') != NULL;
        snprintf(value, sizeof(value), v6 ? "[%s]:%u" : "%s:%u", e->host, e->port);
        if (log->format != PT_LOG_JSON) {
                char line[LINE_MAX_BYTES];
                if (e->decision)
                        pt_decision_describe(e->decision, rule, sizeof(rule));
                if (e->status)
                        snprintf(line, sizeof(line), "[proxy] %s %s = %d %s%s%s%s", e->method, value, e->status,
                                 e->reason, rule[0] ? " <" : "", rule, rule[0] ? ">" : "");
                else
                        snprintf(line, sizeof(line), "[proxy] %s %s = %s%s%s%s", e->method, value, e->reason,
                                 rule[0] ? " <" : "", rule, rule[0] ? ">" : "");
                write_line(log, line);
                return;
        }
        cJSON *o = json_start();
        cJSON_AddNullToObject(o, "pid");
        cJSON_AddNullToObject(o, "tid");
        cJSON_AddStringToObject(o, "syscall", "proxy");
        cJSON *args = cJSON_AddArrayToObject(o, "args");
        cJSON_AddItemToArray(args, cJSON_CreateString(e->method));
        cJSON_AddItemToArray(args, cJSON_CreateString(value));
        add_decision(o, e->decision, PT_PERM_NET, value);
        if (e->status)
                cJSON_AddNumberToObject(o, "result", e->status);
        else
                cJSON_AddStringToObject(o, "result", e->reason);
        char *json = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (json)
                write_line(log, json);
        free(json);
}

void pt_log_message(struct pt_log *log, const char *fmt, ...)
{
        char line[1024];
        va_list ap;
        int n = snprintf(line, sizeof(line), "podtrace: ");
        va_start(ap, fmt);
        n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
        va_end(ap);
        if (n > (int)sizeof(line) - 2)
                n = (int)sizeof(line) - 2;
        line[n++] = '\n';
        write_all(STDERR_FILENO, line, (size_t)n);
        (void)log;
}
