/* SPDX-License-Identifier: MIT */
/* The command line (design 1.1): pt_options_parse and pt_options_apply. */
#include "cli/options.h"
#include "unit.h"

static const struct pt_context ctx = { .cwd = "/srv/app", .path_env = "/nonexistent" };

#define MAXARGS 32

struct parsed {
        char *argv[MAXARGS + 1];
        int argc;
        struct pt_options o;
        struct pt_error err;
        int r;
};

/* Parse a NULL-terminated argument list; argv[0] is "podtrace". */
static struct parsed *parse_v(const char *first, va_list ap)
{
        static struct parsed ps;
        memset(&ps, 0, sizeof(ps));
        ps.argv[ps.argc++] = "podtrace";
        for (const char *a = first; a; a = va_arg(ap, const char *)) {
                assert_true(ps.argc < MAXARGS);
                ps.argv[ps.argc++] = (char *)a;
        }
        ps.argv[ps.argc] = NULL;
        /* garbage in the output: the parser must not rely on it being zeroed */
        memset(&ps.o, 0xa5, sizeof(ps.o));
        ps.r = pt_options_parse(ps.argc, ps.argv, &ps.o, &ps.err);
        return &ps;
}

static struct parsed *parse_ok(const char *first, ...)
{
        va_list ap;
        va_start(ap, first);
        struct parsed *ps = parse_v(first, ap);
        va_end(ap);
        if (ps->r < 0)
                fail_msg("parse failed: %s", ps->err.msg);
        return ps;
}

static void parse_bad(const char *part, const char *first, ...)
{
        va_list ap;
        va_start(ap, first);
        struct parsed *ps = parse_v(first, ap);
        va_end(ap);
        if (ps->r >= 0) {
                pt_options_free(&ps->o);
                fail_msg("parse succeeded, want an error with \"%s\"", part);
        }
        assert_int_equal(ps->r, -EINVAL);
        assert_one_line(ps->err.msg);
        assert_contains(ps->err.msg, part);
}

static void done(struct parsed *ps)
{
        pt_options_free(&ps->o);
        assert_null(ps->o.flags);
        assert_null(ps->o.policy_files);
}

static const struct {
        const char *flag;
        enum pt_perm perm;
        bool deny;
} all_flags[] = {
        { "--allow-read", PT_PERM_READ, false }, { "--deny-read", PT_PERM_READ, true },
        { "--allow-write", PT_PERM_WRITE, false }, { "--deny-write", PT_PERM_WRITE, true },
        { "--allow-net", PT_PERM_NET, false }, { "--deny-net", PT_PERM_NET, true },
        { "--allow-env", PT_PERM_ENV, false }, { "--deny-env", PT_PERM_ENV, true },
        { "--allow-run", PT_PERM_RUN, false }, { "--deny-run", PT_PERM_RUN, true },
        { "--allow-ffi", PT_PERM_FFI, false }, { "--deny-ffi", PT_PERM_FFI, true },
        { "--allow-sys", PT_PERM_SYS, false }, { "--deny-sys", PT_PERM_SYS, true },
};

static void test_perm_flags(void **state)
{
        assert_int_equal(ARRAY_SIZE(all_flags), 14);
        for (size_t i = 0; i < ARRAY_SIZE(all_flags); i++) {
                char withlist[64];
                snprintf(withlist, sizeof(withlist), "%s=a,b", all_flags[i].flag);
                struct parsed *ps = parse_ok("run", all_flags[i].flag, withlist, NULL);
                assert_int_equal(ps->o.cmd, PT_CMD_RUN);
                assert_int_equal(ps->o.nflags, 2);
                for (int k = 0; k < 2; k++) {
                        assert_int_equal(ps->o.flags[k].perm, all_flags[i].perm);
                        assert_int_equal(ps->o.flags[k].deny, all_flags[i].deny);
                        assert_string_equal(ps->o.flags[k].flag, all_flags[i].flag);
                }
                assert_null(ps->o.flags[0].list);
                assert_string_equal(ps->o.flags[1].list, "a,b");
                assert_int_equal(ps->o.argc, 0);
                done(ps);
        }
        /* "=" with nothing after it is kept as an empty list, refused when applied */
        struct parsed *ps = parse_ok("run", "--deny-net=", NULL);
        assert_string_equal(ps->o.flags[0].list, "");
        done(ps);
}

