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
#include "learn/learn.h"
#include "log/log.h"
#include "policy/policy.h"
#include "run/ipc.h"
#include "run/program.h"
#include "run/run.h"
#include "run/worker_user.h"

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

/* An allowed name not on PATH allows nothing (never an exec by that name alone): say so. */
static void warn_unresolved_run(const struct pt_policy *p)
{
        const struct pt_rules *allow = &p->allow[PT_PERM_RUN];
        for (size_t i = 0; i < allow->n; i++)
                if (!allow->v[i].resolved)
                        fprintf(stderr, "podtrace: warning: %s=%s: not found on PATH, so it allows nothing\n",
                                allow->v[i].source, allow->v[i].text);
}

static const char *learn_file(const struct pt_options *o)
{
        return o->learn_file ? o->learn_file : "podtrace-policy.json";
}

/*
 * --learn: what the file already holds is part of the policy (a second run merges), the
 * recorder hooks into every default deny, and Landlock stays off (it would refuse in the
 * kernel what the run is meant to learn).
 */
static int prepare_learning(struct pt_options *o, const struct pt_context *ctx, struct pt_policy *p,
                            struct pt_learner **ret, struct pt_error *err)
{
        if (access(learn_file(o), F_OK) == 0) {
                int r = pt_policy_add_file(p, ctx, learn_file(o), err);
                if (r < 0)
                        return r;
        }
        *ret = pt_learner_new();
        if (!*ret)
                return pt_error_set(err, -ENOMEM, "--learn: out of memory");
        p->learn = pt_learner_hook(*ret);
        o->no_landlock = true;
        return 0;
}

int main(int argc, char **argv)
{
        struct pt_options o;
        struct pt_error err = { "" };
        struct pt_policy policy;
        struct pt_program prog = { 0 };
        struct pt_exec_rules exec = { 0 };
        struct pt_run_ipc ipc = { .fd = -1 };
        struct pt_learner *learner = NULL;
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
        if (o.learn && prepare_learning(&o, &ctx, &policy, &learner, &err) < 0) {
                code = usage_error(&err);
                goto out;
        }

        struct pt_identity wid;
        const char *wid_why;
        if (pt_worker_user_choose(&o, &wid, &wid_why, &err) < 0) {
                code = usage_error(&err);
                goto out;
        }
        /* What to run is found as the worker would find it (execvp skips what it cannot
         * reach): a python3 shim in root's private home is passed over for one it can run. */
        int exit_code;
        struct pt_identity_saved saved;
        int fs_err = pt_identity_fs_enter(&wid, &saved);
        if (fs_err < 0) {
                fprintf(stderr, "podtrace: cannot act as uid %u: %s\n", (unsigned)wid.uid, strerror(-fs_err));
                code = 125;
                goto out;
        }
        int pr = pt_program_resolve(&o, &ctx, &prog, &exit_code, &err);
        pt_identity_fs_leave(&saved);
        if (pr < 0) {
                fprintf(stderr, "podtrace: %s", err.msg);
                if (exit_code != 2 && wid.uid != 0)
                        fprintf(stderr, " (looked up as uid %u:%u, the worker's identity: %s; see --user)",
                                (unsigned)wid.uid, (unsigned)wid.gid, wid_why);
                fputc('\n', stderr);
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
        if (!o.quiet && o.cmd == PT_CMD_RUN)
                warn_unresolved_run(&policy);
        if (learner)
                exec.allow_all = true; /* decided (and learned) at execve; nothing to kill at exec */
        if (o.cmd == PT_CMD_POLICY_SHOW) {
                pt_policy_print(&policy, stdout);
                code = 0;
                goto out;
        }

        struct pt_log *log = NULL;
        struct pt_log_config lc = { .format = o.log_format, .file = o.log_file, .verbose = o.verbose, .quiet = o.quiet,
                                   .summary = o.summary };
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
                code = pt_run(&o, &policy, &prog, &exec, &wid, &ipc, log);
                pt_log_summary(log);
        }
        if (learner) {
                policy.learn->active = false;
                if (pt_learn_finish(learner, learn_file(&o), code) < 0 && code == 0)
                        code = 125;
        }
        pt_log_close(log);
out:
        pt_learner_free(learner);
        pt_run_ipc_done(&ipc);
        pt_exec_rules_free(&exec);
        pt_program_free(&prog);
        pt_policy_free(&policy);
        pt_options_free(&o);
        return code;
}
