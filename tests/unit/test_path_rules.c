/* SPDX-License-Identifier: MIT */
/*
 * Path values (read, write, ffi): canonicalisation at start-up against a real temp tree with
 * symlinks, subtree matching, and the metadata-probe rule.
 */
#include "unit.h"

struct fixture {
        char *dir; /* canonical temp dir */
        struct pt_context ctx;
        struct pt_policy p;
};

/*
 * <dir>/real/sub/file, <dir>/link -> real (relative), <dir>/abslink -> <dir>/real/sub
 * (absolute), <dir>/chain -> link, <dir>/loop -> loop, <dir>/dangle -> nothere,
 * <dir>/filelink -> real/sub/file.
 */
static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        assert_non_null(f);
        f->dir = make_tmpdir();
        make_dir(f->dir, "real");
        make_dir(f->dir, "real/sub");
        write_file(path_in(f->dir, "real/sub/file"), "x", 1, 0644);
        make_symlink("real", f->dir, "link");
        make_symlink(path_in(f->dir, "real/sub"), f->dir, "abslink");
        make_symlink("link", f->dir, "chain");
        make_symlink("loop", f->dir, "loop");
        make_symlink("nothere", f->dir, "dangle");
        make_symlink("real/sub/file", f->dir, "filelink");
        f->ctx.cwd = f->dir;
        f->ctx.path_env = "/nonexistent";
        pt_policy_init(&f->p);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        pt_policy_free(&f->p);
        remove_tree(f->dir);
        free(f);
        return 0;
}

/* Canonicalise `value` and compare with `want`, where "@" at the start stands for the temp dir. */
static void canon_is(struct fixture *f, const char *value, const char *want)
{
        char wantbuf[PATH_MAX], valbuf[PATH_MAX];
        if (want[0] == '@') {
                snprintf(wantbuf, sizeof(wantbuf), "%s%s", f->dir, want + 1);
                want = wantbuf;
        }
        if (value[0] == '@') {
                snprintf(valbuf, sizeof(valbuf), "%s%s", f->dir, value + 1);
                value = valbuf;
        }
        char *got = NULL;
        int r = pt_path_canonicalize(&f->ctx, value, &got);
        if (r < 0)
                fail_msg("\"%s\": error %d", value, r);
        if (strcmp(got, want) != 0)
                fail_msg("\"%s\" -> \"%s\", want \"%s\"", value, got, want);
        free(got);
}

static void test_absolute(void **state)
{
        struct fixture *f = *state;
        canon_is(f, "/", "/");
        canon_is(f, "//", "/");
        canon_is(f, "@", "@");
        canon_is(f, "@/", "@");
        canon_is(f, "@//real///sub/", "@/real/sub");
        canon_is(f, "@/real/./sub/.", "@/real/sub");
        canon_is(f, "@/real/sub/file", "@/real/sub/file");
        canon_is(f, "/../../..", "/");
        canon_is(f, "/..", "/");
}

static void test_relative(void **state)
{
        struct fixture *f = *state;
        canon_is(f, ".", "@");
        canon_is(f, "./", "@");
        canon_is(f, "real", "@/real");
        canon_is(f, "real/sub/../sub/file", "@/real/sub/file");
        canon_is(f, "./real//sub", "@/real/sub");
        canon_is(f, "new/file", "@/new/file");

        /* the working directory itself goes through a symlink: resolved too */
        char cwd[PATH_MAX];
        snprintf(cwd, sizeof(cwd), "%s/link", f->dir);
        f->ctx.cwd = cwd;
        canon_is(f, "sub", "@/real/sub");
        canon_is(f, "..", "@");
        f->ctx.cwd = f->dir;

        /* no working directory, or a relative one: refused */
        struct pt_context none = { 0 }, rel = { .cwd = "relative/dir" };
        char *got = NULL;
        assert_int_equal(pt_path_canonicalize(&none, "real", &got), -EINVAL);
        assert_int_equal(pt_path_canonicalize(NULL, "real", &got), -EINVAL);
        assert_int_equal(pt_path_canonicalize(&rel, "real", &got), -EINVAL);
        assert_null(got);
}

