/* SPDX-License-Identifier: MIT */
/*
 * --summary, like strace -c: per syscall and permission, the calls allowed, denied and left
 * undecided (no access to decide: an fstat of an fd the worker holds), and the time the
 * supervisor spent on them (from the notification to the reply). Counters are atomics in a
 * table sized by the syscall table, so notify threads never wait on each other here.
 */
#include "log/summary.h"

#include <cjson/cJSON.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/call.h"

struct cell {
        atomic_ulong allowed, denied, undecided, ns;
};

struct pt_summary {
        const struct pt_syscall_row *rows;
        size_t nrows;
        struct cell *cells; /* (nrows + 1) x PT_PERM_COUNT; the last row: the proxy's requests */
};

struct line {
        const char *syscall, *perm;
        unsigned long allowed, denied, undecided, ns;
};

struct pt_summary *pt_summary_new(void)
{
        struct pt_summary *s = calloc(1, sizeof(*s));
        if (!s)
                return NULL;
        s->rows = pt_syscall_rows(&s->nrows);
        s->cells = calloc((s->nrows + 1) * PT_PERM_COUNT, sizeof(*s->cells));
        if (!s->cells) {
                free(s);
                return NULL;
        }
        return s;
}

void pt_summary_free(struct pt_summary *s)
{
        if (s)
                free(s->cells);
        free(s);
}

static void count(struct cell *cell, int verdict, uint64_t ns)
{
        atomic_fetch_add_explicit(verdict > 0 ? &cell->allowed : verdict < 0 ? &cell->denied : &cell->undecided, 1,
                                  memory_order_relaxed);
        atomic_fetch_add_explicit(&cell->ns, ns, memory_order_relaxed);
}

void pt_summary_add(struct pt_summary *s, const struct pt_call *c, uint64_t ns)
{
        size_t row = (size_t)(c->row - s->rows);
        if (row >= s->nrows)
                return;
        enum pt_perm perm = c->decided ? c->dec.perm : c->row->perm;
        count(&s->cells[row * PT_PERM_COUNT + perm], !c->decided ? 0 : c->dec.allow ? 1 : -1, ns);
}

void pt_summary_add_proxy(struct pt_summary *s, bool allowed)
{
        count(&s->cells[s->nrows * PT_PERM_COUNT + PT_PERM_NET], allowed ? 1 : -1, 0);
}

static int by_time(const void *a, const void *b)
{
        const struct line *x = a, *y = b;
        if (x->ns != y->ns)
                return x->ns < y->ns ? 1 : -1;
        unsigned long cx = x->allowed + x->denied + x->undecided, cy = y->allowed + y->denied + y->undecided;
        return cx < cy ? 1 : cx > cy ? -1 : strcmp(x->syscall, y->syscall);
}

/* The non-empty lines, sorted by time then calls; *total gets the sums. */
static struct line *collect(const struct pt_summary *s, size_t *ret_n, struct line *total)
{
        struct line *v = calloc((s->nrows + 1) * PT_PERM_COUNT, sizeof(*v));
        size_t n = 0;
        memset(total, 0, sizeof(*total));
        if (!v)
                return NULL;
        for (size_t r = 0; r <= s->nrows; r++)
                for (int p = 0; p < PT_PERM_COUNT; p++) {
                        const struct cell *c = &s->cells[r * PT_PERM_COUNT + p];
                        struct line l = { r < s->nrows ? s->rows[r].name : "(proxy request)",
                                          pt_perm_name((enum pt_perm)p), atomic_load(&c->allowed),
                                          atomic_load(&c->denied), atomic_load(&c->undecided),
                                          atomic_load(&c->ns) };
                        if (!l.allowed && !l.denied && !l.undecided)
                                continue;
                        v[n++] = l;
                        total->allowed += l.allowed;
                        total->denied += l.denied;
                        total->undecided += l.undecided;
                        total->ns += l.ns;
                }
        qsort(v, n, sizeof(*v), by_time);
        *ret_n = n;
        return v;
}

/* The text table (like strace -c), one string with a newline after each line. */
char *pt_summary_text(const struct pt_summary *s)
{
        size_t n;
        struct line total;
        struct line *v = collect(s, &n, &total);
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);
        if (!v || !f) {
                free(v);
                if (f)
                        fclose(f);
                free(out);
                return NULL;
        }
        static const char rule[] = "------ ----------- ----------- --------- --------- --------- --------- ---------- "
                                   "----------------\n";
        fprintf(f, "%% time     seconds  usecs/call     calls   allowed    denied undecided permission syscall\n%s", rule);
        for (size_t i = 0; i <= n; i++) {
                const struct line *l = i < n ? &v[i] : &total;
                unsigned long calls = l->allowed + l->denied + l->undecided;
                if (i == n)
                        fputs(rule, f);
                fprintf(f, "%6.2f %11.6f %11lu %9lu %9lu %9lu %9lu %-10s %s\n",
                        total.ns ? 100.0 * (double)l->ns / (double)total.ns : 0.0, (double)l->ns / 1e9,
                        calls ? l->ns / 1000 / calls : 0, calls, l->allowed, l->denied, l->undecided,
                        i < n ? l->perm : "", i < n ? l->syscall : "total");
        }
        fclose(f);
        free(v);
        return out;
}

/* One JSON object: {"summary": [ {syscall, permission, calls, allowed, denied, undecided, seconds} ]} */
char *pt_summary_json(const struct pt_summary *s)
{
        size_t n;
        struct line total;
        struct line *v = collect(s, &n, &total);
        cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "summary");
        char *out = NULL;
        for (size_t i = 0; v && arr && i < n; i++) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "syscall", v[i].syscall);
                cJSON_AddStringToObject(o, "permission", v[i].perm);
                cJSON_AddNumberToObject(o, "calls", (double)(v[i].allowed + v[i].denied + v[i].undecided));
                cJSON_AddNumberToObject(o, "allowed", (double)v[i].allowed);
                cJSON_AddNumberToObject(o, "denied", (double)v[i].denied);
                cJSON_AddNumberToObject(o, "undecided", (double)v[i].undecided);
                cJSON_AddNumberToObject(o, "seconds", (double)v[i].ns / 1e9);
                cJSON_AddItemToArray(arr, o);
        }
        if (v && arr)
                out = cJSON_PrintUnformatted(root);
        cJSON_Delete(root);
        free(v);
        return out;
}
