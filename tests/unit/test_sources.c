/* SPDX-License-Identifier: MIT */
/*
 * Policy sources other than flags: the POD_* variables, base64 JSON in POD_POLICY_JSON, JSON
 * permission sets, and --policy files. Every refusal names its source on one line.
 */
#include "unit.h"

static struct pt_context ctx = { .cwd = "/srv/app", .path_env = "/nonexistent" };

/* Standard base64 with padding. */
static char *b64(const char *in, size_t len)
{
        static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char *out = malloc(len / 3 * 4 + 5), *o = out;
        assert_non_null(out);
        size_t i = 0;
        for (; i + 2 < len; i += 3) {
                unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
                *o++ = abc[v >> 18 & 63];
                *o++ = abc[v >> 12 & 63];
                *o++ = abc[v >> 6 & 63];
                *o++ = abc[v & 63];
        }
        if (len - i == 1) {
                unsigned v = (unsigned char)in[i] << 16;
                *o++ = abc[v >> 18 & 63];
                *o++ = abc[v >> 12 & 63];
                *o++ = '=';
                *o++ = '=';
        } else if (len - i == 2) {
                unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
                *o++ = abc[v >> 18 & 63];
                *o++ = abc[v >> 12 & 63];
                *o++ = abc[v >> 6 & 63];
                *o++ = '=';
        }
        *o = '\0';
        return out;
}

/* "POD_POLICY_JSON=" + base64(json) */
static char *policy_json_var(const char *json)
{
        char *enc = b64(json, strlen(json)), *var = NULL;
        assert_true(asprintf(&var, "POD_POLICY_JSON=%s", enc) > 0);
        free(enc);
        return var;
}

static int add_env1(struct pt_policy *p, const char *var, struct pt_error *err)
{
        char *env[] = { (char *)var, NULL };
        return pt_policy_add_env(p, &ctx, env, err);
}

static void env_ok(struct pt_policy *p, const char *var)
{
        struct pt_error err = { "" };
        if (add_env1(p, var, &err) < 0)
                fail_msg("%s refused: %s", var, err.msg);
}

static void env_bad(const char *var, const char *prefix, const char *part)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        pt_policy_init(&p);
        int r = add_env1(&p, var, &err);
        if (r >= 0)
                fail_msg("%.200s accepted", var);
        assert_error(r, err, prefix);
        if (part)
                assert_contains(err.msg, part);
        pt_policy_free(&p);
}

static void json_bad(const char *json, const char *part)
{
        char *var = policy_json_var(json);
        env_bad(var, "POD_POLICY_JSON: ", part);
        free(var);
}

/* --- POD_* variables ------------------------------------------------------------------- */

static void test_pod_vars(void **state)
{
        static const struct {
                const char *name;
                enum pt_perm perm;
                const char *value, *text;
        } vars[] = {
                { "READ", PT_PERM_READ, "/srv/data,rel", "/srv/app/rel" },
                { "WRITE", PT_PERM_WRITE, "/tmp/pt-out,/tmp/pt-out2", "/tmp/pt-out2" },
                { "NET", PT_PERM_NET, "Example.com:443,10.0.0.0/8", "10.0.0.0/8" },
                { "ENV", PT_PERM_ENV, "HOME,AWS_*", "AWS_*" },
                { "RUN", PT_PERM_RUN, "no-such-prog-pt,/usr/bin/../bin/pt-none", "/usr/bin/pt-none" },
                { "FFI", PT_PERM_FFI, "/usr/lib/pt-one.so,/usr/lib/pt-two.so", "/usr/lib/pt-two.so" },
                { "SYS", PT_PERM_SYS, "hostname,uid", "uid" },
        };
        assert_int_equal(ARRAY_SIZE(vars), PT_PERM_COUNT);
        for (int deny = 0; deny < 2; deny++) {
                for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
                        struct pt_policy p;
                        char name[32], var[128];
                        snprintf(name, sizeof(name), "POD_%s_%s", deny ? "DENY" : "ALLOW", vars[i].name);
                        snprintf(var, sizeof(var), "%s=%s", name, vars[i].value);
                        pt_policy_init(&p);
                        env_ok(&p, var);
                        for (unsigned k = 0; k < PT_PERM_COUNT; k++) {
                                size_t want = k == vars[i].perm ? 2 : 0;
                                assert_int_equal(p.allow[k].n, deny ? 0 : want);
                                assert_int_equal(p.deny[k].n, deny ? want : 0);
                        }
                        const struct pt_rule *r = &(deny ? p.deny : p.allow)[vars[i].perm].v[1];
                        assert_string_equal(r->text, vars[i].text);
                        assert_string_equal(r->source, name);
                        pt_policy_free(&p);
                }
        }
}

