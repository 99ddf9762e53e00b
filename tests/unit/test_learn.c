/* SPDX-License-Identifier: MIT */
/*
 * --learn: the policy's learn hook (default denies become recorded allows, rules still
 * decide, silent probes are not learned) and the builder of the learned policy (reduction,
 * the collapse rule, merging into a file's JSON, flags, POD_POLICY_JSON).
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <sys/socket.h>

#include "learn/learn.h"
#include "unit.h"

static const struct pt_context ctx = { .cwd = "/", .path_env = "/nonexistent" };

struct seen {
        int n;
        enum pt_perm perm[16];
        char value[16][128];
};

static void record(void *c, enum pt_perm perm, const char *value)
{
        struct seen *s = c;
        if (s->n < 16) {
                s->perm[s->n] = perm;
                snprintf(s->value[s->n], sizeof(s->value[0]), "%s", value ? value : "(all)");
        }
        s->n++;
}

static void test_hook(void **state)
{
        (void)state;
        struct pt_policy p;
        struct pt_error err;
        struct seen s = { 0 };
        struct pt_learn_hook h = { .record = record, .ctx = &s };
        struct pt_decision d;
        pt_policy_init(&p);
        assert_int_equal(pt_policy_add_value(&p, &ctx, PT_PERM_READ, false, "/ok", "t", "t", &err), 0);
        assert_int_equal(pt_policy_add_value(&p, &ctx, PT_PERM_READ, true, "/ok/secret", "t", "t", &err), 0);
        p.learn = &h;

        pt_decide_path(&p, PT_PERM_READ, "/elsewhere", &d); /* inactive: an ordinary deny */
        assert_false(d.allow);
        assert_int_equal(s.n, 0);
        h.active = true;
        pt_decide_path(&p, PT_PERM_READ, "/elsewhere", &d);
        assert_true(d.allow);
        assert_true(d.learned);
        pt_decide_path(&p, PT_PERM_READ, "/ok/secret", &d); /* an explicit deny stays */
        assert_false(d.allow);
        pt_decide_path(&p, PT_PERM_READ, "/ok/file", &d); /* allowed by a rule: nothing to learn */
        assert_true(d.allow);
        assert_false(d.learned);
        pt_decide_probe(&p, "/", &d); /* on the way to /ok: no rule needed */
        assert_true(d.allow);
        pt_learn_quiet = true;
        pt_decide_path(&p, PT_PERM_READ, "/quiet", &d);
        pt_learn_quiet = false;
        assert_false(d.allow);
        static const uint8_t a4[4] = { 192, 0, 2, 7 };
        pt_decide_addr(&p, AF_INET, a4, 443, &d);
        pt_decide_host(&p, "example.org", 80, &d);
        pt_decide_sys(&p, PT_SYS_HOSTNAME, &d);
        pt_decide_env_all(&p, &d);
        assert_int_equal(s.n, 5);
        assert_string_equal(s.value[0], "/elsewhere");
        assert_string_equal(s.value[1], "192.0.2.7:443");
        assert_string_equal(s.value[2], "example.org:80");
        assert_string_equal(s.value[3], "hostname");
        assert_int_equal(s.perm[4], PT_PERM_ENV);
        assert_string_equal(s.value[4], "(all)");
        pt_policy_free(&p);
}

static cJSON *allow_of(cJSON *root, const char *key)
{
        cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
        return cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "allow") : v;
}

static bool has(cJSON *root, const char *key, const char *value)
{
        const cJSON *e;
        cJSON *list = allow_of(root, key);
        cJSON_ArrayForEach(e, list) {
                if (cJSON_IsString(e) && strcmp(e->valuestring, value) == 0)
                        return true;
        }
        return false;
}

