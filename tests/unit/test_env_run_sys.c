/* SPDX-License-Identifier: MIT */
/* env names and PREFIX_* wildcards, run names found on PATH (or not), Deno's sys names. */
#include "unit.h"

static void add_ok(struct pt_policy *p, const struct pt_context *ctx, enum pt_perm perm, bool deny,
                   const char *value)
{
        struct pt_error err = { "" };
        if (pt_policy_add_value(p, ctx, perm, deny, value, deny ? "--deny-x" : "--allow-x", "test", &err) < 0)
                fail_msg("\"%s\" refused: %s", value, err.msg);
}

/* --- env ----------------------------------------------------------------------------- */

static void test_env_values(void **state)
{
        struct pt_policy p;
        pt_policy_init(&p);
        add_ok(&p, NULL, PT_PERM_ENV, false, "HOME");
        add_ok(&p, NULL, PT_PERM_ENV, false, "AWS_*");
        add_ok(&p, NULL, PT_PERM_ENV, false, "lower_case1");
        const struct pt_rules *rs = &p.allow[PT_PERM_ENV];
        assert_int_equal(rs->n, 3);
        assert_string_equal(rs->v[0].text, "HOME");
        assert_false(rs->v[0].prefix);
        assert_int_equal(rs->v[0].len, 4);
        assert_string_equal(rs->v[1].text, "AWS_*");
        assert_true(rs->v[1].prefix);
        assert_int_equal(rs->v[1].len, 4);
        assert_string_equal(rs->v[0].source, "--allow-x");
        pt_policy_free(&p);
}

static void test_env_rejects(void **state)
{
        static const char *const bad[] = {
                "A=B", "=", "A=", "A*B", "*A", "A**", "**", "A B", "A\tB", "A\nB", "A\x7f", "\xc3\xa9",
        };
        struct pt_policy p;
        struct pt_error err = { "" };
        pt_policy_init(&p);
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                int r = pt_policy_add_value(&p, NULL, PT_PERM_ENV, false, bad[i], "POD_ALLOW_ENV", "POD_ALLOW_ENV",
                                            &err);
                if (r >= 0)
                        fail_msg("env name \"%s\" accepted", bad[i]);
                assert_starts_with(err.msg, "POD_ALLOW_ENV: ");
                assert_one_line(err.msg);
        }
        assert_error(pt_policy_add_value(&p, NULL, PT_PERM_ENV, false, "A*B", "--allow-env", "--allow-env", &err),
                     err, "--allow-env: ");
        assert_contains(err.msg, "'*'");
        assert_error(pt_policy_add_value(&p, NULL, PT_PERM_ENV, true, "A=B", "--deny-env", "--deny-env", &err), err,
                     "--deny-env: ");
        assert_error(pt_policy_add_value(&p, NULL, PT_PERM_ENV, true, "", "--deny-env", "--deny-env", &err), err,
                     "--deny-env: ");
        /* "A,B" as a list is two names */
        assert_int_equal(pt_policy_add_list(&p, NULL, PT_PERM_ENV, false, "A,B", "--allow-env", &err), 0);
        assert_int_equal(p.allow[PT_PERM_ENV].n, 2);
        pt_policy_free(&p);
}

static bool env_allowed(const struct pt_policy *p, const char *name)
{
        struct pt_decision d;
        pt_decide_env(p, name, &d);
        assert_int_equal(d.perm, PT_PERM_ENV);
        return d.allow;
}