static void test_symlinks(void **state)
{
        struct fixture *f = *state;
        canon_is(f, "@/link", "@/real");
        canon_is(f, "@/link/sub/file", "@/real/sub/file");
        canon_is(f, "@/abslink", "@/real/sub");
        canon_is(f, "@/abslink/file", "@/real/sub/file");
        canon_is(f, "@/chain/sub", "@/real/sub");
        canon_is(f, "link/sub", "@/real/sub");
        /* ".." after a symlink is physical, as the kernel resolves it */
        canon_is(f, "@/abslink/..", "@/real");
        canon_is(f, "@/abslink/../..", "@");
        /* a link to a file, with a trailing slash (ENOTDIR for realpath) or more below it */
        canon_is(f, "@/filelink", "@/real/sub/file");
        canon_is(f, "@/filelink/", "@/real/sub/file");
        canon_is(f, "@/filelink//", "@/real/sub/file");
        canon_is(f, "@/filelink/x", "@/real/sub/file/x");
        canon_is(f, "@/link/", "@/real");
        /* a dangling link stays as written: nothing to resolve yet */
        canon_is(f, "@/dangle", "@/dangle");
        canon_is(f, "@/dangle/x", "@/dangle/x");
}

static void test_nonexistent_tail(void **state)
{
        struct fixture *f = *state;
        canon_is(f, "@/nope", "@/nope");
        canon_is(f, "@/nope/a/b", "@/nope/a/b");
        canon_is(f, "@/nope/a/../b", "@/nope/b");
        canon_is(f, "@/nope/../real", "@/real");
        canon_is(f, "@/nope/./a//b/", "@/nope/a/b");
        char parent_x[PATH_MAX];
        snprintf(parent_x, sizeof(parent_x), "%s", f->dir);
        strcpy(strrchr(parent_x, '/'), "/x");
        canon_is(f, "@/nope/../../x", parent_x);
        /* the existing part is resolved, the rest folded onto it */
        canon_is(f, "@/link/new/../new2", "@/real/new2");
        canon_is(f, "@/abslink/new/x", "@/real/sub/new/x");
        canon_is(f, "@/link/nope/..", "@/real");
        /* ".." in the missing part lands on a symlink: resolved too */
        canon_is(f, "@/nope/../link", "@/real");
        canon_is(f, "@/nope/../link/sub/../new", "@/real/new");
        canon_is(f, "@/nope/x/../../abslink/y", "@/real/sub/y");
        /* a file in the middle: ENOTDIR, folded like a missing name */
        canon_is(f, "@/real/sub/file/x", "@/real/sub/file/x");
        canon_is(f, "/nonexistent-pt-unit/a/../b", "/nonexistent-pt-unit/b");
}

static void test_proc_self(void **state)
{
        struct fixture *f = *state;
        /* the worker's own /proc entries: kept as written, not resolved to podtrace's pid */
        canon_is(f, "/proc/self", "/proc/self");
        canon_is(f, "/proc/self/", "/proc/self");
        canon_is(f, "/proc/self/environ", "/proc/self/environ");
        canon_is(f, "/proc/self/fd/../status", "/proc/self/status");
        canon_is(f, "/proc/self//./maps", "/proc/self/maps");
        /* a thread's files are decided as the process's (the access side folds them alike) */
        canon_is(f, "/proc/thread-self", "/proc/self");
        canon_is(f, "/proc/thread-self/", "/proc/self");
        canon_is(f, "/proc/thread-self/net/dev", "/proc/self/net/dev");
        canon_is(f, "/proc/self/task/12/environ", "/proc/self/environ");
        canon_is(f, "/proc/self/task/12", "/proc/self");
        canon_is(f, "/proc/self/task", "/proc/self/task");
        canon_is(f, "/proc/self/task/x12/status", "/proc/self/task/x12/status");
        /* other spellings of the same, not podtrace's own pid */
        canon_is(f, "//proc/self/environ", "/proc/self/environ");
        canon_is(f, "/proc/./self", "/proc/self");
        canon_is(f, "/proc/../proc/self/maps", "/proc/self/maps");
        canon_is(f, "/nope/../proc/self/fd", "/proc/self/fd");
        f->ctx.cwd = "/proc";
        canon_is(f, "self/status", "/proc/self/status");
        canon_is(f, "thread-self", "/proc/self");
        f->ctx.cwd = f->dir;
        /* leaving /proc/self: resolved as usual */
        char v[PATH_MAX];
        snprintf(v, sizeof(v), "/proc/self/../..%s/link", f->dir);
        canon_is(f, v, "@/real");
        /* not /proc/self: resolved normally */
        char *got = NULL;
        assert_int_equal(pt_path_canonicalize(&f->ctx, "/proc/selfish", &got), 0);
        assert_string_equal(got, "/proc/selfish");
        free(got);
}

