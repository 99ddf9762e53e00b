/* SPDX-License-Identifier: MIT */
/* The programs the worker may become (run permission), as (st_dev, st_ino). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/policy.h"

struct pt_exec_id {
        dev_t dev;
        ino_t ino;
};

struct pt_exec_set {
        struct pt_exec_id *v;
        size_t n;
};

/* What a process may become at PTRACE_EVENT_EXEC. */
struct pt_exec_rules {
        struct pt_exec_set allow; /* the allowed programs found at start-up, with #! interpreters */
        struct pt_exec_set deny;  /* the denied ones */
        bool allow_all;           /* bare --allow-run or -A: anything not in deny */
};

/*
 * Add the initial program as an allow-run rule ("the program"), then resolve every run rule
 * found at start-up to its (st_dev, st_ino), with the interpreter of its #! line; allowed
 * programs are also added to the policy as readable (the kernel reads what it execs).
 */
int pt_exec_rules_build(struct pt_policy *p, const struct pt_context *ctx, const char *initial,
                        struct pt_exec_rules *ret, struct pt_error *err);
void pt_exec_rules_free(struct pt_exec_rules *rules);
bool pt_exec_set_has(const struct pt_exec_set *set, dev_t dev, ino_t ino);

/* The absolute interpreter path of a #! file open at fd: 1 and buf set, or 0 when none. */
int pt_shebang_interpreter(int fd, char *buf, size_t size);