static void test_short_flags(void **state)
{
        static const struct {
                const char *s, *flag;
                enum pt_perm perm;
        } shorts[] = {
                { "-R", "--allow-read", PT_PERM_READ }, { "-W", "--allow-write", PT_PERM_WRITE },
                { "-N", "--allow-net", PT_PERM_NET },   { "-E", "--allow-env", PT_PERM_ENV },
                { "-S", "--allow-sys", PT_PERM_SYS },
        };
        for (size_t i = 0; i < ARRAY_SIZE(shorts); i++) {
                char withlist[32];
                snprintf(withlist, sizeof(withlist), "%s=x,y", shorts[i].s);
                struct parsed *ps = parse_ok("run", shorts[i].s, withlist, "prog", NULL);
                assert_int_equal(ps->o.nflags, 2);
                assert_int_equal(ps->o.flags[0].perm, shorts[i].perm);
                assert_false(ps->o.flags[0].deny);
                assert_null(ps->o.flags[0].list);
                assert_string_equal(ps->o.flags[0].flag, shorts[i].flag);
                assert_string_equal(ps->o.flags[1].list, "x,y");
                assert_int_equal(ps->o.argc, 1);
                done(ps);
        }
        parse_bad("\"-Rfoo\"", "run", "-Rfoo", NULL);
        parse_bad("\"-X\"", "run", "-X", NULL);
        parse_bad("\"-F\"", "run", "-F", NULL); /* no short form for ffi */
        parse_bad("\"-vq\"", "run", "-vq", NULL);
        parse_bad("\"-A=1\"", "run", "-A=1", NULL);
}

static void test_allow_all(void **state)
{
        struct parsed *ps = parse_ok("run", "-A", NULL);
        assert_true(ps->o.allow_all);
        done(ps);
        ps = parse_ok("policy", "show", "--allow-all", "--deny-net=10.0.0.0/8", NULL);
        assert_int_equal(ps->o.cmd, PT_CMD_POLICY_SHOW);
        assert_true(ps->o.allow_all);

        struct pt_policy p;
        struct pt_error err = { "" };
        pt_policy_init(&p);
        assert_int_equal(pt_options_apply(&ps->o, &p, &ctx, &err), 0);
        for (unsigned k = 0; k < PT_PERM_COUNT; k++)
                assert_string_equal(p.allow[k].all, "--allow-all");
        assert_false(pt_policy_allows_all(&p, PT_PERM_NET));
        assert_true(pt_policy_allows_all(&p, PT_PERM_READ));
        assert_string_equal(p.deny[PT_PERM_NET].v[0].source, "--deny-net");
        pt_policy_free(&p);
        done(ps);
        parse_bad("takes no value", "run", "--allow-all=yes", NULL);
}

static void test_policy_files(void **state)
{
        struct parsed *ps = parse_ok("run", "--policy", "a.json", "--policy=b.json", "prog", NULL);
        assert_int_equal(ps->o.npolicy_files, 2);
        assert_string_equal(ps->o.policy_files[0], "a.json");
        assert_string_equal(ps->o.policy_files[1], "b.json");
        assert_int_equal(ps->o.argc, 1);
        assert_string_equal(ps->o.argv[0], "prog");
        done(ps);
        parse_bad("--policy needs a value", "run", "--policy", NULL);
        parse_bad("--policy: empty value", "run", "--policy=", NULL);
        parse_bad("--policy: empty value", "run", "--policy", "", NULL);
}

