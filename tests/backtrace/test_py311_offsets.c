/* SPDX-License-Identifier: MIT */
/*
 * src/supervisor/py311.h against the installed CPython 3.11 headers: every offset the
 * --backtrace Python reader uses must be what offsetof() says. Built only when the 3.11
 * internal headers are found (tests/backtrace/CMakeLists.txt).
 */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_code.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_runtime.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "supervisor/py311.h"

static int fails;

static void eq(const char *what, size_t ours, size_t real)
{
        if (ours != real) {
                printf("not ok - %s: py311.h says %zu, the headers %zu\n", what, ours, real);
                fails++;
        } else {
                printf("ok - %s = %zu\n", what, ours);
        }
}

#define EQ(ours, type, member) eq(#type "." #member, ours, offsetof(type, member))

int main(void)
{
#if PY_MAJOR_VERSION != 3 || PY_MINOR_VERSION != 11
        printf("SKIP: these headers are Python %d.%d\n", PY_MAJOR_VERSION, PY_MINOR_VERSION);
        return 77;
#else
        EQ(PY311_RT_INTERPRETERS_HEAD, _PyRuntimeState, interpreters.head);
        EQ(PY311_IS_NEXT, PyInterpreterState, next);
        EQ(PY311_IS_THREADS_HEAD, PyInterpreterState, threads.head);
        EQ(PY311_TS_NEXT, PyThreadState, next);
        EQ(PY311_TS_CFRAME, PyThreadState, cframe);
        EQ(PY311_TS_NATIVE_THREAD_ID, PyThreadState, native_thread_id);
        EQ(PY311_CF_CURRENT_FRAME, _PyCFrame, current_frame);
        EQ(PY311_IF_F_CODE, _PyInterpreterFrame, f_code);
        EQ(PY311_IF_PREVIOUS, _PyInterpreterFrame, previous);
        EQ(PY311_IF_PREV_INSTR, _PyInterpreterFrame, prev_instr);
        EQ(PY311_IF_OWNER, _PyInterpreterFrame, owner);
        EQ(PY311_CO_FIRSTLINENO, PyCodeObject, co_firstlineno);
        EQ(PY311_CO_FILENAME, PyCodeObject, co_filename);
        EQ(PY311_CO_NAME, PyCodeObject, co_name);
        EQ(PY311_CO_LINETABLE, PyCodeObject, co_linetable);
        EQ(PY311_CO_FIRSTTRACEABLE, PyCodeObject, _co_firsttraceable);
        EQ(PY311_CO_CODE_ADAPTIVE, PyCodeObject, co_code_adaptive);
        EQ(PY311_OB_TYPE, PyObject, ob_type);
        EQ(PY311_OB_SIZE, PyVarObject, ob_size);
        EQ(PY311_TP_NAME, PyTypeObject, tp_name);
        EQ(PY311_BYTES_SVAL, PyBytesObject, ob_sval);
        EQ(PY311_STR_LENGTH, PyASCIIObject, length);
        EQ(PY311_STR_STATE, PyASCIIObject, state);
        eq("sizeof(PyASCIIObject)", PY311_STR_ASCII_DATA, sizeof(PyASCIIObject));
        eq("sizeof(PyCompactUnicodeObject)", PY311_STR_COMPACT_DATA, sizeof(PyCompactUnicodeObject));
        eq("FRAME_OWNED_BY_GENERATOR", PY311_FRAME_OWNED_BY_GENERATOR, FRAME_OWNED_BY_GENERATOR);
        eq("sizeof(_Py_CODEUNIT)", 2, sizeof(_Py_CODEUNIT));

        /* The str state bits stack_python.c decodes: kind at bit 2, compact 5, ascii 6. */
        PyASCIIObject o;
        unsigned state;
        memset(&o, 0, sizeof(o));
        o.state.kind = 2;
        o.state.compact = 1;
        o.state.ascii = 1;
        memcpy(&state, &o.state, sizeof(state));
        eq("str state bits (kind 2, compact, ascii)", (2u << 2) | (1u << 5) | (1u << 6), state);
        return fails ? 1 : 0;
#endif
}
