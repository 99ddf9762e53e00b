/* SPDX-License-Identifier: MIT */
/* podtrace: parse, build the policy, dispatch. Everything else lives in the libraries. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "handlers/fs_resolve.h"
#include "log/log.h"
#include "policy/policy.h"
#include "run/ipc.h"
#include "run/program.h"
#include "run/run.h"

extern char **environ;

static int usage_error(const struct pt_error *err)
{
        fprintf(stderr, "podtrace: %s\n", err->msg);
        return 2;
}

/* The user's sources, merged: flags, POD_* variables, POD_POLICY_JSON, --policy files. */
static int add_user_sources(const struct pt_options *o, const struct pt_context *ctx, struct pt_policy *p,
                            struct pt_error *err)
{
        int r = pt_options_apply(o, p, ctx, err);
        if (r == 0)
                r = pt_policy_add_env(p, ctx, environ, err);
        for (size_t i = 0; r == 0 && i < o->npolicy_files; i++)
                r = pt_policy_add_file(p, ctx, o->policy_files[i], err);
        return r;
}

/* What the program itself brings: the demo's policy, the runtime baseline, and the programs
 * it may run (the initial one included). */
static int add_program_sources(const struct pt_options *o, const struct pt_context *ctx,
                               const struct pt_program *prog, struct pt_policy *p, struct pt_exec_rules *exec,
                               struct pt_error *err)
{
        int r = 0;
        if (prog->demo)
                r = pt_demo_policy(p, ctx, err);
        if (r == 0 && !o->no_baseline)
                r = pt_policy_add_baseline(p, ctx, (const char *const *)prog->baseline, err);
        if (r == 0)
                r = pt_exec_rules_build(p, ctx, prog->exec_path, exec, err);
        return r;
}

int main(int argc, char **argv)
{
        struct pt_options o;
        struct pt_error err = { "" };
        struct pt_policy policy;
        struct pt_program prog = { 0 };
        struct pt_exec_rules exec = { 0 };
        struct pt_run_ipc ipc = { .fd = -1 };
        char cwd[PATH_MAX];
        int code;

        if (pt_options_parse(argc, argv, &o, &err) < 0)
                return usage_error(&err);
        if (o.cmd == PT_CMD_HELP) {
                fputs(pt_usage_text, stdout);
                return 0;
        }
        if (o.cmd == PT_CMD_VERSION) {
                printf("podtrace %s\n", PODTRACE_VERSION);
                return 0;
        }
        if (o.learn) {
                fprintf(stderr, "podtrace: --learn is not available in this version yet\n");
                pt_options_free(&o);
                return 2;
        }
        if (!getcwd(cwd, sizeof(cwd))) {
                fprintf(stderr, "podtrace: cannot read the working directory: %s\n", strerror(errno));
                pt_options_free(&o);
                return 2;
        }
        struct pt_context ctx = { .cwd = cwd, .path_env = getenv("PATH") };
        /* Tests re-run the suite through the slow resolver; it is never less strict. */
        if (getenv("PODTRACE_TEST_WALK"))
                pt_fs_force_walk = true;

        pt_policy_init(&policy);
        /* The policy first: a bad policy is exit 2 even when the program is missing too. */
        if (add_user_sources(&o, &ctx, &policy, &err) < 0) {
                code = usage_error(&err);
                goto out;
        }

        int exit_code;
        if (pt_program_resolve(&o, &ctx, &prog, &exit_code, &err) < 0) {
                fprintf(stderr, "podtrace: %s\n", err.msg);
                code = exit_code;
                goto out;
        }
        if (pt_run_ipc_prepare(o.ipc, prog.demo, &ipc, &err) < 0) {
                fprintf(stderr, "podtrace: %s\n", err.msg);
                code = 2;
                goto out;
        }
        if (pt_run_ipc_policy(&ipc, &policy, &ctx, &err) < 0 ||
            add_program_sources(&o, &ctx, &prog, &policy, &exec, &err) < 0) {
                code = usage_error(&err);
                goto out;
        }
        if (o.cmd == PT_CMD_POLICY_SHOW) {
                pt_policy_print(&policy, stdout);
                code = 0;
                goto out;
        }

        struct pt_log *log = NULL;
        struct pt_log_config lc = { .format = o.log_format, .file = o.log_file, .verbose = o.verbose, .quiet = o.quiet };
        int r = pt_log_open(&lc, &log);
        if (r < 0) {
                fprintf(stderr, "podtrace: --log-file=%s: %s\n", o.log_file, strerror(-r));
                code = 2;
                goto out;
        }
        r = pt_run_ipc_create(&ipc, &err);
        if (r < 0) {
                pt_log_message(log, "%s", err.msg);
                code = r == -EINVAL || r == -EEXIST ? 2 : 125;
        } else {
                code = pt_run(&o, &policy, &prog, &exec, &ipc, log);
        }
        pt_log_close(log);
out:
        pt_run_ipc_done(&ipc);
        pt_exec_rules_free(&exec);
        pt_program_free(&prog);
        pt_policy_free(&policy);
        pt_options_free(&o);
        return code;
}