static void test_output_options(void **state)
{
        struct parsed *ps = parse_ok("run", "-v", "--log-format=json", "--log-file", "/tmp/log", NULL);
        assert_true(ps->o.verbose);
        assert_false(ps->o.quiet);
        assert_int_equal(ps->o.log_format, PT_LOG_JSON);
        assert_string_equal(ps->o.log_file, "/tmp/log");
        done(ps);
        ps = parse_ok("run", "--verbose", "--log-format", "json", "--log-format=text", NULL);
        assert_true(ps->o.verbose);
        assert_int_equal(ps->o.log_format, PT_LOG_TEXT);
        done(ps);
        ps = parse_ok("run", "-q", "--no-baseline", "--no-landlock", "--python=/usr/bin/python3", "--ipc", "chan",
                      NULL);
        assert_true(ps->o.quiet);
        assert_true(ps->o.no_baseline);
        assert_true(ps->o.no_landlock);
        assert_string_equal(ps->o.python, "/usr/bin/python3");
        assert_string_equal(ps->o.ipc, "chan");
        assert_int_equal(ps->o.log_format, PT_LOG_TEXT);
        done(ps);
        /* -v logs every call, -q drops the denial notices: both at once is allowed */
        ps = parse_ok("run", "-q", "-v", NULL);
        assert_true(ps->o.quiet);
        assert_true(ps->o.verbose);
        done(ps);
        ps = parse_ok("run", "--quiet", "--learn", NULL);
        assert_true(ps->o.learn);
        assert_null(ps->o.learn_file);
        done(ps);
        ps = parse_ok("run", "--learn=out.json", NULL);
        assert_string_equal(ps->o.learn_file, "out.json");
        done(ps);

        parse_bad("--log-format: \"xml\" is not text or json", "run", "--log-format=xml", NULL);
        parse_bad("--log-format needs a value", "run", "--log-format", NULL);
        parse_bad("--log-format: empty value", "run", "--log-format=", NULL);
        parse_bad("--learn: empty", "run", "--learn=", NULL);
        parse_bad("--verbose takes no value", "run", "--verbose=1", NULL);
        parse_bad("--python needs a value", "run", "--python", NULL);
}

static void test_unknown(void **state)
{
        parse_bad("unknown option \"--allow-foo\"", "run", "--allow-foo", NULL);
        parse_bad("unknown option \"--allow-foo=x\"", "run", "--allow-foo=x", NULL);
        parse_bad("unknown option \"--allow\"", "run", "--allow", NULL);
        parse_bad("unknown option \"--allow-reads\"", "run", "--allow-reads", NULL);
        parse_bad("unknown option \"--ALLOW-READ\"", "run", "--ALLOW-READ", NULL);
        parse_bad("unknown option \"---allow-read\"", "run", "---allow-read", NULL);
        parse_bad("unknown option \"--allow-read-x\"", "run", "--allow-read-x", NULL);
        parse_bad("unknown option \"--=x\"", "run", "--=x", NULL);
        parse_bad("missing command", NULL);
        parse_bad("unknown command \"exec\"", "exec", NULL);
        parse_bad("unknown command \"-R\"", "-R", "run", NULL);
        parse_bad("only \"policy show\"", "policy", NULL);
        parse_bad("only \"policy show\"", "policy", "print", NULL);
        /* the bad flag comes after good ones: nothing leaks (ASan checks) */
        parse_bad("unknown option \"--nope\"", "run", "-R", "--policy=a", "--nope", NULL);
}

