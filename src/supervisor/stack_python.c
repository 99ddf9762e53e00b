/* SPDX-License-Identifier: MIT */
/*
 * The Python half of --backtrace: which Python file and line made the call, read from the
 * interpreter's memory without running anything in the worker (as py-spy and austin do).
 *
 *   _PyRuntime (a symbol of python3.X or libpython3.X.so) → interpreters.head → each
 *   interpreter's threads.head → the PyThreadState whose native_thread_id is the thread's
 *   id in its pid namespace → cframe->current_frame → _PyInterpreterFrame chain:
 *   f_code (co_filename, co_name, co_firstlineno, co_linetable) and prev_instr.
 *
 * The struct offsets are CPython 3.11's (py311.h; tests/backtrace/ checks them against the
 * installed headers). The version comes from the Py_Version symbol
 * (3.11+); anything else, or a debug build, is reported as unknown instead of guessed. Every
 * code object is checked to be of the type named "code" before it is believed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisor/elfsym.h"
#include "supervisor/py311.h"
#include "supervisor/stack.h"
#include "supervisor/target.h"
#include "util/cleanup.h"

#define MAX_INTERPRETERS 64
#define MAX_THREADS 4096
#define MAX_LINETABLE (256u * 1024)

struct reader {
        pid_t tid;
        uint64_t code_type; /* the PyTypeObject named "code", once seen */
};

static int rd(const struct reader *r, uint64_t addr, void *buf, size_t len)
{
        return pt_target_read(r->tid, addr, buf, len);
}

static int rd_ptr(const struct reader *r, uint64_t addr, uint64_t *ret)
{
        return rd(r, addr, ret, sizeof(*ret));
}

static bool is_code(struct reader *r, uint64_t obj)
{
        uint64_t type;
        char name[8] = "";
        if (rd_ptr(r, obj + PY311_OB_TYPE, &type) < 0 || type == 0)
                return false;
        if (r->code_type)
                return type == r->code_type;
        uint64_t tp_name;
        if (rd_ptr(r, type + PY311_TP_NAME, &tp_name) < 0 || pt_target_read_string(r->tid, tp_name, name, sizeof(name)) < 0 ||
            strcmp(name, "code") != 0)
                return false;
        r->code_type = type;
        return true;
}

