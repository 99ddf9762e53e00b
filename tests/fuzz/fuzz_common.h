/* SPDX-License-Identifier: MIT */
/*
 * Shared by the policy fuzzers: a fixed context, and oracles beyond "did not crash" —
 * every refusal is one line naming its source, and every rule that was accepted is in its
 * canonical form (parsing its text again gives the same text) and decides consistently.
 */
#pragma once

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Relative paths and run names resolve somewhere real but harmless. */
static const struct pt_context fuzz_ctx = { .cwd = "/tmp", .path_env = "/usr/local/bin:/usr/bin:/bin" };

#define FUZZ_CHECK(cond, ...)                                                           \
        do {                                                                            \
                if (!(cond)) {                                                          \
                        fprintf(stderr, "fuzz oracle failed: %s: ", #cond);             \
                        fprintf(stderr, __VA_ARGS__);                                   \
                        fputc('\n', stderr);                                            \
                        abort();                                                        \
                }                                                                       \
        } while (0)

/* A refusal: negative errno, and one non-empty line starting with one of the prefixes. */
static inline void fuzz_check_error(int r, const struct pt_error *err, const char *const *prefixes)
{
        FUZZ_CHECK(r < 0 && r > -4096, "r=%d", r);
        FUZZ_CHECK(err->msg[0] != '\0', "empty message");
        for (const char *c = err->msg; *c; c++)
                FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f, "control byte in \"%s\"", err->msg);
        if (!prefixes)
                return;
        for (const char *const *p = prefixes; *p; p++)
                if (strncmp(err->msg, *p, strlen(*p)) == 0)
                        return;
        FUZZ_CHECK(0, "\"%s\" does not name its source (%s...)", err->msg, prefixes[0]);
}

static inline void fuzz_check_path_rule(const struct pt_rule *r)
{
        char *again = NULL;
        FUZZ_CHECK(r->text[0] == '/', "path rule \"%s\" not absolute", r->text);
        FUZZ_CHECK(r->len == strlen(r->text), "len %zu for \"%s\"", r->len, r->text);
        FUZZ_CHECK(r->len == 1 || r->text[r->len - 1] != '/', "trailing slash in \"%s\"", r->text);
        FUZZ_CHECK(!strstr(r->text, "//") && !strstr(r->text, "/./") && !strstr(r->text, "/../"),
                   "not folded: \"%s\"", r->text);
        int rc = pt_path_canonicalize(&fuzz_ctx, r->text, &again);
        FUZZ_CHECK(rc == 0, "canonical \"%s\" refused: %d", r->text, rc);
        FUZZ_CHECK(strcmp(again, r->text) == 0, "\"%s\" canonicalises again to \"%s\"", r->text, again);
        free(again);
        FUZZ_CHECK(pt_path_covers(r->text, r->len, r->text), "\"%s\" does not cover itself", r->text);
}

static inline void fuzz_check_net_rule(const struct pt_rule *r)
{
        struct pt_net_rule n;
        char *again = NULL;
        const char *why = NULL;
        int rc = pt_net_parse(r->text, &n, &again, &why);
        FUZZ_CHECK(rc == 0, "canonical \"%s\" refused: %s", r->text, why ? why : "?");
        FUZZ_CHECK(strcmp(again, r->text) == 0, "\"%s\" parses again to \"%s\"", r->text, again);
        FUZZ_CHECK(n.kind == r->net.kind && n.port == r->net.port && n.prefix == r->net.prefix &&
                           memcmp(n.addr, r->net.addr, sizeof(n.addr)) == 0,
                   "\"%s\" parses to another rule", r->text);
        free(again);
}

