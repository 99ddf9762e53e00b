/* SPDX-License-Identifier: MIT */
/*
 * Decisions across categories and sources: default deny, bare allow/deny, deny beats allow
 * whatever the source and granularity, what the log shows, the baseline, `policy show`.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "cli/options.h"
#include "unit.h"

static const struct pt_context ctx = { .cwd = "/", .path_env = "/nonexistent" };

static void decide_any(const struct pt_policy *p, enum pt_perm perm, struct pt_decision *d)
{
        static const uint8_t a4[4] = { 192, 0, 2, 1 };
        switch (perm) {
        case PT_PERM_READ:
        case PT_PERM_WRITE:
        case PT_PERM_FFI:
                pt_decide_path(p, perm, "/srv/data/x", d);
                break;
        case PT_PERM_NET:
                pt_decide_addr(p, AF_INET, a4, 443, d);
                break;
        case PT_PERM_ENV:
                pt_decide_env(p, "SOME_VAR", d);
                break;
        case PT_PERM_RUN:
                pt_decide_run(p, "/usr/bin/some-prog", "some-prog", d);
                break;
        case PT_PERM_SYS:
                pt_decide_sys(p, PT_SYS_HOSTNAME, d);
                break;
        default:
                fail();
        }
        assert_int_equal(d->perm, perm);
}

static void test_default_deny(void **state)
{
        struct pt_policy p;
        char buf[64];
        pt_policy_init(&p);
        for (unsigned i = 0; i < PT_PERM_COUNT; i++) {
                struct pt_decision d;
                decide_any(&p, i, &d);
                assert_false(d.allow);
                assert_null(d.rule);
                assert_null(d.source);
                assert_false(pt_policy_allows_all(&p, i));
                pt_decision_describe(&d, buf, sizeof(buf));
                char want[64];
                snprintf(want, sizeof(want), "deny %s default", pt_perm_name(i));
                assert_string_equal(buf, want);
        }
        struct pt_decision d;
        pt_decide_host(&p, "example.com", 80, &d);
        assert_false(d.allow);
        pt_decide_probe(&p, "/", &d);
        assert_false(d.allow);
        pt_policy_free(&p);
}

static void test_bare_allow(void **state)
{
        struct pt_policy p;
        pt_policy_init(&p);
        for (unsigned i = 0; i < PT_PERM_COUNT; i++) {
                assert_int_equal(pt_policy_add_all(&p, i, false, "--allow-x"), 0);
                assert_true(pt_policy_allows_all(&p, i));
                for (unsigned j = 0; j < PT_PERM_COUNT; j++) {
                        struct pt_decision d;
                        decide_any(&p, j, &d);
                        /* the whole category, and only that category */
                        assert_int_equal(d.allow, j <= i);
                        if (j <= i) {
                                assert_null(d.rule);
                                assert_string_equal(d.source, "--allow-x");
                        }
                }
        }
        struct pt_decision d;
        char buf[64];
        pt_decide_host(&p, "anything.example", 1, &d);
        assert_true(d.allow);
        pt_decision_describe(&d, buf, sizeof(buf));
        assert_string_equal(buf, "allow net *");
        pt_policy_free(&p);
}

static void test_bare_deny(void **state)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        char buf[64];
        pt_policy_init(&p);
        /* everything allowed, by rule and by category... */
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_READ, false, "/srv", "--allow-read", &err), 0);
        assert_int_equal(pt_policy_add_all(&p, PT_PERM_READ, false, "-A"), 0);
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_SYS, false, "hostname", "-S", &err), 0);
        /* ...then the bare deny takes the whole category away */
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_READ, true, NULL, "--deny-read", &err), 0);
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_SYS, true, NULL, "POD_DENY_SYS", &err), 0);
        assert_false(pt_policy_allows_all(&p, PT_PERM_READ));

        struct pt_decision d;
        pt_decide_path(&p, PT_PERM_READ, "/srv/file", &d);
        assert_false(d.allow);
        assert_null(d.rule);
        assert_string_equal(d.source, "--deny-read");
        pt_decision_describe(&d, buf, sizeof(buf));
        assert_string_equal(buf, "deny read *");
        pt_decide_sys(&p, PT_SYS_HOSTNAME, &d);
        assert_false(d.allow);
        assert_string_equal(d.source, "POD_DENY_SYS");
        /* other categories untouched */
        decide_any(&p, PT_PERM_WRITE, &d);
        assert_false(d.allow);
        assert_null(d.source);
        pt_policy_free(&p);
}