static void test_errors(void **state)
{
        struct fixture *f = *state;
        struct pt_error err = { "" };
        char v[PATH_MAX];

        snprintf(v, sizeof(v), "%s/loop/x", f->dir);
        assert_error(pt_policy_add_value(&f->p, &f->ctx, PT_PERM_READ, false, v, "--allow-read", "--allow-read",
                                         &err),
                     err, "--allow-read: ");
        assert_contains(err.msg, "symbolic links");
        assert_contains(err.msg, v);

        assert_error(pt_policy_add_value(&f->p, NULL, PT_PERM_WRITE, false, "rel", "POD_ALLOW_WRITE",
                                         "POD_ALLOW_WRITE", &err),
                     err, "POD_ALLOW_WRITE: ");
        assert_contains(err.msg, "working directory");

        assert_error(pt_policy_add_value(&f->p, &f->ctx, PT_PERM_FFI, true, "", "--deny-ffi", "--deny-ffi", &err),
                     err, "--deny-ffi: ");

        /* longer than the value limit */
        char *huge = malloc(5000);
        assert_non_null(huge);
        memset(huge, 'a', 4999);
        huge[0] = '/';
        huge[4999] = '\0';
        assert_error(pt_policy_add_value(&f->p, &f->ctx, PT_PERM_READ, false, huge, "--allow-read", "--allow-read",
                                         &err),
                     err, "--allow-read: ");
        free(huge);

        /* within the value limit but too long once made absolute */
        char *rel = malloc(4097);
        assert_non_null(rel);
        for (int i = 0; i < 4096; i++)
                rel[i] = i % 2 ? '/' : 'a';
        rel[4096] = '\0';
        assert_error(pt_policy_add_value(&f->p, &f->ctx, PT_PERM_READ, false, rel, "--allow-read", "--allow-read",
                                         &err),
                     err, "--allow-read: ");
        assert_contains(err.msg, "too long");
        free(rel);

        assert_int_equal(f->p.allow[PT_PERM_READ].n, 0);
        assert_int_equal(f->p.allow[PT_PERM_WRITE].n, 0);
}

static void test_covers(void **state)
{
        assert_true(pt_path_covers("/a", 2, "/a"));
        assert_true(pt_path_covers("/a", 2, "/a/b"));
        assert_true(pt_path_covers("/a", 2, "/a/b/c"));
        assert_false(pt_path_covers("/a", 2, "/ab"));
        assert_false(pt_path_covers("/a", 2, "/"));
        assert_false(pt_path_covers("/a", 2, "/b/a"));
        assert_false(pt_path_covers("/a/b", 4, "/a"));
        assert_true(pt_path_covers("/", 1, "/"));
        assert_true(pt_path_covers("/", 1, "/anything/at/all"));
        assert_false(pt_path_covers("/", 1, "relative"));
}

static void add(struct fixture *f, enum pt_perm perm, bool deny, const char *value)
{
        struct pt_error err = { "" };
        char buf[PATH_MAX];
        if (value[0] == '@') {
                snprintf(buf, sizeof(buf), "%s%s", f->dir, value + 1);
                value = buf;
        }
        if (pt_policy_add_value(&f->p, &f->ctx, perm, deny, value, deny ? "--deny-x" : "--allow-x", "test",
                                &err) < 0)
                fail_msg("%s", err.msg);
}

static bool allowed(struct fixture *f, enum pt_perm perm, const char *path)
{
        char buf[PATH_MAX];
        struct pt_decision d;
        if (path[0] == '@') {
                snprintf(buf, sizeof(buf), "%s%s", f->dir, path + 1);
                path = buf;
        }
        pt_decide_path(&f->p, perm, path, &d);
        assert_int_equal(d.perm, perm);
        assert_false(d.ancestor);
        return d.allow;
}

