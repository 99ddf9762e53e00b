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

#include "handlers/call.h"
#include "log/render.h"

#define LINE_MAX_BYTES (3 * PATH_MAX + 1024)
#define NOTICE_SLOTS 4096

struct pt_log {
        int fd;
        bool own_fd;
        enum pt_log_format format;
        bool verbose, quiet;
        pthread_mutex_t notice_lock;
        uint64_t notice_seen[NOTICE_SLOTS]; /* hashes of (permission, value) already reported */
        size_t notice_count;
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
        pthread_mutex_init(&log->notice_lock, NULL);
        if (cfg->file) {
                log->fd = open(cfg->file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
                if (log->fd < 0) {
                        int r = -errno;
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
        pthread_mutex_destroy(&log->notice_lock);
        free(log);
}

bool pt_log_wants_calls(const struct pt_log *log)
{
        return log && log->verbose;
}

static void write_all(int fd, const char *p, size_t n)
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

static void json_line(struct pt_buf *b, const struct pt_call *c)
{
        struct timespec ts;
        struct tm tm;
        char when[64];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
        pt_buf_printf(b, "{\"time\":\"%s.%06ldZ\",\"pid\":%d,\"tid\":%d,\"syscall\":\"%s\",\"args\":[", when,
                      ts.tv_nsec / 1000, c->ids.tgid, c->ids.tid, c->row->name);
        bool first = true;
        for (int i = 0; i < 6 && c->row->args[i] != PT_ARG_NONE; i++) {
                char tmp[PATH_MAX + 64];
                struct pt_buf a = { tmp, 0, sizeof(tmp) };
                if (!pt_render_shows(c, i))
                        continue;
                tmp[0] = '\0';
                pt_render_arg(&a, c, i, true);
                if (!first)
                        pt_buf_printf(b, ",");
                first = false;
                if (tmp[0] == '"')
                        pt_buf_printf(b, "%s", tmp);
                else
                        pt_buf_quoted(b, tmp, true);
        }
        pt_buf_printf(b, "],\"permission\":\"%s\",\"value\":", pt_perm_name(c->decided ? c->dec.perm : c->row->perm));
        if (c->decided)
                pt_buf_quoted(b, c->value, true);
        else
                pt_buf_printf(b, "null");
        pt_buf_printf(b, ",\"decision\":\"%s\",\"rule\":",
                      !c->decided ? "none" : c->dec.allow ? "allow" : "deny");
        if (c->decided && c->dec.rule)
                pt_buf_quoted(b, c->dec.rule->text, true);
        else if (c->decided && c->dec.source)
                pt_buf_printf(b, "\"*\"");
        else
                pt_buf_printf(b, "\"default\"");
        pt_buf_printf(b, ",\"source\":");
        if (c->decided && c->dec.source)
                pt_buf_quoted(b, c->dec.source, true);
        else
                pt_buf_printf(b, "null");
        pt_buf_printf(b, ",\"result\":");
        switch (c->reply) {
        case PT_REPLY_VALUE:
        case PT_REPLY_FD:
                pt_buf_printf(b, "%lld", (long long)c->val);
                break;
        case PT_REPLY_ERROR:
                pt_buf_printf(b, "-%d,\"errno\":\"%s\"", c->err,
                              strerrorname_np(c->err) ? strerrorname_np(c->err) : "E?");
                break;
        default:
                pt_buf_printf(b, "null");
        }
        pt_buf_printf(b, "}");
}

void pt_log_call(struct pt_log *log, const struct pt_call *c)
{
        char line[LINE_MAX_BYTES];
        struct pt_buf b = { line, 0, sizeof(line) - 1 };

        if (!pt_log_wants_calls(log))
                return;
        line[0] = '\0';
        if (log->format == PT_LOG_JSON)
                json_line(&b, c);
        else
                text_line(&b, c);
        line[b.len++] = '\n';
        write_all(log->fd, line, b.len);
}

static uint64_t hash_notice(enum pt_perm perm, const char *value)
{
        uint64_t h = 1469598103934665603ull ^ (uint64_t)perm;
        for (const unsigned char *p = (const unsigned char *)value; *p; p++)
                h = (h ^ *p) * 1099511628211ull;
        return h ? h : 1;
}

/* True the first time (perm, value) is seen; the set is bounded, past it notices repeat. */
static bool notice_first(struct pt_log *log, enum pt_perm perm, const char *value)
{
        uint64_t h = hash_notice(perm, value);
        bool first = true;
        pthread_mutex_lock(&log->notice_lock);
        size_t s = h % NOTICE_SLOTS;
        for (size_t i = 0; i < 32; i++) {
                size_t k = (s + i) % NOTICE_SLOTS;
                if (log->notice_seen[k] == h) {
                        first = false;
                        break;
                }
                if (log->notice_seen[k] == 0) {
                        log->notice_seen[k] = h;
                        break;
                }
        }
        pthread_mutex_unlock(&log->notice_lock);
        return first;
}

/* A value as one shell word. */
static void shell_word(struct pt_buf *b, const char *s)
{
        bool plain = *s != '\0';
        for (const char *p = s; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@%*[]", *p))
                        plain = false;
        if (plain) {
                pt_buf_printf(b, "%s", s);
                return;
        }
        pt_buf_printf(b, "'");
        for (const char *p = s; *p; p++) {
                if (*p == '\'')
                        pt_buf_printf(b, "'\\''");
                else
                        pt_buf_printf(b, "%c", *p);
        }
        pt_buf_printf(b, "'");
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
                shell_word(b, value);
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
        if (!log || log->quiet || !notice_first(log, d->perm, value))
                return;
        int n = snprintf(line, sizeof(line), "podtrace: ");
        n += pt_log_denial_text(d, value, who, fix, line + n, sizeof(line) - (size_t)n - 1);
        line[n++] = '\n';
        write_all(STDERR_FILENO, line, (size_t)n);
}

void pt_log_denied(struct pt_log *log, const struct pt_call *c)
{
        char comm[32], who[96];
        if (!log || log->quiet)
                return;
        pt_target_comm(c->req->pid, comm, sizeof(comm));
        snprintf(who, sizeof(who), "%s[%d] %s", comm, c->ids.tid, c->row->name);
        pt_log_notice(log, &c->dec, c->value, who, c->fix);
}

void pt_log_line(struct pt_log *log, const char *text)
{
        char line[LINE_MAX_BYTES];
        if (!pt_log_wants_calls(log))
                return;
        int n = snprintf(line, sizeof(line) - 1, "%s", text);
        if (n > (int)sizeof(line) - 2)
                n = (int)sizeof(line) - 2;
        line[n++] = '\n';
        write_all(log->fd, line, (size_t)n);
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
