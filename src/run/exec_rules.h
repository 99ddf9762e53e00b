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
        struct pt_exec_set allow; /* the allowed programs found at start-up (not their #! interpreters:
                                   * those are granted per exec, exec_check.c) */
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

/* A #! line as the kernel reads it (fs/binfmt_script.c): the interpreter and its one
 * optional argument (the rest of the line, trailing blanks trimmed). */
struct pt_shebang {
        char interp[256];
        char arg[256];
        bool has_arg;
};
/* One allowed #! exec: its interpreter may become the process, with exactly the arguments the
 * kernel gives it (the #! line's, then the script's name), naming that script. */
struct pt_exec_grant {
        struct pt_exec_id interp;
        struct pt_exec_id script;
        struct pt_shebang sb;
};

/* Parse the #! line of the file open at fd: 1 and *ret set for an absolute interpreter, or 0. */
int pt_shebang_parse(int fd, struct pt_shebang *ret);
/* The absolute interpreter path of a #! file open at fd: 1 and buf set, or 0 when none. */
int pt_shebang_interpreter(int fd, char *buf, size_t size);