static void test_rules_canonical_and_subtree(void **state)
{
        struct fixture *f = *state;
        add(f, PT_PERM_READ, false, "link");               /* -> @/real */
        add(f, PT_PERM_READ, false, "@/real/");            /* the same rule: not added twice */
        add(f, PT_PERM_WRITE, false, "@/abslink/out");     /* -> @/real/sub/out (does not exist) */
        add(f, PT_PERM_READ, true, "@/chain/sub/secret");  /* -> @/real/sub/secret */
        assert_int_equal(f->p.allow[PT_PERM_READ].n, 1);
        assert_string_equal(f->p.allow[PT_PERM_READ].v[0].text, path_in(f->dir, "real"));
        assert_int_equal(f->p.allow[PT_PERM_READ].v[0].len, strlen(path_in(f->dir, "real")));
        assert_string_equal(f->p.allow[PT_PERM_WRITE].v[0].text, path_in(f->dir, "real/sub/out"));
        assert_string_equal(f->p.deny[PT_PERM_READ].v[0].text, path_in(f->dir, "real/sub/secret"));

        assert_true(allowed(f, PT_PERM_READ, "@/real"));
        assert_true(allowed(f, PT_PERM_READ, "@/real/sub/file"));
        assert_false(allowed(f, PT_PERM_READ, "@/realx"));
        assert_false(allowed(f, PT_PERM_READ, "@/rea"));
        assert_false(allowed(f, PT_PERM_READ, "@"));
        assert_false(allowed(f, PT_PERM_READ, "@/real/sub/secret"));
        assert_false(allowed(f, PT_PERM_READ, "@/real/sub/secret/deeper"));
        assert_true(allowed(f, PT_PERM_READ, "@/real/sub/secrets"));
        /* write does not imply read, read does not imply write */
        assert_true(allowed(f, PT_PERM_WRITE, "@/real/sub/out/a"));
        assert_false(allowed(f, PT_PERM_WRITE, "@/real/sub/file"));
        /* ffi is its own category */
        assert_false(allowed(f, PT_PERM_FFI, "@/real/sub/file"));
}

static void test_root_rule(void **state)
{
        struct fixture *f = *state;
        add(f, PT_PERM_READ, false, "/");
        assert_true(allowed(f, PT_PERM_READ, "/"));
        assert_true(allowed(f, PT_PERM_READ, "/etc/passwd"));
        assert_true(allowed(f, PT_PERM_READ, "@/real/sub/file"));
        assert_false(allowed(f, PT_PERM_WRITE, "/tmp"));

        /* deny of "/" beats allow of anything */
        add(f, PT_PERM_WRITE, false, "@");
        add(f, PT_PERM_WRITE, true, "/..");
        assert_false(allowed(f, PT_PERM_WRITE, "@/x"));
}

static void test_deny_subtree_in_allow(void **state)
{
        struct fixture *f = *state;
        /* a deny above an allow wins, whichever is more specific */
        add(f, PT_PERM_READ, false, "@/real/sub/file");
        add(f, PT_PERM_READ, true, "@/real");
        assert_false(allowed(f, PT_PERM_READ, "@/real/sub/file"));

        struct pt_decision d;
        pt_decide_path(&f->p, PT_PERM_READ, path_in(f->dir, "real/sub/file"), &d);
        assert_false(d.allow);
        assert_non_null(d.rule);
        assert_string_equal(d.rule->text, path_in(f->dir, "real"));
        assert_string_equal(d.source, "--deny-x");
}

static void test_most_specific_allow_reported(void **state)
{
        struct fixture *f = *state;
        add(f, PT_PERM_READ, false, "@");
        add(f, PT_PERM_READ, false, "@/real/sub");
        add(f, PT_PERM_READ, false, "@/real");
        struct pt_decision d;
        pt_decide_path(&f->p, PT_PERM_READ, path_in(f->dir, "real/sub/file"), &d);
        assert_true(d.allow);
        assert_string_equal(d.rule->text, path_in(f->dir, "real/sub"));
}