static void test_pod_vars_empty(void **state)
{
        static const char *const cats[] = { "READ", "WRITE", "NET", "ENV", "RUN", "FFI", "SYS" };
        for (int deny = 0; deny < 2; deny++)
                for (size_t i = 0; i < ARRAY_SIZE(cats); i++) {
                        char var[64], prefix[64];
                        snprintf(prefix, sizeof(prefix), "POD_%s_%s: ", deny ? "DENY" : "ALLOW", cats[i]);
                        snprintf(var, sizeof(var), "POD_%s_%s=", deny ? "DENY" : "ALLOW", cats[i]);
                        env_bad(var, prefix, "empty");
                }
        env_bad("POD_POLICY_JSON=", "POD_POLICY_JSON: ", "empty");
}

static void test_pod_vars_unknown_and_ignored(void **state)
{
        env_bad("POD_ALLOW_FOO=x", "POD_ALLOW_FOO: ", "unknown");
        env_bad("POD_DENY_ALL=x", "POD_DENY_ALL: ", "unknown");
        env_bad("POD_ALLOW_=x", "POD_ALLOW_: ", "unknown");
        env_bad("POD_ALLOW_read=/x", "POD_ALLOW_read: ", "unknown");
        env_bad("POD_ALLOW_READS=/x", "POD_ALLOW_READS: ", "unknown");
        env_bad("POD_ALLOW_FOO=", "POD_ALLOW_FOO: ", NULL);
        char longname[200];
        snprintf(longname, sizeof(longname), "POD_ALLOW_%0100d=1", 0);
        env_bad(longname, "POD_ALLOW_000", "unknown");
        snprintf(longname, sizeof(longname), "POD_DENY_%0100d=1", 0);
        env_bad(longname, "POD_DENY_000", "unknown");

        /* errors inside a list name the variable */
        env_bad("POD_ALLOW_NET=ok.com,bad.com:0", "POD_ALLOW_NET: ", "bad.com:0");
        env_bad("POD_DENY_SYS=uid,nope", "POD_DENY_SYS: ", "nope");
        env_bad("POD_ALLOW_ENV=A,,B", "POD_ALLOW_ENV: ", "empty element");
        env_bad("POD_ALLOW_ENV=A=B", "POD_ALLOW_ENV: ", NULL);
        env_bad("POD_ALLOW_NET=a.com\nb.com", "POD_ALLOW_NET: ", NULL);

        /* not policy: POD_NAME and friends (Kubernetes), other variables, no '=' */
        struct pt_policy p;
        struct pt_error err = { "" };
        char biglong[200];
        snprintf(biglong, sizeof(biglong), "POD_%0100d=1", 0);
        char *env[] = { "POD_NAME=web-1", "POD_NAMESPACE=", "POD_IP=10.0.0.7", "POD_=x", "POD_POLICY=x",
                        "POD_POLICY_JSONX=!!", "ALLOW_READ=/", "XPOD_ALLOW_READ=", "pod_allow_read=",
                        "POD_ALLOW_READ", biglong, "HOME=/root", NULL };
        pt_policy_init(&p);
        assert_int_equal(pt_policy_add_env(&p, &ctx, env, &err), 0);
        for (unsigned k = 0; k < PT_PERM_COUNT; k++) {
                assert_int_equal(p.allow[k].n + p.deny[k].n, 0);
                assert_null(p.allow[k].all);
                assert_null(p.deny[k].all);
        }
        assert_int_equal(pt_policy_add_env(&p, &ctx, NULL, &err), 0);
        pt_policy_free(&p);
}

