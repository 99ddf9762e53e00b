/* SPDX-License-Identifier: MIT */
/* Resolving what `podtrace run` runs, with env(1)'s exit statuses for failures. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/program.h"
#include "util/cleanup.h"

static bool ends_with(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);
        return n > m && strcmp(s + n - m, suffix) == 0;
}

/* "python", "python3", "python3.11" (any directory): the interpreter, shim-aware. */
static bool names_python(const char *arg)
{
        const char *base = strrchr(arg, '/');
        base = base ? base + 1 : arg;
        if (strncmp(base, "python", 6) != 0)
                return false;
        for (const char *c = base + 6; *c; c++)
                if (!(*c >= '0' && *c <= '9') && *c != '.')
                        return false;
        return true;
}

static int set_python(const struct pt_options *o, const struct pt_context *ctx, const char *explicit_exe,
                      struct pt_program *prog, int *ret_exit, struct pt_error *err)
{
        int r = pt_python_resolve(explicit_exe ? explicit_exe : o->python, ctx, &prog->py, err);
        if (r < 0) {
                *ret_exit = r == -ENOENT ? 127 : 126;
                return r;
        }
        prog->python = true;
        prog->exec_path = strdup(prog->py.exe);
        return prog->exec_path ? 0 : pt_error_set(err, -ENOMEM, "out of memory");
}

int pt_program_resolve(const struct pt_options *o, const struct pt_context *ctx, struct pt_program *ret,
                       int *ret_exit, struct pt_error *err)
{
        struct pt_program prog = { 0 };
        size_t argc = 0, nbase = 0;
        int r = 0;

        *ret_exit = 2;
        if (o->argc == 0) {
                /* the embedded default: the demo worker, run from memory with -c */
                prog.demo = true;
                r = set_python(o, ctx, NULL, &prog, ret_exit, err);
                if (r == 0)
                        r = pt_strv_push(&prog.argv, &argc, prog.exec_path);
                if (r == 0)
                        r = pt_strv_push(&prog.argv, &argc, "-c");
                if (r == 0)
                        r = pt_strv_push(&prog.argv, &argc, pt_demo_worker_py);
        } else if (ends_with(o->argv[0], ".py")) {
                r = pt_path_canonicalize(ctx, o->argv[0], &prog.script);
                if (r < 0) {
                        *ret_exit = 127;
                        pt_error_set(err, r, "%s: cannot resolve script path", o->argv[0]);
                        goto fail;
                }
                if (faccessat(AT_FDCWD, prog.script, R_OK, AT_EACCESS) < 0) {
                        *ret_exit = errno == ENOENT ? 127 : 126;
                        pt_error_set(err, -errno, "%s: %s", o->argv[0], strerror(errno));
                        goto fail;
                }
                r = set_python(o, ctx, NULL, &prog, ret_exit, err);
                if (r == 0)
                        r = pt_strv_push(&prog.argv, &argc, prog.exec_path);
                if (r == 0)
                        r = pt_strv_push(&prog.argv, &argc, prog.script);
                if (r == 0)
                        r = pt_strv_push(&prog.baseline, &nbase, prog.script);
        } else if (names_python(o->argv[0])) {
                r = set_python(o, ctx, o->argv[0], &prog, ret_exit, err);
                /* argv[0] is the real path, so Python finds its prefix from it */
                if (r == 0)
                        r = pt_strv_push(&prog.argv, &argc, prog.exec_path);
        } else {
                const char *name = o->argv[0];
                if (strchr(name, '/'))
                        r = pt_path_canonicalize(ctx, name, &prog.exec_path);
                else
                        r = pt_find_on_path(ctx, name, &prog.exec_path);
                struct stat st;
                if (r < 0 || stat(prog.exec_path, &st) < 0) {
                        *ret_exit = 127;
                        pt_error_set(err, -ENOENT, "%s: program not found%s", name,
                                     strchr(name, '/') ? "" : " on PATH");
                        goto fail;
                }
                if (S_ISDIR(st.st_mode) || faccessat(AT_FDCWD, prog.exec_path, X_OK, AT_EACCESS) < 0) {
                        *ret_exit = 126;
                        pt_error_set(err, -EACCES, "%s: not executable", prog.exec_path);
                        goto fail;
                }
                r = pt_strv_push(&prog.argv, &argc, name);
                if (r == 0)
                        r = pt_strv_push(&prog.baseline, &nbase, prog.exec_path);
        }
        if (r < 0)
                goto fail;
        /* the rest of the command line, as given */
        for (int i = (o->argc && !prog.demo) ? 1 : 0; i < o->argc && r == 0; i++)
                r = pt_strv_push(&prog.argv, &argc, o->argv[i]);
        if (r == 0 && prog.python)
                r = pt_python_baseline(&prog.py, &prog.baseline, &nbase);
        if (r < 0) {
                pt_error_set(err, r, "out of memory");
                goto fail;
        }
        *ret = prog;
        *ret_exit = 0;
        return 0;
fail:
        pt_program_free(&prog);
        return r < 0 ? r : -EINVAL;
}

void pt_program_free(struct pt_program *prog)
{
        free(prog->exec_path);
        free(prog->script);
        pt_strv_free(prog->argv);
        pt_strv_free(prog->baseline);
        pt_python_free(&prog->py);
        memset(prog, 0, sizeof(*prog));
}

int pt_demo_policy(struct pt_policy *p, const struct pt_context *ctx, struct pt_error *err)
{
        int r = pt_policy_add_value(p, ctx, PT_PERM_READ, false, "/etc/os-release", "demo", "demo policy", err);
        if (r == 0)
                r = pt_policy_add_value(p, ctx, PT_PERM_WRITE, false, "/tmp/podtrace-demo", "demo", "demo policy", err);
        if (r == 0)
                r = pt_policy_add_value(p, ctx, PT_PERM_READ, false, "/tmp/podtrace-demo", "demo", "demo policy", err);
        return r;
}