static void test_env_matching(void **state)
{
        struct pt_policy p;
        pt_policy_init(&p);
        add_ok(&p, NULL, PT_PERM_ENV, false, "HOME");
        add_ok(&p, NULL, PT_PERM_ENV, false, "AWS_*");
        add_ok(&p, NULL, PT_PERM_ENV, true, "AWS_SECRET*");
        assert_true(env_allowed(&p, "HOME"));
        assert_false(env_allowed(&p, "HOMEX"));
        assert_false(env_allowed(&p, "HOM"));
        assert_false(env_allowed(&p, "home"));
        assert_true(env_allowed(&p, "AWS_"));
        assert_true(env_allowed(&p, "AWS_REGION"));
        assert_false(env_allowed(&p, "AWS"));
        assert_false(env_allowed(&p, "XAWS_REGION"));
        assert_false(env_allowed(&p, "aws_region"));
        assert_false(env_allowed(&p, "AWS_SECRET"));
        assert_false(env_allowed(&p, "AWS_SECRET_ACCESS_KEY"));
        assert_false(env_allowed(&p, "PATH_UNLISTED"));

        struct pt_decision d;
        pt_decide_env(&p, "AWS_SECRET_ACCESS_KEY", &d);
        assert_non_null(d.rule);
        assert_string_equal(d.rule->text, "AWS_SECRET*");
        pt_decide_env(&p, "AWS_REGION", &d);
        assert_string_equal(d.rule->text, "AWS_*");
        pt_policy_free(&p);

        /* whole-category allow with a named deny */
        pt_policy_init(&p);
        assert_int_equal(pt_policy_add_all(&p, PT_PERM_ENV, false, "-E"), 0);
        add_ok(&p, NULL, PT_PERM_ENV, true, "TOKEN");
        assert_true(env_allowed(&p, "ANYTHING"));
        assert_false(env_allowed(&p, "TOKEN"));
        assert_true(env_allowed(&p, "TOKENS"));
        pt_policy_free(&p);
}

/* --- run ----------------------------------------------------------------------------- */

struct run_fixture {
        char *dir;
        char path_env[3 * PATH_MAX];
        struct pt_context ctx;
        struct pt_policy p;
};

/*
 * bin1/: prog (0755), noexec (0644), both -> a directory, linkprog -> prog
 * bin2/: prog (0755), both (0755), only2 (0755)
 */
static int run_setup(void **state)
{
        struct run_fixture *f = calloc(1, sizeof(*f));
        assert_non_null(f);
        f->dir = make_tmpdir();
        make_dir(f->dir, "bin1");
        make_dir(f->dir, "bin2");
        write_file(path_in(f->dir, "bin1/prog"), "#!/bin/sh\n", 10, 0755);
        write_file(path_in(f->dir, "bin1/noexec"), "#!/bin/sh\n", 10, 0644);
        make_dir(f->dir, "bin1/both");
        make_symlink("prog", f->dir, "bin1/linkprog");
        write_file(path_in(f->dir, "bin2/prog"), "#!/bin/sh\n", 10, 0755);
        write_file(path_in(f->dir, "bin2/both"), "#!/bin/sh\n", 10, 0755);
        write_file(path_in(f->dir, "bin2/only2"), "#!/bin/sh\n", 10, 0755);
        snprintf(f->path_env, sizeof(f->path_env), "%s/bin1:%s/nonexistent:%s/bin2", f->dir, f->dir, f->dir);
        f->ctx.cwd = f->dir;
        f->ctx.path_env = f->path_env;
        pt_policy_init(&f->p);
        *state = f;
        return 0;
}

static int run_teardown(void **state)
{
        struct run_fixture *f = *state;
        pt_policy_free(&f->p);
        remove_tree(f->dir);
        free(f);
        return 0;
}

static void found_at(struct run_fixture *f, const char *name, const char *rel)
{
        char *got = NULL;
        int r = pt_find_on_path(&f->ctx, name, &got);
        if (!rel) {
                if (r != -ENOENT)
                        fail_msg("%s found at %s, want not found", name, r == 0 ? got : "?");
                return;
        }
        if (r < 0)
                fail_msg("%s not found (%d), want %s", name, r, rel);
        assert_string_equal(got, path_in(f->dir, rel));
        free(got);
}