static void test_pod_vars_merge(void **state)
{
        char *json = policy_json_var("{\"net\": [\"b.test\"]}");
        char *env[] = { "POD_ALLOW_NET=a.test", json, "POD_DENY_NET=a.test:25", "POD_ALLOW_NET_X=", NULL };
        struct pt_policy p;
        struct pt_error err = { "" };
        pt_policy_init(&p);
        /* the last one is bad: an error after some were added; the caller frees the lot */
        assert_error(pt_policy_add_env(&p, &ctx, env, &err), err, "POD_ALLOW_NET_X: ");
        env[3] = NULL;
        pt_policy_free(&p);
        pt_policy_init(&p);
        assert_int_equal(pt_policy_add_env(&p, &ctx, env, &err), 0);
        assert_int_equal(p.allow[PT_PERM_NET].n, 2);
        assert_int_equal(p.deny[PT_PERM_NET].n, 1);
        assert_string_equal(p.allow[PT_PERM_NET].v[1].source, "POD_POLICY_JSON");
        struct pt_decision d;
        pt_decide_host(&p, "a.test", 25, &d);
        assert_false(d.allow);
        pt_decide_host(&p, "a.test", 80, &d);
        assert_true(d.allow);
        pt_decide_host(&p, "b.test", 25, &d);
        assert_true(d.allow);
        pt_policy_free(&p);
        free(json);
}

/* --- base64 ---------------------------------------------------------------------------- */

static void b64_is(const char *in, const char *want, size_t want_len)
{
        unsigned char *out = NULL;
        size_t len = 0, bad = 0;
        int r = pt_base64_decode(in, strlen(in), &out, &len, &bad);
        if (r < 0)
                fail_msg("\"%s\" refused at %zu", in, bad);
        assert_int_equal(len, want_len);
        assert_memory_equal(out, want, want_len);
        assert_int_equal(out[len], '\0');
        free(out);
}

static void b64_bad(const char *in, size_t want_bad)
{
        unsigned char *out = NULL;
        size_t len = 0, bad = 12345;
        int r = pt_base64_decode(in, strlen(in), &out, &len, &bad);
        if (r >= 0)
                fail_msg("\"%s\" accepted", in);
        assert_int_equal(r, -EINVAL);
        assert_int_equal(bad, want_bad);
        assert_null(out);
}

static void test_base64(void **state)
{
        b64_is("", "", 0);
        b64_is("Zg==", "f", 1);
        b64_is("Zg", "f", 1);
        b64_is("Zm8=", "fo", 2);
        b64_is("Zm8", "fo", 2);
        b64_is("Zm9v", "foo", 3);
        b64_is("Zm9vYg==", "foob", 4);
        b64_is("Zm9v\nYmFy\r\n", "foobar", 6);
        b64_is(" Z m 9 v\t", "foo", 3);
        b64_is("Zg=\n=", "f", 1);
        b64_is("+/+/", "\xfb\xff\xbf", 3); /* standard */
        b64_is("-_-_", "\xfb\xff\xbf", 3); /* URL-safe */
        b64_is("AAAA", "\0\0\0", 3);

        b64_bad("Z", 1);
        b64_bad("Zm9vY", 5);
        b64_bad("Zg=", 3);
        b64_bad("Zm8==", 5);
        b64_bad("Zm9v=", 4);
        b64_bad("Zg===", 4);
        b64_bad("=Zg", 0);
        b64_bad("Z===", 1);
        b64_bad("Zg==Zg==", 4);
        b64_bad("Zm9v!", 4);
        b64_bad("Zm9v.", 4);
        b64_bad("Zm\x80v", 2);
        b64_bad("Zm9v\v", 4);
}

/* --- POD_POLICY_JSON ------------------------------------------------------------------- */

