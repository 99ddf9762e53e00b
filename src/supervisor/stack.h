/* SPDX-License-Identifier: MIT */
/*
 * Reading a stopped worker thread's stack (--backtrace): the native frames through
 * libunwind's ptrace accessors, and, when the thread runs a CPython 3.11 interpreter, the
 * Python frames from the interpreter's memory. Tracer thread only, while the thread is in a
 * ptrace-stop. Everything read from the worker is untrusted: every walk is bounded, every
 * pointer is read with process_vm_readv (a bad one is an error, never a crash), and what is
 * not recognised is reported as unknown rather than guessed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PT_STACK_MAX_FRAMES 48
#define PT_STACK_MAX_PY 32

struct pt_stack_frame {
        uint64_t pc;
        char func[128];   /* "" when unknown */
        uint64_t off;     /* pc - start of func */
        char object[256]; /* the mapped file, "[vdso]", or "" */
        uint64_t obj_off; /* pc - load base of the object */
};

struct pt_stack_pyframe {
        char file[512];
        char func[128];
        int line; /* -1: unknown */
};

struct pt_stack {
        int nframes;
        struct pt_stack_frame frames[PT_STACK_MAX_FRAMES];
        char native_note[128]; /* why the native walk stopped early, or "" */

        bool python;           /* a CPython interpreter is mapped in the process */
        char py_note[160];     /* "unknown python version 3.12", ... or "" */
        int npy;
        struct pt_stack_pyframe py[PT_STACK_MAX_PY]; /* innermost first */
};

/* One line of /proc/TID/maps. */
struct pt_map {
        uint64_t start, end, offset;
        bool exec;
        const char *path; /* into the owning pt_maps; "" for anonymous */
};

struct pt_maps {
        char *buf;
        struct pt_map *v;
        size_t n;
};

int pt_maps_read(pid_t tid, struct pt_maps *m);
void pt_maps_free(struct pt_maps *m);
const struct pt_map *pt_maps_find(const struct pt_maps *m, uint64_t addr);
/* The lowest mapping of the same file as mp (its load base). */
const struct pt_map *pt_maps_base(const struct pt_maps *m, const struct pt_map *mp);

/* The native frames of ptrace-stopped tid, innermost first. */
void pt_stack_native(pid_t tid, const struct pt_maps *m, struct pt_stack *s);
/* The Python frames of the thread whose id in its pid namespace is nstid (0: unknown). */
void pt_stack_python(pid_t tid, pid_t nstid, const struct pt_maps *m, struct pt_stack *s);

/*
 * CPython 3.11's line table (co_linetable) → the line of the instruction at byte offset
 * addr; -1 when the table says "no line" or is malformed. Pure: the unit test drives it.
 */
int pt_py311_addr2line(const uint8_t *table, size_t len, int firstlineno, int addr);
