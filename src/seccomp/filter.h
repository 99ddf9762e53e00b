/* SPDX-License-Identifier: MIT */
/* The worker's seccomp filter: notify the table's syscalls, refuse the hardening table's. */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

/* One always-refused syscall (or syscall + argument pattern), with why and what it breaks. */
struct pt_deny_row {
        int nr;
        const char *name;
        int err;      /* errno returned; 0 kills the process */
        int arg;      /* -1: any arguments; else the argument tested */
        unsigned long long mask, value; /* (args[arg] & mask) == value */
        const char *why;
        const char *breaks;
        bool ne;      /* instead: args[arg] != value (the whole register; mask unused) */
        /* A second condition on another argument, when mask2 != 0: (args[arg2] & mask2) == value2.
         * (libseccomp compares one argument at most once per rule.) */
        int arg2;
        unsigned long long mask2, value2;
};

const struct pt_deny_row *pt_deny_rows(size_t *ret_n);

/*
 * Build the BPF program: a prefix of ours that kills any non-native ABI (int 0x80 on x86_64,
 * x32 numbers) before anything else, then libseccomp's program for the table.
 * prog->filter is malloc'ed.
 */
int pt_filter_build(struct sock_fprog *ret_prog);

/* Install with NEW_LISTENER | WAIT_KILLABLE_RECV (falls back without the latter on old
 * kernels). Returns the listener fd. For the worker child between fork and exec. */
int pt_filter_install(const struct sock_fprog *prog, bool *ret_killable);