static void test_policy_json_base64_forms(void **state)
{
        /* "???>>>" in the value puts '/' and '+' in the standard encoding */
        const char *json = "{\"read\": [\"/srv/a?\?\?>>>\", \"b\"], \"env\": true}";
        char *std = b64(json, strlen(json));
        assert_non_null(strchr(std, '/'));
        assert_non_null(strchr(std, '+'));
        assert_non_null(strchr(std, '='));

        char *forms[5];
        /* standard, padded */
        assert_true(asprintf(&forms[0], "POD_POLICY_JSON=%s", std) > 0);
        /* URL-safe, padded and unpadded */
        char *url = strdup(std);
        for (char *c = url; *c; c++)
                *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
        assert_true(asprintf(&forms[1], "POD_POLICY_JSON=%s", url) > 0);
        *strchr(forms[1] + 16, '=') = '\0';
        assert_null(strpbrk(forms[1] + 16, "+/="));
        /* standard, unpadded */
        forms[2] = strdup(forms[0]);
        *strchr(forms[2] + 16, '=') = '\0';
        /* wrapped at 76 with CRLF and LF, as base64(1) and mail do */
        size_t n = strlen(std);
        char *wrapped = malloc(n * 2 + 32), *w = wrapped;
        w += sprintf(w, "POD_POLICY_JSON=");
        for (size_t i = 0; i < n; i++) {
                if (i && i % 76 == 0)
                        w += sprintf(w, i % 152 ? "\r\n" : "\n");
                *w++ = std[i];
        }
        strcpy(w, "\n");
        forms[3] = wrapped;
        /* URL-safe, padded, with spaces */
        assert_true(asprintf(&forms[4], "POD_POLICY_JSON=  %s  ", url) > 0);
        assert_non_null(strchr(forms[4], '-'));
        assert_non_null(strchr(forms[4] + 16, '='));
        free(url);

        for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
                struct pt_policy p;
                pt_policy_init(&p);
                env_ok(&p, forms[i]);
                assert_int_equal(p.allow[PT_PERM_READ].n, 2);
                assert_string_equal(p.allow[PT_PERM_READ].v[0].text, "/srv/a?\?\?>>>");
                assert_string_equal(p.allow[PT_PERM_READ].v[1].text, "/srv/app/b");
                assert_string_equal(p.allow[PT_PERM_READ].v[0].source, "POD_POLICY_JSON");
                assert_string_equal(p.allow[PT_PERM_ENV].all, "POD_POLICY_JSON");
                pt_policy_free(&p);
                free(forms[i]);
        }
        free(std);
}

static void test_policy_json_bad_base64(void **state)
{
        env_bad("POD_POLICY_JSON=!!!!", "POD_POLICY_JSON: ", "invalid base64 at byte 0");
        env_bad("POD_POLICY_JSON={\"read\":true}", "POD_POLICY_JSON: ", "invalid base64");
        env_bad("POD_POLICY_JSON=e30=e30=", "POD_POLICY_JSON: ", "invalid base64 at byte 4");
        env_bad("POD_POLICY_JSON=e30=\n=", "POD_POLICY_JSON: ", "invalid base64");
        env_bad("POD_POLICY_JSON=bnVs", "POD_POLICY_JSON: ", "invalid JSON"); /* "nul" */
        struct pt_policy p;
        pt_policy_init(&p);
        env_ok(&p, "POD_POLICY_JSON=e30"); /* "{}" unpadded */
        env_ok(&p, "POD_POLICY_JSON=e30=");
        pt_policy_free(&p);
}

static void test_policy_json_bad_json(void **state)
{
        json_bad("{", "invalid JSON at byte");
        json_bad("{\"read\": [\"/a\",]}", "invalid JSON");
        json_bad("{} {}", "trailing data");
        json_bad("{}x", "trailing data at byte 2");
        json_bad("nul", "invalid JSON");
        json_bad(" \n", "invalid JSON");
        json_bad("[]", "expected a JSON object");
        json_bad("\"read\"", "expected a JSON object");
        json_bad("true", "expected a JSON object");

        /* a NUL byte inside: the decoded JSON is not a C string */
        char *enc = b64("{}\0{\"read\":true}", 16), *var = NULL;
        assert_true(asprintf(&var, "POD_POLICY_JSON=%s", enc) > 0);
        env_bad(var, "POD_POLICY_JSON: ", "NUL");
        free(var);
        free(enc);

        /* nested far past any sane depth */
        char *deep = malloc(200001);
        assert_non_null(deep);
        deep[0] = '{';
        strcpy(deep + 1, "\"read\":");
        size_t k = strlen(deep);
        memset(deep + k, '[', 200000 - k);
        deep[200000] = '\0';
        json_bad(deep, "invalid JSON");
        free(deep);
}