static void test_find_on_path(void **state)
{
        struct run_fixture *f = *state;
        found_at(f, "prog", "bin1/prog");      /* the first PATH entry wins */
        found_at(f, "only2", "bin2/only2");    /* past a missing directory */
        found_at(f, "linkprog", "bin1/prog");  /* canonical */
        found_at(f, "noexec", NULL);           /* not executable */
        found_at(f, "both", "bin2/both");      /* like execvp: a directory is not a program */
        found_at(f, "absent", NULL);
        found_at(f, "..", NULL);               /* "<dir>/bin1/.." is a directory */
        found_at(f, ".", NULL);

        f->ctx.path_env = "";
        found_at(f, "prog", NULL);
}

static bool run_allowed(struct run_fixture *f, const char *path_rel, const char *name)
{
        struct pt_decision d;
        pt_decide_run(&f->p, path_rel ? path_in(f->dir, path_rel) : NULL, name, &d);
        assert_int_equal(d.perm, PT_PERM_RUN);
        return d.allow;
}

static void test_run_rules(void **state)
{
        struct run_fixture *f = *state;
        add_ok(&f->p, &f->ctx, PT_PERM_RUN, false, "prog");
        add_ok(&f->p, &f->ctx, PT_PERM_RUN, false, "notfound");
        add_ok(&f->p, &f->ctx, PT_PERM_RUN, false, "bin2/only2"); /* a path, relative to cwd */

        const struct pt_rules *rs = &f->p.allow[PT_PERM_RUN];
        assert_int_equal(rs->n, 3);
        assert_string_equal(rs->v[0].text, "prog");
        assert_non_null(rs->v[0].resolved);
        assert_string_equal(rs->v[0].resolved, path_in(f->dir, "bin1/prog"));
        assert_string_equal(rs->v[1].text, "notfound");
        assert_null(rs->v[1].resolved);
        assert_string_equal(rs->v[2].text, path_in(f->dir, "bin2/only2"));
        assert_string_equal(rs->v[2].resolved, path_in(f->dir, "bin2/only2"));

        /* a name found on PATH matches that program, whatever it is called */
        assert_true(run_allowed(f, "bin1/prog", "prog"));
        assert_true(run_allowed(f, "bin1/prog", "anything"));
        assert_true(run_allowed(f, "bin1/prog", NULL));
        /* ...and not another program of the same name */
        assert_false(run_allowed(f, "bin2/prog", "prog"));
        /* an allow rule for a name not on PATH matches nothing, not even an exec by that
         * name (a file the worker wrote under it must not run) */
        assert_false(run_allowed(f, "elsewhere/notfound", "notfound"));
        assert_false(run_allowed(f, "elsewhere/notfound", NULL));
        assert_false(run_allowed(f, "elsewhere/notfound", "notfound2"));
        /* ...while a deny rule for such a name still denies an exec by that name */
        add_ok(&f->p, &f->ctx, PT_PERM_RUN, true, "notfound3");
        add_ok(&f->p, &f->ctx, PT_PERM_RUN, false, "notfound3");
        assert_false(run_allowed(f, "elsewhere/notfound3", "notfound3"));
        /* a path rule */
        assert_true(run_allowed(f, "bin2/only2", "only2"));
        assert_false(run_allowed(f, "bin2/both", "only2"));

        /* deny by name beats allow by name */
        add_ok(&f->p, &f->ctx, PT_PERM_RUN, true, "linkprog"); /* resolves to bin1/prog */
        assert_false(run_allowed(f, "bin1/prog", "prog"));
}