static void test_all_keeps_first_source(void **state)
{
        struct pt_policy p;
        pt_policy_init(&p);
        assert_int_equal(pt_policy_add_all(&p, PT_PERM_NET, false, "POD_POLICY_JSON"), 0);
        assert_int_equal(pt_policy_add_all(&p, PT_PERM_NET, false, "--allow-net"), 0);
        assert_string_equal(p.allow[PT_PERM_NET].all, "POD_POLICY_JSON");
        /* interned: one copy per name */
        assert_ptr_equal(pt_policy_source(&p, "--allow-net"), pt_policy_source(&p, "--allow-net"));
        assert_int_equal(p.nsources, 2);
        pt_policy_free(&p);
}

/* allow by one source, deny by another, at every granularity: deny wins every time */
static void test_deny_beats_allow_across_sources(void **state)
{
        char *env[] = {
                "POD_ALLOW_READ=/srv,/opt/app/conf",
                "POD_DENY_NET=10.0.0.0/8",
                "POD_ALLOW_ENV=APP_*",
                NULL,
        };
        char *argv[] = { "podtrace", "run", "--deny-read=/srv/secret,/opt", "-N", "--deny-env=APP_TOKEN",
                         "--allow-sys=uid", "--", "prog", NULL };
        const char *json = "{\"read\": {\"allow\": [\"/srv/secret/public\"]},"
                           " \"net\": {\"allow\": [\"10.1.2.3\"]},"
                           " \"sys\": {\"deny\": [\"uid\"]}}";
        struct pt_policy p;
        struct pt_options o = { 0 };
        struct pt_error err = { "" };
        pt_policy_init(&p);
        if (pt_policy_add_env(&p, &ctx, env, &err) < 0)
                fail_msg("%s", err.msg);
        assert_int_equal(pt_options_parse(8, argv, &o, &err), 0);
        if (pt_options_apply(&o, &p, &ctx, &err) < 0)
                fail_msg("%s", err.msg);
        if (pt_policy_add_json(&p, &ctx, json, strlen(json), "--policy=p.json", &err) < 0)
                fail_msg("%s", err.msg);

        struct pt_decision d;
        pt_decide_path(&p, PT_PERM_READ, "/srv/data", &d);
        assert_true(d.allow);
        assert_string_equal(d.source, "POD_ALLOW_READ");
        /* finer allow (JSON) under a coarser deny (flag) under a coarser allow (env) */
        pt_decide_path(&p, PT_PERM_READ, "/srv/secret/public/x", &d);
        assert_false(d.allow);
        assert_string_equal(d.rule->text, "/srv/secret");
        assert_string_equal(d.source, "--deny-read");
        /* coarser deny (flag) over a finer allow (env) */
        pt_decide_path(&p, PT_PERM_READ, "/opt/app/conf/a.ini", &d);
        assert_false(d.allow);
        assert_string_equal(d.rule->text, "/opt");

        uint8_t a[4] = { 10, 1, 2, 3 };
        pt_decide_addr(&p, AF_INET, a, 80, &d); /* JSON allow and -N, env deny */
        assert_false(d.allow);
        assert_string_equal(d.source, "POD_DENY_NET");
        uint8_t b[4] = { 11, 1, 2, 3 };
        pt_decide_addr(&p, AF_INET, b, 80, &d); /* -N */
        assert_true(d.allow);
        assert_string_equal(d.source, "--allow-net"); /* -N is reported by its long name */

        pt_decide_env(&p, "APP_TOKEN", &d);
        assert_false(d.allow);
        pt_decide_env(&p, "APP_NAME", &d);
        assert_true(d.allow);
        pt_decide_sys(&p, PT_SYS_UID, &d);
        assert_false(d.allow);
        assert_string_equal(d.source, "--policy=p.json");

        pt_options_free(&o);
        pt_policy_free(&p);
}

static void test_describe(void **state)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        struct pt_decision d;
        char buf[128];
        pt_policy_init(&p);
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_READ, false, "/etc", "-R", &err), 0);
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_NET, true, "*.evil.test:443", "--deny-net", &err), 0);

        pt_decide_path(&p, PT_PERM_READ, "/etc/passwd", &d);
        assert_int_equal(pt_decision_describe(&d, buf, sizeof(buf)), strlen("allow read /etc"));
        assert_string_equal(buf, "allow read /etc");
        pt_decide_host(&p, "a.evil.test", 443, &d);
        pt_decision_describe(&d, buf, sizeof(buf));
        assert_string_equal(buf, "deny net *.evil.test:443");
        pt_decide_env(&p, "HOME", &d);
        pt_decision_describe(&d, buf, sizeof(buf));
        assert_string_equal(buf, "deny env default");
        pt_decide_probe(&p, "/", &d);
        pt_decision_describe(&d, buf, sizeof(buf));
        assert_string_equal(buf, "allow read /etc (on the way to it)");
        /* truncated like snprintf, returning the full length */
        char small[8];
        pt_decide_path(&p, PT_PERM_READ, "/etc/passwd", &d);
        assert_int_equal(pt_decision_describe(&d, small, sizeof(small)), 15);
        assert_string_equal(small, "allow r");
        pt_policy_free(&p);
}

