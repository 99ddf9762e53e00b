/* SPDX-License-Identifier: MIT */
/*
 * CPython 3.11's struct offsets, for reading an interpreter's memory from outside
 * (stack_python.c). LP64, release build (no Py_DEBUG / Py_TRACE_REFS): the same for every
 * 3.11.x, since a bugfix release keeps the ABI. tests/backtrace/test_py311_offsets.c
 * compares each with offsetof() on the installed 3.11 headers.
 */
#pragma once

enum {
        PY311_RT_INTERPRETERS_HEAD = 40,   /* _PyRuntimeState.interpreters.head */
        PY311_IS_NEXT = 0,                 /* PyInterpreterState.next */
        PY311_IS_THREADS_HEAD = 16,        /* PyInterpreterState.threads.head */
        PY311_TS_NEXT = 8,                 /* PyThreadState.next */
        PY311_TS_CFRAME = 56,              /* PyThreadState.cframe */
        PY311_TS_NATIVE_THREAD_ID = 160,   /* PyThreadState.native_thread_id */
        PY311_CF_CURRENT_FRAME = 8,        /* _PyCFrame.current_frame */
        PY311_IF_F_CODE = 32,              /* _PyInterpreterFrame.f_code */
        PY311_IF_PREVIOUS = 48,            /* _PyInterpreterFrame.previous */
        PY311_IF_PREV_INSTR = 56,          /* _PyInterpreterFrame.prev_instr */
        PY311_IF_OWNER = 69,               /* _PyInterpreterFrame.owner */
        PY311_CO_FIRSTLINENO = 72,         /* PyCodeObject.co_firstlineno */
        PY311_CO_FILENAME = 112,
        PY311_CO_NAME = 120,
        PY311_CO_LINETABLE = 136,
        PY311_CO_FIRSTTRACEABLE = 168,     /* PyCodeObject._co_firsttraceable */
        PY311_CO_CODE_ADAPTIVE = 184,      /* PyCodeObject.co_code_adaptive: the bytecode */
        PY311_OB_TYPE = 8,                 /* PyObject.ob_type */
        PY311_OB_SIZE = 16,                /* PyVarObject.ob_size */
        PY311_TP_NAME = 24,                /* PyTypeObject.tp_name */
        PY311_BYTES_SVAL = 32,             /* PyBytesObject.ob_sval */
        PY311_STR_LENGTH = 16,             /* PyASCIIObject.length */
        PY311_STR_STATE = 32,              /* PyASCIIObject.state */
        PY311_STR_ASCII_DATA = 48,         /* sizeof(PyASCIIObject) */
        PY311_STR_COMPACT_DATA = 72,       /* sizeof(PyCompactUnicodeObject) */
        PY311_FRAME_OWNED_BY_GENERATOR = 1,
};