static void test_program_argv(void **state)
{
        /* options stop at the program; what follows is the program's */
        struct parsed *ps = parse_ok("run", "-R", "prog", "-W", "--allow-net", "x", NULL);
        assert_int_equal(ps->o.nflags, 1);
        assert_int_equal(ps->o.argc, 4);
        assert_string_equal(ps->o.argv[0], "prog");
        assert_string_equal(ps->o.argv[1], "-W");
        assert_string_equal(ps->o.argv[3], "x");
        assert_null(ps->o.argv[4]);
        done(ps);
        /* "--" ends the options, even before something that looks like one */
        ps = parse_ok("run", "-N", "--", "-R", "--", NULL);
        assert_int_equal(ps->o.nflags, 1);
        assert_int_equal(ps->o.argc, 2);
        assert_string_equal(ps->o.argv[0], "-R");
        assert_string_equal(ps->o.argv[1], "--");
        done(ps);
        ps = parse_ok("run", "--", NULL);
        assert_int_equal(ps->o.argc, 0);
        done(ps);
        /* "-" is a program name */
        ps = parse_ok("run", "-", "a", NULL);
        assert_int_equal(ps->o.argc, 2);
        assert_string_equal(ps->o.argv[0], "-");
        done(ps);
        ps = parse_ok("run", "script.py", NULL);
        assert_string_equal(ps->o.argv[0], "script.py");
        done(ps);
        /* the value of --policy is not the program */
        ps = parse_ok("policy", "show", "--policy", "p.json", "prog", NULL);
        assert_int_equal(ps->o.argc, 1);
        assert_string_equal(ps->o.argv[0], "prog");
        done(ps);
        /* no program: the demo */
        ps = parse_ok("run", "-v", NULL);
        assert_int_equal(ps->o.argc, 0);
        done(ps);
}

/* The container's entrypoint is `podtrace run`: `IMAGE run x.py` must run x.py (seed §4). */
static void test_run_repeated(void **state)
{
        struct parsed *ps = parse_ok("run", "run", "custom_worker.py", "a", NULL);
        assert_int_equal(ps->o.cmd, PT_CMD_RUN);
        assert_int_equal(ps->o.argc, 2);
        assert_string_equal(ps->o.argv[0], "custom_worker.py");
        assert_string_equal(ps->o.argv[1], "a");
        done(ps);
        /* options on both sides of the repeated subcommand */
        ps = parse_ok("run", "run", "-R", "--allow-net=h", "x.py", NULL);
        assert_int_equal(ps->o.nflags, 2);
        assert_int_equal(ps->o.argc, 1);
        assert_string_equal(ps->o.argv[0], "x.py");
        done(ps);
        /* "run run" alone: the demo */
        ps = parse_ok("run", "run", NULL);
        assert_int_equal(ps->o.argc, 0);
        done(ps);
        /* only once, and only right after the subcommand: then it is a program name */
        ps = parse_ok("run", "run", "run", NULL);
        assert_int_equal(ps->o.argc, 1);
        assert_string_equal(ps->o.argv[0], "run");
        done(ps);
        ps = parse_ok("run", "-v", "run", "x", NULL);
        assert_int_equal(ps->o.argc, 2);
        assert_string_equal(ps->o.argv[0], "run");
        done(ps);
        ps = parse_ok("run", "--", "run", NULL);
        assert_int_equal(ps->o.argc, 1);
        assert_string_equal(ps->o.argv[0], "run");
        done(ps);
        /* policy show is not affected */
        ps = parse_ok("policy", "show", "run", NULL);
        assert_int_equal(ps->o.cmd, PT_CMD_POLICY_SHOW);
        assert_int_equal(ps->o.argc, 1);
        assert_string_equal(ps->o.argv[0], "run");
        done(ps);
}

static void test_help_version(void **state)
{
        struct parsed *ps = parse_ok("--help", NULL);
        assert_int_equal(ps->o.cmd, PT_CMD_HELP);
        /* the rest of the output is defined, so freeing it is safe */
        assert_int_equal(ps->o.nflags, 0);
        assert_int_equal(ps->o.argc, 0);
        done(ps);
        ps = parse_ok("-h", NULL);
        assert_int_equal(ps->o.cmd, PT_CMD_HELP);
        done(ps);
        ps = parse_ok("--version", NULL);
        assert_int_equal(ps->o.cmd, PT_CMD_VERSION);
        assert_int_equal(ps->o.npolicy_files, 0);
        done(ps);
        ps = parse_ok("run", "-R", "--help", NULL);
        assert_int_equal(ps->o.cmd, PT_CMD_HELP);
        done(ps);
        ps = parse_ok("policy", "show", "--version", NULL);
        assert_int_equal(ps->o.cmd, PT_CMD_VERSION);
        done(ps);
        assert_non_null(strstr(pt_usage_text, "--allow-read"));
}