static void test_perm_names(void **state)
{
        static const char *const names[] = { "read", "write", "net", "env", "run", "ffi", "sys" };
        for (unsigned i = 0; i < PT_PERM_COUNT; i++) {
                enum pt_perm perm;
                assert_string_equal(pt_perm_name(i), names[i]);
                assert_int_equal(pt_perm_from_name(names[i], &perm), 0);
                assert_int_equal(perm, i);
        }
        enum pt_perm perm;
        assert_int_equal(pt_perm_from_name("all", &perm), -EINVAL);
        assert_int_equal(pt_perm_from_name("Read", &perm), -EINVAL);
        assert_string_equal(pt_perm_name(PT_PERM_COUNT), "?");
}

static void test_add_value_bad_perm(void **state)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        pt_policy_init(&p);
        assert_error(pt_policy_add_value(&p, &ctx, PT_PERM_COUNT, false, "x", "src", "src", &err), err, "src: ");
        assert_error(pt_policy_add_value(&p, &ctx, PT_PERM_READ, false, NULL, "src", "src", &err), err, "src: ");
        pt_policy_free(&p);
}

static void test_baseline(void **state)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        const char *extra[] = { "/opt/myapp/bin/tool", NULL };
        struct pt_decision d;
        pt_policy_init(&p);
        if (pt_policy_add_baseline(&p, &ctx, extra, &err) < 0)
                fail_msg("%s", err.msg);
        char *libc = realpath("/usr/lib", NULL);
        assert_non_null(libc);
        pt_decide_path(&p, PT_PERM_READ, libc, &d);
        assert_true(d.allow);
        assert_string_equal(d.source, "baseline");
        pt_decide_path(&p, PT_PERM_FFI, libc, &d);
        assert_true(d.allow);
        pt_decide_path(&p, PT_PERM_WRITE, libc, &d);
        assert_false(d.allow);
        free(libc);
        pt_decide_path(&p, PT_PERM_WRITE, "/dev/null", &d);
        assert_true(d.allow);
        pt_decide_path(&p, PT_PERM_READ, "/proc/self/maps", &d);
        assert_true(d.allow);
        pt_decide_path(&p, PT_PERM_READ, "/opt/myapp/bin/tool", &d);
        assert_true(d.allow);
        pt_decide_path(&p, PT_PERM_READ, "/etc/shadow", &d);
        assert_false(d.allow);
        /* cut by a deny */
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_READ, true, "/proc/self/environ", "--deny-read", &err),
                         0);
        pt_decide_path(&p, PT_PERM_READ, "/proc/self/environ", &d);
        assert_false(d.allow);
        pt_policy_free(&p);
}

static void test_policy_print(void **state)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        char *out = NULL;
        size_t len = 0;
        pt_policy_init(&p);
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_NET, false, "example.com", "--allow-net", &err), 0);
        assert_int_equal(pt_policy_add_all(&p, PT_PERM_ENV, true, "POD_DENY_ENV"), 0);
        assert_int_equal(pt_policy_add_list(&p, &ctx, PT_PERM_RUN, false, "no-such-prog-pt", "--allow-run", &err), 0);
        FILE *f = open_memstream(&out, &len);
        assert_non_null(f);
        pt_policy_print(&p, f);
        fclose(f);
        assert_contains(out, "# podtrace effective policy");
        assert_contains(out, "read   deny   *");
        assert_contains(out, "default");
        assert_contains(out, "net    allow  example.com");
        assert_contains(out, "--allow-net");
        assert_contains(out, "env    deny   *");
        assert_contains(out, "POD_DENY_ENV");
        assert_contains(out, "no-such-prog-pt");
        assert_contains(out, "(not on PATH)");
        free(out);
        pt_policy_free(&p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_deny),
                cmocka_unit_test(test_bare_allow),
                cmocka_unit_test(test_bare_deny),
                cmocka_unit_test(test_all_keeps_first_source),
                cmocka_unit_test(test_deny_beats_allow_across_sources),
                cmocka_unit_test(test_describe),
                cmocka_unit_test(test_perm_names),
                cmocka_unit_test(test_add_value_bad_perm),
                cmocka_unit_test(test_baseline),
                cmocka_unit_test(test_policy_print),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