static void test_policy_json_wrong_types(void **state)
{
        json_bad("{\"net\": 5}", "net: expected true, false or a list of strings");
        json_bad("{\"net\": \"example.com\"}", "net: expected");
        json_bad("{\"net\": null}", "net: expected");
        json_bad("{\"read\": [1]}", "read[0]: expected a string");
        json_bad("{\"read\": [\"/a\", [\"/b\"]]}", "read[1]: expected a string");
        json_bad("{\"read\": [\"/a\", null]}", "read[1]: expected a string");
        json_bad("{\"read\": [\"/a\", true]}", "read[1]: expected a string");
        json_bad("{\"read\": {\"allow\": \"/a\"}}", "read.allow: expected");
        json_bad("{\"read\": {\"allow\": {}}}", "read.allow: expected");
        json_bad("{\"read\": {\"deny\": 0}}", "read.deny: expected");
        json_bad("{\"read\": {\"deny\": [false]}}", "read.deny[0]: expected a string");
        json_bad("{\"all\": \"yes\"}", "all: expected true or false");
        json_bad("{\"all\": [\"read\"]}", "all: expected true or false");
        json_bad("{\"all\": 1}", "all: expected true or false");
        /* values are checked like any other source, with their place */
        json_bad("{\"net\": {\"allow\": [\"ok.test\"], \"deny\": [\"a.test\", \"bad:0\"]}}", "net.deny[1]: ");
        json_bad("{\"net\": {\"deny\": [\"a.test\", \"bad:0\"]}}", "bad port");
        json_bad("{\"sys\": [\"uid\", \"pid\"]}", "sys[1]: unknown sys name");
        json_bad("{\"sys\": [\"uid\", \"pid\"]}", "\"pid\"");
        json_bad("{\"env\": [\"\"]}", "env[0]: empty value");
        json_bad("{\"env\": [\"A\\nB\"]}", "env[0]: ");
}

static void test_policy_json_unknown_keys(void **state)
{
        json_bad("{\"foo\": true}", "unknown key \"foo\"");
        json_bad("{\"read\": true, \"Read\": true}", "unknown key \"Read\"");
        json_bad("{\"allow\": {\"read\": true}}", "unknown key \"allow\"");
        json_bad("{\"read\": {\"allowed\": []}}", "read: unknown key \"allowed\"");
        json_bad("{\"read\": {\"allow\": [], \"except\": []}}", "read: unknown key \"except\"");
        json_bad("{\"\": true}", "unknown key \"\"");
}

static void test_policy_json_shapes(void **state)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        const char *deno = "{ \"read\":  { \"allow\": [\"./data\"], \"deny\": [\"./data/secret\"] },\n"
                           "  \"write\": [\"/tmp/out\"],\n"
                           "  \"net\":   { \"allow\": [\"api.example.com:443\"] },\n"
                           "  \"env\":   [\"HOME\", \"AWS_*\"],\n"
                           "  \"run\":   false,\n"
                           "  \"sys\":   true }\n";
        pt_policy_init(&p);
        if (pt_policy_add_json(&p, &ctx, deno, strlen(deno), "--policy=deno.json", &err) < 0)
                fail_msg("%s", err.msg);
        assert_string_equal(p.allow[PT_PERM_READ].v[0].text, "/srv/app/data");
        assert_string_equal(p.deny[PT_PERM_READ].v[0].text, "/srv/app/data/secret");
        assert_string_equal(p.allow[PT_PERM_WRITE].v[0].text, "/tmp/out");
        assert_string_equal(p.allow[PT_PERM_NET].v[0].text, "api.example.com:443");
        assert_int_equal(p.allow[PT_PERM_ENV].n, 2);
        assert_int_equal(p.allow[PT_PERM_RUN].n, 0);
        assert_null(p.allow[PT_PERM_RUN].all);
        assert_null(p.deny[PT_PERM_RUN].all); /* false: nothing, not a deny */
        assert_string_equal(p.allow[PT_PERM_SYS].all, "--policy=deno.json");
        assert_string_equal(p.allow[PT_PERM_READ].v[0].source, "--policy=deno.json");
        pt_policy_free(&p);

        /* "all": true is -A; "all": false is nothing */
        pt_policy_init(&p);
        const char *all = "{\"all\": true, \"net\": {\"deny\": true}}";
        assert_int_equal(pt_policy_add_json(&p, &ctx, all, strlen(all), "POD_POLICY_JSON", &err), 0);
        for (unsigned k = 0; k < PT_PERM_COUNT; k++)
                assert_string_equal(p.allow[k].all, "POD_POLICY_JSON");
        assert_true(pt_policy_allows_all(&p, PT_PERM_READ));
        assert_false(pt_policy_allows_all(&p, PT_PERM_NET));
        pt_policy_free(&p);

        pt_policy_init(&p);
        const char *none = " {\"all\": false, \"read\": {}, \"write\": {\"allow\": false, \"deny\": false}} \r\n";
        assert_int_equal(pt_policy_add_json(&p, &ctx, none, strlen(none), "POD_POLICY_JSON", &err), 0);
        for (unsigned k = 0; k < PT_PERM_COUNT; k++) {
                assert_null(p.allow[k].all);
                assert_null(p.deny[k].all);
                assert_int_equal(p.allow[k].n + p.deny[k].n, 0);
        }
        /* only `len` bytes are parsed */
        const char *cut = "{\"sys\": true}garbage";
        assert_int_equal(pt_policy_add_json(&p, &ctx, cut, 13, "POD_POLICY_JSON", &err), 0);
        assert_non_null(p.allow[PT_PERM_SYS].all);
        pt_policy_free(&p);

        /* the error names the source as given */
        pt_policy_init(&p);
        const char *bad = "{\"read\": {\"allow\": [\"/a\", 7]}}";
        assert_error(pt_policy_add_json(&p, &ctx, bad, strlen(bad), "--policy=p.json", &err), err,
                     "--policy=p.json: read.allow[1]: ");
        pt_policy_free(&p);
}