static void test_run_path_values(void **state)
{
        struct run_fixture *f = *state;
        add_ok(&f->p, &f->ctx, PT_PERM_RUN, false, "./bin1/linkprog");
        add_ok(&f->p, &f->ctx, PT_PERM_RUN, false, "/usr/bin/../bin/env");
        const struct pt_rules *rs = &f->p.allow[PT_PERM_RUN];
        assert_string_equal(rs->v[0].text, path_in(f->dir, "bin1/prog"));
        char *env = realpath("/usr/bin/env", NULL);
        assert_non_null(env);
        assert_string_equal(rs->v[1].text, env);
        free(env);

        struct pt_error err = { "" };
        assert_error(pt_policy_add_value(&f->p, NULL, PT_PERM_RUN, false, "rel/prog", "--allow-run", "--allow-run",
                                         &err),
                     err, "--allow-run: ");
        assert_error(pt_policy_add_list(&f->p, &f->ctx, PT_PERM_RUN, true, "prog,", "--deny-run", &err), err,
                     "--deny-run: ");
}

/* --- sys ----------------------------------------------------------------------------- */

static const char *const deno_sys[] = {
        "hostname", "osRelease", "osUptime", "loadavg", "networkInterfaces", "systemMemoryInfo", "uid",
        "gid",      "cpus",      "homedir",  "statfs",  "getPriority",       "setPriority",      "userInfo",
};

static void test_sys_names(void **state)
{
        assert_int_equal(ARRAY_SIZE(deno_sys), PT_SYS_COUNT);
        for (unsigned i = 0; i < PT_SYS_COUNT; i++) {
                enum pt_sys s;
                assert_int_equal(pt_sys_from_name(deno_sys[i], &s), 0);
                assert_int_equal(s, i);
                assert_string_equal(pt_sys_name(s), deno_sys[i]);
        }
        enum pt_sys s;
        assert_int_equal(pt_sys_from_name("Hostname", &s), -EINVAL);
        assert_int_equal(pt_sys_from_name("", &s), -EINVAL);
        assert_string_equal(pt_sys_name(PT_SYS_COUNT), "?");
}

static void test_sys_rules(void **state)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        pt_policy_init(&p);
        for (unsigned i = 0; i < PT_SYS_COUNT; i++)
                add_ok(&p, NULL, PT_PERM_SYS, i % 2, deno_sys[i]);
        for (unsigned i = 0; i < PT_SYS_COUNT; i++) {
                struct pt_decision d;
                pt_decide_sys(&p, i, &d);
                assert_int_equal(d.perm, PT_PERM_SYS);
                assert_int_equal(d.allow, i % 2 == 0);
                assert_non_null(d.rule);
                assert_string_equal(d.rule->text, deno_sys[i]);
        }
        assert_error(pt_policy_add_value(&p, NULL, PT_PERM_SYS, false, "hostnam", "--allow-sys", "--allow-sys", &err),
                     err, "--allow-sys: ");
        assert_contains(err.msg, "unknown sys name");
        assert_contains(err.msg, "\"hostnam\"");
        assert_contains(err.msg, "userInfo");
        assert_error(pt_policy_add_list(&p, NULL, PT_PERM_SYS, true, "uid,gid,pid", "POD_DENY_SYS", &err), err,
                     "POD_DENY_SYS: ");
        assert_contains(err.msg, "\"pid\"");
        pt_policy_free(&p);

        /* only the named ones */
        pt_policy_init(&p);
        add_ok(&p, NULL, PT_PERM_SYS, false, "hostname");
        struct pt_decision d;
        pt_decide_sys(&p, PT_SYS_HOSTNAME, &d);
        assert_true(d.allow);
        pt_decide_sys(&p, PT_SYS_UID, &d);
        assert_false(d.allow);
        assert_null(d.rule);
        assert_null(d.source);
        pt_policy_free(&p);
}

#define RUN_T(fn) cmocka_unit_test_setup_teardown(fn, run_setup, run_teardown)

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_env_values),
                cmocka_unit_test(test_env_rejects),
                cmocka_unit_test(test_env_matching),
                RUN_T(test_find_on_path),
                RUN_T(test_run_rules),
                RUN_T(test_run_path_values),
                cmocka_unit_test(test_sys_names),
                cmocka_unit_test(test_sys_rules),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