static void apply_bad(const char *arg, const char *prefix, const char *part)
{
        struct parsed *ps = parse_ok("run", "-R=/ok", arg, NULL);
        struct pt_policy p;
        pt_policy_init(&p);
        assert_error(pt_options_apply(&ps->o, &p, &ctx, &ps->err), ps->err, prefix);
        if (part)
                assert_contains(ps->err.msg, part);
        pt_policy_free(&p);
        done(ps);
}

static void test_apply(void **state)
{
        struct parsed *ps = parse_ok("run", "--allow-read=data,/etc", "-W=out", "--deny-net", "-E=HOME,LC_*",
                                     "--allow-run=no-such-prog-pt", "--deny-ffi=/usr/lib/x.so", "-S=uid", NULL);
        struct pt_policy p;
        pt_policy_init(&p);
        if (pt_options_apply(&ps->o, &p, &ctx, &ps->err) < 0)
                fail_msg("%s", ps->err.msg);
        assert_int_equal(p.allow[PT_PERM_READ].n, 2);
        assert_string_equal(p.allow[PT_PERM_READ].v[0].text, "/srv/app/data");
        assert_string_equal(p.allow[PT_PERM_READ].v[0].source, "--allow-read");
        assert_string_equal(p.allow[PT_PERM_WRITE].v[0].text, "/srv/app/out");
        assert_string_equal(p.allow[PT_PERM_WRITE].v[0].source, "--allow-write");
        assert_string_equal(p.deny[PT_PERM_NET].all, "--deny-net");
        assert_int_equal(p.allow[PT_PERM_ENV].n, 2);
        assert_string_equal(p.allow[PT_PERM_RUN].v[0].text, "no-such-prog-pt");
        assert_string_equal(p.deny[PT_PERM_FFI].v[0].text, "/usr/lib/x.so");
        assert_string_equal(p.allow[PT_PERM_SYS].v[0].source, "--allow-sys");
        pt_policy_free(&p);
        done(ps);

        apply_bad("--allow-net=example.com:0", "--allow-net: ", "port");
        apply_bad("-N=ok.test,127.1", "--allow-net: ", "127.1");
        apply_bad("--deny-net=10.0.0.1/8", "--deny-net: ", "host bits");
        apply_bad("--deny-read=", "--deny-read: ", "empty list");
        apply_bad("-R=", "--allow-read: ", "empty list");
        apply_bad("--allow-write=a,", "--allow-write: ", "empty element");
        apply_bad("-E=A*B", "--allow-env: ", "'*'");
        apply_bad("--deny-env=A=B", "--deny-env: ", NULL);
        apply_bad("-S=hostname,pid", "--allow-sys: ", "\"pid\"");
        apply_bad("--deny-sys=Hostname", "--deny-sys: ", NULL);
        apply_bad("--allow-ffi=,x", "--allow-ffi: ", "empty element");
        apply_bad("--deny-run=,", "--deny-run: ", NULL);
        apply_bad("--deny-write=,", "--deny-write: ", NULL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_perm_flags),
                cmocka_unit_test(test_short_flags),
                cmocka_unit_test(test_allow_all),
                cmocka_unit_test(test_policy_files),
                cmocka_unit_test(test_output_options),
                cmocka_unit_test(test_unknown),
                cmocka_unit_test(test_program_argv),
                cmocka_unit_test(test_run_repeated),
                cmocka_unit_test(test_help_version),
                cmocka_unit_test(test_apply),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