static void probe(struct fixture *f, const char *path, bool want_allow, bool want_ancestor, const char *want_rule)
{
        char buf[PATH_MAX], rbuf[PATH_MAX];
        struct pt_decision d;
        if (path[0] == '@') {
                snprintf(buf, sizeof(buf), "%s%s", f->dir, path + 1);
                path = buf;
        }
        pt_decide_probe(&f->p, path, &d);
        if (d.allow != want_allow || d.ancestor != want_ancestor)
                fail_msg("probe %s: allow=%d ancestor=%d, want %d %d", path, d.allow, d.ancestor, want_allow,
                         want_ancestor);
        assert_int_equal(d.perm, PT_PERM_READ);
        if (want_rule) {
                if (want_rule[0] == '@') {
                        snprintf(rbuf, sizeof(rbuf), "%s%s", f->dir, want_rule + 1);
                        want_rule = rbuf;
                }
                assert_non_null(d.rule);
                assert_string_equal(d.rule->text, want_rule);
        }
}

static void test_probe_ancestors(void **state)
{
        struct fixture *f = *state;
        add(f, PT_PERM_READ, false, "@/real/sub/file");
        add(f, PT_PERM_WRITE, false, "@/out/deep");

        probe(f, "@/real/sub/file", true, false, "@/real/sub/file");
        probe(f, "@/real/sub", true, true, "@/real/sub/file");
        probe(f, "@/real", true, true, "@/real/sub/file");
        probe(f, "@", true, true, NULL);
        probe(f, "/tmp", true, true, NULL);
        probe(f, "/", true, true, NULL);
        probe(f, "@/out", true, true, "@/out/deep");
        /* not on the way: default deny stands */
        probe(f, "@/real/other", false, false, NULL);
        probe(f, "@/rea", false, false, NULL);
        probe(f, "@/real/sub/file/below", true, false, NULL); /* covered outright */
        probe(f, "/etc", false, false, NULL);
        /* write alone does not allow probing the path itself or what is below it */
        probe(f, "@/out/deep", false, false, NULL);
        probe(f, "@/out/deep/x", false, false, NULL);

        struct pt_decision d;
        char buf[128];
        pt_decide_probe(&f->p, path_in(f->dir, "real"), &d);
        pt_decision_describe(&d, buf, sizeof(buf));
        assert_contains(buf, "allow read ");
        assert_contains(buf, "(on the way to it)");
}

static void test_probe_explicit_deny_wins(void **state)
{
        struct fixture *f = *state;
        add(f, PT_PERM_READ, false, "@/real/sub/file");
        add(f, PT_PERM_WRITE, false, "@/out/x");
        add(f, PT_PERM_READ, true, "@/real");
        probe(f, "@/real", false, false, "@/real");
        probe(f, "@/real/sub", false, false, "@/real");
        probe(f, "@/out", true, true, "@/out/x");

        /* a whole-category read deny also stands */
        assert_int_equal(pt_policy_add_all(&f->p, PT_PERM_READ, true, "--deny-read"), 0);
        probe(f, "@/out", false, false, NULL);
        probe(f, "@", false, false, NULL);
        struct pt_decision d;
        pt_decide_probe(&f->p, f->dir, &d);
        assert_string_equal(d.source, "--deny-read");
}

static void test_probe_no_rules(void **state)
{
        struct fixture *f = *state;
        probe(f, "/", false, false, NULL);
        probe(f, "@", false, false, NULL);
        /* a whole-category allow: plain allow */
        assert_int_equal(pt_policy_add_all(&f->p, PT_PERM_READ, false, "-R"), 0);
        probe(f, "@", true, false, NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
        const struct CMUnitTest tests[] = {
                T(test_absolute),
                T(test_relative),
                T(test_symlinks),
                T(test_nonexistent_tail),
                T(test_proc_self),
                T(test_errors),
                cmocka_unit_test(test_covers),
                T(test_rules_canonical_and_subtree),
                T(test_root_rule),
                T(test_deny_subtree_in_allow),
                T(test_most_specific_allow_reported),
                T(test_probe_ancestors),
                T(test_probe_explicit_deny_wins),
                T(test_probe_no_rules),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
