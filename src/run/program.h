/* SPDX-License-Identifier: MIT */
/*
 * What to run: a program found on PATH like env(1), a SCRIPT.py under the Python
 * interpreter, or the built-in demo worker. Resolved once at start-up, outside the sandbox.
 */
#pragma once

#include <stdbool.h>

#include "cli/options.h"
#include "policy/policy.h"

struct pt_python {
        char *exe;       /* the real interpreter (a pyenv-style shim resolved away) */
        char *prefix;
        char *exec_prefix;
        char version[16]; /* "3.11" */
};

struct pt_program {
        char *exec_path;  /* absolute, canonical */
        char **argv;      /* NULL-terminated, owned */
        char *script;     /* canonical script path, or NULL */
        bool demo;
        bool python;      /* runs under struct python */
        struct pt_python py;
        char **baseline;  /* extra baseline read/ffi paths, NULL-terminated, owned */
};

/*
 * Resolve o->argv (or the demo). On failure: *ret_exit is 127 (not found), 126 (not
 * executable) or 2 (bad usage), with err set.
 */
int pt_program_resolve(const struct pt_options *o, const struct pt_context *ctx, struct pt_program *ret,
                       int *ret_exit, struct pt_error *err);
void pt_program_free(struct pt_program *prog);

/* Find and describe the interpreter (python3 on PATH unless `requested`). */
int pt_python_resolve(const char *requested, const struct pt_context *ctx, struct pt_python *ret,
                      struct pt_error *err);
void pt_python_free(struct pt_python *py);
/* The interpreter's own files, for the baseline: appended to a NULL-terminated vector. */
int pt_python_baseline(const struct pt_python *py, char ***vec, size_t *n);

/* The demo worker's source (tools/demo/demo_worker.py, embedded at build time). */
extern const char pt_demo_worker_py[];
/* The demo's own policy, merged with whatever the user gave. */
int pt_demo_policy(struct pt_policy *p, const struct pt_context *ctx, struct pt_error *err);

/* The worker's environment (design 1.4): POD_* never, a safe default set, plus --allow-env. */
int pt_env_build(const struct pt_policy *p, char *const *envp, char ***ret_envp);
/* http_proxy and friends: set by podtrace (pointing at its proxy), never passed through. */
bool pt_env_is_proxy_var(const char *name);
void pt_strv_free(char **v);
int pt_strv_push(char ***vec, size_t *n, const char *s);