/* A str object as UTF-8 (compact strings only; others are "?"). */
static void read_str(const struct reader *r, uint64_t obj, char *out, size_t size)
{
        uint32_t state;
        int64_t len;
        snprintf(out, size, "?");
        if (!obj || rd(r, obj + PY311_STR_STATE, &state, sizeof(state)) < 0 || rd(r, obj + PY311_STR_LENGTH, &len, sizeof(len)) < 0)
                return;
        unsigned kind = (state >> 2) & 7, compact = (state >> 5) & 1, ascii = (state >> 6) & 1;
        if (!compact || len < 0 || (kind != 1 && kind != 2 && kind != 4))
                return;
        size_t n = (size_t)len < 1024 ? (size_t)len : 1024, o = 0;
        uint8_t raw[4096];
        if (rd(r, obj + (ascii ? PY311_STR_ASCII_DATA : PY311_STR_COMPACT_DATA), raw, n * kind) < 0)
                return;
        for (size_t i = 0; i < n; i++) {
                uint32_t cp = kind == 1 ? raw[i] : kind == 2 ? (uint32_t)raw[2 * i] | (uint32_t)raw[2 * i + 1] << 8
                                                             : (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 |
                                                                       (uint32_t)raw[4 * i + 2] << 16 |
                                                                       (uint32_t)raw[4 * i + 3] << 24;
                char enc[4];
                size_t k;
                if (cp < 0x80) {
                        enc[0] = (char)cp;
                        k = 1;
                } else if (cp < 0x800) {
                        enc[0] = (char)(0xc0 | cp >> 6);
                        enc[1] = (char)(0x80 | (cp & 0x3f));
                        k = 2;
                } else if (cp < 0x10000) {
                        enc[0] = (char)(0xe0 | cp >> 12);
                        enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
                        enc[2] = (char)(0x80 | (cp & 0x3f));
                        k = 3;
                } else if (cp < 0x110000) {
                        enc[0] = (char)(0xf0 | cp >> 18);
                        enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
                        enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
                        enc[3] = (char)(0x80 | (cp & 0x3f));
                        k = 4;
                } else {
                        enc[0] = '?';
                        k = 1;
                }
                if (o + k + 1 > size)
                        break;
                memcpy(out + o, enc, k);
                o += k;
        }
        out[o] = '\0';
}

static int varint(const uint8_t **p, const uint8_t *end, unsigned *ret)
{
        if (*p >= end)
                return -1;
        unsigned read = *(*p)++, val = read & 63, shift = 0;
        while (read & 64) {
                if (*p >= end || shift > 24)
                        return -1;
                read = *(*p)++;
                shift += 6;
                val |= (read & 63) << shift;
        }
        *ret = val;
        return 0;
}

int pt_py311_addr2line(const uint8_t *table, size_t len, int firstlineno, int addr)
{
        const uint8_t *p = table, *end = table + len;
        int line = firstlineno, start = 0;

        if (addr < 0)
                return firstlineno;
        while (p < end) {
                uint8_t b = *p;
                int code = (b >> 3) & 15, units = (b & 7) + 1;
                if (!(b & 0x80))
                        return -1; /* not at the start of an entry: malformed */
                if (code == 13 || code == 14) { /* NO_COLUMNS, LONG: a signed varint delta */
                        const uint8_t *q = p + 1;
                        unsigned u;
                        if (varint(&q, end, &u) < 0)
                                return -1;
                        line += (u & 1) ? -(int)(u >> 1) : (int)(u >> 1);
                } else if (code == 11 || code == 12) { /* ONE_LINE1, ONE_LINE2 */
                        line += code - 10;
                }
                int stop = start + units * 2;
                if (addr < stop)
                        return code == 15 ? -1 : line;
                start = stop;
                do
                        p++;
                while (p < end && !(*p & 0x80));
        }
        return -1;
}

static int frame_line(const struct reader *r, uint64_t code, uint64_t prev_instr)
{
        int firstlineno;
        uint64_t table;
        int64_t len;
        if (rd(r, code + PY311_CO_FIRSTLINENO, &firstlineno, sizeof(firstlineno)) < 0 ||
            rd_ptr(r, code + PY311_CO_LINETABLE, &table) < 0 || rd(r, table + PY311_OB_SIZE, &len, sizeof(len)) < 0 || len < 0 ||
            (uint64_t)len > MAX_LINETABLE)
                return -1;
        int64_t lasti = ((int64_t)prev_instr - (int64_t)(code + PY311_CO_CODE_ADAPTIVE)) / 2;
        if (lasti > (int64_t)1 << 28 || lasti < -1)
                return -1;
        uint8_t *buf = malloc((size_t)len + 1);
        if (!buf)
                return -1;
        int line = rd(r, table + PY311_BYTES_SVAL, buf, (size_t)len) < 0
                           ? -1
                           : pt_py311_addr2line(buf, (size_t)len, firstlineno, (int)lasti * 2);
        free(buf);
        return line;
}

/* Find the interpreter in the maps: _PyRuntime and Py_Version of python3.X or libpython3.X. */
static bool find_runtime(pid_t tid, const struct pt_maps *m, struct pt_stack *s, uint64_t *ret_runtime)
{
        for (size_t i = 0; i < m->n; i++) {
                const struct pt_map *mp = &m->v[i];
                const char *base = strrchr(mp->path, '/');
                base = base ? base + 1 : mp->path;
                if (mp->offset != 0 || (strncmp(base, "python3", 7) != 0 && strncmp(base, "libpython3", 10) != 0))
                        continue;
                if (pt_maps_base(m, mp) != mp)
                        continue;
                /* The exact object mapped, whatever its path names now. */
                char what[96];
                snprintf(what, sizeof(what), "map_files/%llx-%llx", (unsigned long long)mp->start,
                         (unsigned long long)mp->end);
                _cleanup_close_ int fd = pt_target_open_proc(tid, what, O_RDONLY);
                if (fd < 0)
                        continue;
                struct pt_elf_sym syms[] = { { "_PyRuntime", 0 }, { "Py_Version", 0 }, { "_Py_RefTotal", 0 } };
                uint64_t first_vaddr;
                if (pt_elf_find(fd, syms, 3, &first_vaddr) < 0 || !syms[0].value)
                        continue;
                s->python = true;
                uint64_t bias = mp->start - first_vaddr;
                /* A version from the name when the binary predates Py_Version. */
                const char *v = strstr(base, "python3.");
                int minor = v && isdigit((unsigned char)v[8]) ? atoi(v + 8) : -1;
                uint64_t version = 0;
                if (syms[1].value && pt_target_read(tid, syms[1].value + bias, &version, sizeof(version)) == 0)
                        minor = (int)((version >> 16) & 0xff);
                if (!syms[1].value || (version >> 24) != 3 || minor != 11) {
                        if (minor >= 0)
                                snprintf(s->py_note, sizeof(s->py_note),
                                         "unknown python version 3.%d (only 3.11 is read)", minor);
                        else
                                snprintf(s->py_note, sizeof(s->py_note), "unknown python version (only 3.11 is read)");
                        return false;
                }
                if (syms[2].value) {
                        snprintf(s->py_note, sizeof(s->py_note), "unknown python build (a debug build; only release builds are read)");
                        return false;
                }
                *ret_runtime = syms[0].value + bias;
                return true;
        }
        return false;
}

static uint64_t find_thread(const struct reader *r, uint64_t runtime, pid_t nstid)
{
        uint64_t interp;
        if (rd_ptr(r, runtime + PY311_RT_INTERPRETERS_HEAD, &interp) < 0)
                return 0;
        for (int i = 0; interp && i < MAX_INTERPRETERS; i++) {
                uint64_t ts;
                if (rd_ptr(r, interp + PY311_IS_THREADS_HEAD, &ts) < 0)
                        return 0;
                for (int j = 0; ts && j < MAX_THREADS; j++) {
                        uint64_t ntid;
                        if (rd_ptr(r, ts + PY311_TS_NATIVE_THREAD_ID, &ntid) < 0)
                                return 0;
                        if (ntid == (uint64_t)nstid)
                                return ts;
                        if (rd_ptr(r, ts + PY311_TS_NEXT, &ts) < 0)
                                return 0;
                }
                if (rd_ptr(r, interp + PY311_IS_NEXT, &interp) < 0)
                        return 0;
        }
        return 0;
}

void pt_stack_python(pid_t tid, pid_t nstid, const struct pt_maps *m, struct pt_stack *s)
{
        struct reader r = { .tid = tid };
        uint64_t runtime, ts, cframe, frame;

        s->python = false;
        s->npy = 0;
        s->py_note[0] = '\0';
        if (!find_runtime(tid, m, s, &runtime))
                return;
        if (nstid <= 0 || !(ts = find_thread(&r, runtime, nstid))) {
                snprintf(s->py_note, sizeof(s->py_note), "this thread runs no Python code");
                return;
        }
        if (rd_ptr(&r, ts + PY311_TS_CFRAME, &cframe) < 0 || rd_ptr(&r, cframe + PY311_CF_CURRENT_FRAME, &frame) < 0) {
                snprintf(s->py_note, sizeof(s->py_note), "the thread state could not be read");
                return;
        }
        for (int depth = 0; frame && depth < 1024; depth++) {
                uint64_t code, prev_instr, previous;
                uint8_t owner;
                int firsttraceable;
                if (rd_ptr(&r, frame + PY311_IF_F_CODE, &code) < 0 || rd_ptr(&r, frame + PY311_IF_PREV_INSTR, &prev_instr) < 0 ||
                    rd(&r, frame + PY311_IF_OWNER, &owner, 1) < 0 || rd_ptr(&r, frame + PY311_IF_PREVIOUS, &previous) < 0 ||
                    !is_code(&r, code) || rd(&r, code + PY311_CO_FIRSTTRACEABLE, &firsttraceable, sizeof(firsttraceable)) < 0) {
                        snprintf(s->py_note, sizeof(s->py_note), "a frame could not be read");
                        return;
                }
                /* An incomplete frame (being set up or torn down) is not on the Python stack. */
                bool incomplete = owner != PY311_FRAME_OWNED_BY_GENERATOR &&
                                  prev_instr < code + PY311_CO_CODE_ADAPTIVE + 2 * (uint64_t)(firsttraceable > 0 ? firsttraceable : 0);
                if (!incomplete) {
                        if (s->npy == PT_STACK_MAX_PY) {
                                snprintf(s->py_note, sizeof(s->py_note), "more frames not shown");
                                return;
                        }
                        struct pt_stack_pyframe *pf = &s->py[s->npy++];
                        uint64_t filename, name;
                        pf->file[0] = pf->func[0] = '\0';
                        if (rd_ptr(&r, code + PY311_CO_FILENAME, &filename) == 0)
                                read_str(&r, filename, pf->file, sizeof(pf->file));
                        if (rd_ptr(&r, code + PY311_CO_NAME, &name) == 0)
                                read_str(&r, name, pf->func, sizeof(pf->func));
                        pf->line = frame_line(&r, code, prev_instr);
                }
                frame = previous;
        }
        if (s->npy == 0)
                snprintf(s->py_note, sizeof(s->py_note), "no Python frame is running on this thread");
}