/* The rule's own value, decided: allowed unless a deny covers it. */
static inline void fuzz_check_decides_self(const struct pt_policy *p, enum pt_perm perm, const struct pt_rule *r)
{
        struct pt_decision d;
        char buf[64];
        switch (perm) {
        case PT_PERM_READ:
        case PT_PERM_WRITE:
        case PT_PERM_FFI:
                pt_decide_path(p, perm, r->text, &d);
                break;
        case PT_PERM_NET:
                if (r->net.kind == PT_NET_HOST) {
                        char host[300];
                        snprintf(host, sizeof(host), "%.*s", (int)strcspn(r->net.host, ":"), r->net.host);
                        pt_decide_host(p, host, r->net.port ? r->net.port : 1, &d);
                } else if (r->net.kind == PT_NET_WILDCARD) {
                        char host[300];
                        snprintf(host, sizeof(host), "x.%.*s", (int)strcspn(r->net.host, ":"), r->net.host);
                        pt_decide_host(p, host, r->net.port ? r->net.port : 1, &d);
                } else {
                        int v4 = r->net.kind == PT_NET_IP4 || r->net.kind == PT_NET_CIDR4;
                        pt_decide_addr(p, v4 ? AF_INET : AF_INET6, r->net.addr, r->net.port ? r->net.port : 1,
                                       &d);
                }
                break;
        case PT_PERM_ENV:
                if (r->prefix)
                        return;
                pt_decide_env(p, r->text, &d);
                break;
        case PT_PERM_RUN:
                if (!r->resolved) {
                        /* a name not on PATH allows nothing, not even an exec by that name */
                        pt_decide_run(p, NULL, r->text, &d);
                        FUZZ_CHECK(!d.allow || p->allow[perm].all, "\"%s\" (not on PATH) allowed by name", r->text);
                        return;
                }
                pt_decide_run(p, r->resolved, NULL, &d);
                break;
        case PT_PERM_SYS:
                pt_decide_sys(p, r->sys, &d);
                break;
        default:
                abort();
        }
        FUZZ_CHECK(d.perm == perm, "perm");
        FUZZ_CHECK(d.allow || d.source, "\"%s\" denied by default despite its own allow rule", r->text);
        FUZZ_CHECK(!d.allow || !p->deny[perm].all, "allowed despite a whole-category deny");
        FUZZ_CHECK(pt_decision_describe(&d, buf, sizeof(buf)) > 0, "describe");
}

/* Every rule of an accepted policy is well formed, canonical, and decides consistently. */
static inline void fuzz_check_policy(const struct pt_policy *p)
{
        for (unsigned perm = 0; perm < PT_PERM_COUNT; perm++) {
                for (int deny = 0; deny < 2; deny++) {
                        const struct pt_rules *rs = deny ? &p->deny[perm] : &p->allow[perm];
                        FUZZ_CHECK(rs->n <= rs->cap, "n > cap");
                        for (size_t i = 0; i < rs->n; i++) {
                                const struct pt_rule *r = &rs->v[i];
                                FUZZ_CHECK(r->text && r->source, "rule without text or source");
                                for (size_t j = 0; j < i; j++)
                                        FUZZ_CHECK(strcmp(rs->v[j].text, r->text) != 0, "duplicate \"%s\"",
                                                   r->text);
                                switch (perm) {
                                case PT_PERM_READ:
                                case PT_PERM_WRITE:
                                case PT_PERM_FFI:
                                        fuzz_check_path_rule(r);
                                        break;
                                case PT_PERM_NET:
                                        fuzz_check_net_rule(r);
                                        break;
                                case PT_PERM_SYS:
                                        FUZZ_CHECK(strcmp(pt_sys_name(r->sys), r->text) == 0, "sys");
                                        break;
                                default:
                                        break;
                                }
                                if (!deny)
                                        fuzz_check_decides_self(p, perm, r);
                        }
                }
        }
        /* a few fixed questions, for the decision code's sake */
        struct pt_decision d;
        static const uint8_t a4[4] = { 10, 1, 2, 3 }, a6[16] = { 0xfd, 0, [15] = 1 };
        pt_decide_probe(p, "/tmp", &d);
        pt_decide_probe(p, "/", &d);
        pt_decide_host(p, "api.example.com", 443, &d);
        pt_decide_addr(p, AF_INET, a4, 80, &d);
        pt_decide_addr(p, AF_INET6, a6, 80, &d);
        pt_decide_env(p, "AWS_SECRET_ACCESS_KEY", &d);
        pt_decide_run(p, "/usr/bin/python3", "python3", &d);
}