static void test_build(void **state)
{
        (void)state;
        struct pt_learn_entry v[40];
        char buf[40][64];
        size_t n = 0;
#define ADD(p, s)                                                          \
        do {                                                               \
                snprintf(buf[n], sizeof(buf[n]), "%s", s);                 \
                v[n] = (struct pt_learn_entry){ p, buf[n] };               \
                n++;                                                       \
        } while (0)
        for (int i = 0; i < PT_LEARN_COLLAPSE_MIN; i++) {
                char f[64];
                snprintf(f, sizeof(f), "/srv/set/f%d", i);
                ADD(PT_PERM_READ, f);
                snprintf(f, sizeof(f), "/etc/conf%d", i);
                ADD(PT_PERM_READ, f);
        }
        ADD(PT_PERM_READ, "/srv/other/one");
        ADD(PT_PERM_READ, "/srv/other/two");
        ADD(PT_PERM_READ, "/data/listed");
        ADD(PT_PERM_READ, "/data/listed/inside");
        ADD(PT_PERM_READ, "pipe:[1234]");
        ADD(PT_PERM_WRITE, "/out/a b.txt");
        ADD(PT_PERM_NET, "example.org:443");
        ADD(PT_PERM_RUN, "/usr/bin/echo");
        ADD(PT_PERM_FFI, "/opt/lib/libx.so");
        ADD(PT_PERM_SYS, "hostname");
        v[n++] = (struct pt_learn_entry){ PT_PERM_ENV, NULL };

        struct pt_learned out;
        struct pt_error err;
        assert_int_equal(pt_learn_build(v, n, NULL, "/root", &out, &err), 0);
        cJSON *root = cJSON_Parse(out.json);
        assert_non_null(root);
        assert_true(has(root, "read", "/srv/set"));          /* eight files of one directory */
        assert_false(has(root, "read", "/srv/set/f1"));
        assert_true(has(root, "read", "/etc/conf1"));        /* never /etc itself */
        assert_false(has(root, "read", "/etc"));
        assert_true(has(root, "read", "/srv/other/one"));    /* two are not many */
        assert_true(has(root, "read", "/data/listed"));
        assert_false(has(root, "read", "/data/listed/inside")); /* under another rule */
        assert_false(has(root, "read", "pipe:[1234]"));
        assert_true(has(root, "write", "/out/a b.txt"));
        assert_true(has(root, "net", "example.org:443"));
        assert_true(has(root, "run", "/usr/bin/echo"));
        assert_true(has(root, "ffi", "/opt/lib/libx.so"));
        assert_true(has(root, "sys", "hostname"));
        assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "env")));
        /* the flags, shell-quoted where needed */
        assert_contains(out.flags, "--allow-read=/data/listed,");
        assert_contains(out.flags, "'--allow-write=/out/a b.txt'");
        assert_contains(out.flags, "--allow-env");
        /* POD_POLICY_JSON is the same policy: it loads, and allows what the file allows */
        struct pt_policy p;
        pt_policy_init(&p);
        char *env[] = { NULL, NULL };
        assert_true(asprintf(&env[0], "POD_POLICY_JSON=%s", out.b64) > 0);
        assert_int_equal(pt_policy_add_env(&p, &ctx, env, &err), 0);
        struct pt_decision d;
        pt_decide_path(&p, PT_PERM_READ, "/srv/set/new", &d);
        assert_true(d.allow);
        pt_decide_path(&p, PT_PERM_READ, "/srv/other/three", &d);
        assert_false(d.allow);
        pt_policy_free(&p);
        free(env[0]);
        cJSON_Delete(root);
        pt_learned_free(&out);
}

static void test_merge(void **state)
{
        (void)state;
        char a[] = "/new/file", b[] = "/kept/again", c[] = "api.example.com:443", e[] = "/usr/bin/true";
        struct pt_learn_entry v[] = {
                { PT_PERM_READ, a }, { PT_PERM_READ, b }, { PT_PERM_NET, c }, { PT_PERM_RUN, e },
        };
        const char *existing = "{ \"read\": { \"allow\": [\"/kept/again\"], \"deny\": [\"/kept/secret\"] },"
                               "  \"net\": true, \"run\": false, \"sys\": [\"hostname\"] }";
        struct pt_learned out;
        struct pt_error err;
        assert_int_equal(pt_learn_build(v, 4, existing, NULL, &out, &err), 0);
        cJSON *root = cJSON_Parse(out.json);
        assert_true(has(root, "read", "/new/file"));
        assert_true(has(root, "read", "/kept/again"));
        const cJSON *deny = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "read"), "deny");
        assert_int_equal(cJSON_GetArraySize(deny), 1); /* the file's deny is kept */
        assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "net"))); /* already all */
        assert_true(has(root, "run", "/usr/bin/true")); /* false became a list */
        assert_true(has(root, "sys", "hostname"));
        assert_int_equal(out.nadded, 2); /* /new/file, /usr/bin/true: the rest was there */
        assert_contains(out.flags, "--deny-read=/kept/secret");
        assert_contains(out.flags, "--allow-net");
        cJSON_Delete(root);
        pt_learned_free(&out);
        assert_int_equal(pt_learn_build(v, 4, "[1,2]", NULL, &out, &err), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hook),
                cmocka_unit_test(test_build),
                cmocka_unit_test(test_merge),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