/* --- --policy files -------------------------------------------------------------------- */

static void test_policy_file(void **state)
{
        char *dir = make_tmpdir();
        struct pt_policy p;
        struct pt_error err = { "" };
        char prefix[PATH_MAX + 16];
        const char *path;

        pt_policy_init(&p);
        /* missing */
        path = path_in(dir, "missing.json");
        snprintf(prefix, sizeof(prefix), "--policy=%s: ", path);
        assert_error(pt_policy_add_file(&p, &ctx, path, &err), err, prefix);
        assert_contains(err.msg, "No such file");

        /* a directory */
        snprintf(prefix, sizeof(prefix), "--policy=%s: ", dir);
        assert_error(pt_policy_add_file(&p, &ctx, dir, &err), err, prefix);

        /* exactly 1 MiB is fine, one byte more is not */
        size_t big = 1 << 20;
        char *buf = malloc(big + 1);
        assert_non_null(buf);
        memset(buf, ' ', big + 1);
        memcpy(buf, "{\"sys\": true}", 13);
        path = path_in(dir, "big.json");
        write_file(path, buf, big, 0644);
        assert_int_equal(pt_policy_add_file(&p, &ctx, path, &err), 0);
        write_file(path, buf, big + 1, 0644);
        snprintf(prefix, sizeof(prefix), "--policy=%s: ", path);
        assert_error(pt_policy_add_file(&p, &ctx, path, &err), err, prefix);
        assert_contains(err.msg, "larger than");
        free(buf);

        /* bad JSON in a file */
        path = path_in(dir, "bad.json");
        write_file(path, "{\"net\": [\"a.test\", 3]}", 22, 0644);
        snprintf(prefix, sizeof(prefix), "--policy=%s: net[1]: ", path);
        assert_error(pt_policy_add_file(&p, &ctx, path, &err), err, prefix);
        write_file(path, "", 0, 0644);
        snprintf(prefix, sizeof(prefix), "--policy=%s: invalid JSON", path);
        assert_error(pt_policy_add_file(&p, &ctx, path, &err), err, prefix);
        pt_policy_free(&p);

        /* a valid file: its rules carry --policy=<path> */
        pt_policy_init(&p);
        path = path_in(dir, "ok.json");
        const char *ok = "{\"read\": [\"data\"], \"net\": {\"deny\": [\"*.evil.test\"]}}\n";
        write_file(path, ok, strlen(ok), 0644);
        assert_int_equal(pt_policy_add_file(&p, &ctx, path, &err), 0);
        snprintf(prefix, sizeof(prefix), "--policy=%s", path);
        assert_string_equal(p.allow[PT_PERM_READ].v[0].text, "/srv/app/data");
        assert_string_equal(p.allow[PT_PERM_READ].v[0].source, prefix);
        assert_string_equal(p.deny[PT_PERM_NET].v[0].source, prefix);
        pt_policy_free(&p);

        remove_tree(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pod_vars),
                cmocka_unit_test(test_pod_vars_empty),
                cmocka_unit_test(test_pod_vars_unknown_and_ignored),
                cmocka_unit_test(test_pod_vars_merge),
                cmocka_unit_test(test_base64),
                cmocka_unit_test(test_policy_json_base64_forms),
                cmocka_unit_test(test_policy_json_bad_base64),
                cmocka_unit_test(test_policy_json_bad_json),
                cmocka_unit_test(test_policy_json_wrong_types),
                cmocka_unit_test(test_policy_json_unknown_keys),
                cmocka_unit_test(test_policy_json_shapes),
                cmocka_unit_test(test_policy_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
