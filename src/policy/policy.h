/* SPDX-License-Identifier: MIT */
/*
 * The policy engine: parse, merge and match Deno-style allow/deny rules.
 *
 * Pure library: it performs no I/O beyond reading its inputs (a policy file, and the
 * filesystem to canonicalise path rules and find run names on PATH). It never prints;
 * errors come back as a negative errno plus one line in struct pt_error naming the source.
 * After start-up the policy is read-only, so the supervisor's threads share it without locks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

enum pt_perm {
        PT_PERM_READ,
        PT_PERM_WRITE,
        PT_PERM_NET,
        PT_PERM_ENV,
        PT_PERM_RUN,
        PT_PERM_FFI,
        PT_PERM_SYS,
        PT_PERM_COUNT,
};

/* Deno's sys names, in Deno's order. */
enum pt_sys {
        PT_SYS_HOSTNAME,
        PT_SYS_OS_RELEASE,
        PT_SYS_OS_UPTIME,
        PT_SYS_LOADAVG,
        PT_SYS_NETWORK_INTERFACES,
        PT_SYS_SYSTEM_MEMORY_INFO,
        PT_SYS_UID,
        PT_SYS_GID,
        PT_SYS_CPUS,
        PT_SYS_HOMEDIR,
        PT_SYS_STATFS,
        PT_SYS_GET_PRIORITY,
        PT_SYS_SET_PRIORITY,
        PT_SYS_USER_INFO,
        PT_SYS_COUNT,
};

enum pt_net_kind {
        PT_NET_HOST,     /* example.com[:port] */
        PT_NET_WILDCARD, /* *.example.com[:port]: subdomains only */
        PT_NET_IP4,      /* 1.2.3.4[:port] */
        PT_NET_IP6,      /* [::1][:port] */
        PT_NET_CIDR4,    /* 10.0.0.0/8 */
        PT_NET_CIDR6,    /* fd00::/8 */
};

struct pt_net_rule {
        enum pt_net_kind kind;
        uint16_t port;    /* 0: any port */
        uint8_t prefix;   /* CIDR prefix length; 32/128 for plain addresses */
        uint8_t addr[16]; /* network byte order; IPv4 in the first 4 bytes */
        const char *host; /* HOST/WILDCARD: lower-case name without "*." (points into text) */
};

struct pt_rule {
        char *text;         /* canonical form: what is matched and what logs show */
        const char *source; /* where it came from: "--allow-read", "POD_DENY_NET", "baseline", ... */
        size_t len;         /* strlen(text), or the prefix length for an env wildcard */
        bool prefix;        /* env: NAME_* wildcard */
        unsigned sys;       /* sys: enum pt_sys */
        char *resolved;     /* run: the program found on PATH at start-up, or NULL */
        struct pt_net_rule net;
};

struct pt_rules {
        struct pt_rule *v;
        size_t n, cap;
        const char *all; /* non-NULL: the whole category, granted/denied by this source */
};

/*
 * --learn (design 7): while `active`, a decision that nothing decided (the default deny) is
 * reported to `record` and becomes an allow marked `learned`. Rules still decide: an explicit
 * deny stays a deny. Set up by the caller; the policy only reads it.
 */
struct pt_learn_hook {
        void (*record)(void *ctx, enum pt_perm perm, const char *value); /* value NULL: the whole category */
        void *ctx;
        volatile bool active;
};

/* Set by a thread around a decision that must not be learned (a silent probe of a path that
 * does not exist: the answer is EACCES with or without a rule, and no notice is given). */
extern _Thread_local bool pt_learn_quiet;

struct pt_policy {
        struct pt_rules allow[PT_PERM_COUNT];
        struct pt_rules deny[PT_PERM_COUNT];
        char **sources; /* interned source names, owned */
        size_t nsources;
        struct pt_learn_hook *learn; /* NULL unless --learn */
};

/* Where relative paths and run names are resolved: podtrace's start-up cwd and PATH. */
struct pt_context {
        const char *cwd;
        const char *path_env;
};

#define PT_ERROR_MAX 512
struct pt_error {
        char msg[PT_ERROR_MAX];
};

/* Everything a decision reports: the verdict and which rule made it. */
struct pt_decision {
        bool allow;
        enum pt_perm perm;
        const struct pt_rule *rule; /* NULL when the whole category or the default decided */
        const char *source;         /* the source of the deciding rule, or NULL for the default */
        bool ancestor;              /* a probe allowed because the path leads to `rule` */
        bool learned;               /* --learn: allowed only because the run is learning */
};

const char *pt_perm_name(enum pt_perm perm);
int pt_perm_from_name(const char *name, enum pt_perm *ret_perm);
const char *pt_sys_name(enum pt_sys sys);
int pt_sys_from_name(const char *name, enum pt_sys *ret_sys);

int pt_error_set(struct pt_error *err, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void pt_policy_init(struct pt_policy *p);
void pt_policy_free(struct pt_policy *p);
/* Intern a source name: the pointer lives as long as the policy. NULL on OOM. */
const char *pt_policy_source(struct pt_policy *p, const char *name);

/*
 * Add one value (a path, host, env name, program or sys name) to the allow or deny list of
 * perm. `where` names the value in errors (e.g. "--allow-net", "net.allow[2]").
 */
int pt_policy_add_value(struct pt_policy *p, const struct pt_context *ctx, enum pt_perm perm, bool deny,
                        const char *value, const char *source, const char *where, struct pt_error *err);
/* Grant or deny the whole category. */
int pt_policy_add_all(struct pt_policy *p, enum pt_perm perm, bool deny, const char *source);
/*
 * Add a comma-separated list as given to a flag. list == NULL means the bare flag (whole
 * category); an empty list or an empty element is an error.
 */
int pt_policy_add_list(struct pt_policy *p, const struct pt_context *ctx, enum pt_perm perm, bool deny,
                       const char *list, const char *source, struct pt_error *err);

/* A JSON permission set (design 1.3). `source` names it in errors: "--policy=p.json". */
int pt_policy_add_json(struct pt_policy *p, const struct pt_context *ctx, const char *json, size_t len,
                       const char *source, struct pt_error *err);
/* Read and add a JSON policy file. */
int pt_policy_add_file(struct pt_policy *p, const struct pt_context *ctx, const char *path,
                       struct pt_error *err);
/*
 * Add the POD_* variables of envp (seed section 3): the fourteen POD_ALLOW_X/POD_DENY_X and
 * POD_POLICY_JSON (base64 JSON). Unknown POD_ALLOW_X and POD_DENY_X names are errors; other POD_*
 * names are ignored here (they are scrubbed from the worker all the same).
 */
int pt_policy_add_env(struct pt_policy *p, const struct pt_context *ctx, char *const *envp,
                      struct pt_error *err);

/* Standard base64 with padding (malloc'd, NUL-terminated), or NULL when out of memory. */
char *pt_base64_encode(const unsigned char *in, size_t len);
/* Standard or URL-safe base64, padding optional, ASCII whitespace skipped. */
int pt_base64_decode(const char *in, size_t len, unsigned char **ret_buf, size_t *ret_len,
                     size_t *ret_bad_offset);

/* Parse one net value into a rule (text is not set). */
int pt_net_parse(const char *value, struct pt_net_rule *ret_rule, char **ret_text, const char **ret_why);

/*
 * Canonicalise a path rule: absolute (relative to ctx->cwd), symlinks resolved on the part
 * that exists, "." and ".." folded lexically on the rest.
 */
int pt_path_canonicalize(const struct pt_context *ctx, const char *value, char **ret_path);

/*
 * Like execvp(3): the first file named `name` with execute permission in a PATH directory
 * (ctx->path_env), canonicalised. -ENOENT when there is none.
 */
int pt_find_on_path(const struct pt_context *ctx, const char *name, char **ret_path);

/* Fold an absolute path's ".", ".." (stopping at "/") and repeated slashes into buf, which
 * holds PATH_MAX bytes: no filesystem access. 0 or -ENAMETOOLONG. */
int pt_path_fold_lexically(const char *value, char *buf);

/* True when rule path `rule` (canonical, rule_len long) covers canonical `path`. */
bool pt_path_covers(const char *rule, size_t rule_len, const char *path);

/* Decisions. Deny beats allow; nothing matched means deny. */
void pt_decide_path(const struct pt_policy *p, enum pt_perm perm, const char *canon,
                    struct pt_decision *ret);
/*
 * A metadata probe (stat, access, readlink, statfs) of canon: as pt_decide_path(READ), except
 * that a default deny becomes an allow when canon is a directory on the way to an allowed
 * read or write path. Without it `os.makedirs("/tmp/out/a")` under --allow-write=/tmp/out
 * fails on stat("/tmp"). Explicit deny rules still win.
 */
void pt_decide_probe(const struct pt_policy *p, const char *canon, struct pt_decision *ret);
void pt_decide_env(const struct pt_policy *p, const char *name, struct pt_decision *ret);
/* Every variable at once (another process's /proc/PID/environ): only the whole category. */
void pt_decide_env_all(const struct pt_policy *p, struct pt_decision *ret);
void pt_decide_sys(const struct pt_policy *p, enum pt_sys sys, struct pt_decision *ret);
/* A program about to run: its canonical path and the name it was invoked by (may be NULL). */
void pt_decide_run(const struct pt_policy *p, const char *path, const char *name, struct pt_decision *ret);
/* A host name (lower-case, no trailing dot) and port. A name never matches an address rule. */
void pt_decide_host(const struct pt_policy *p, const char *host, uint16_t port, struct pt_decision *ret);
/* An address: family AF_INET (4 bytes) or AF_INET6 (16 bytes; v4-mapped treated as IPv4). */
void pt_decide_addr(const struct pt_policy *p, int family, const uint8_t *addr, uint16_t port,
                    struct pt_decision *ret);

/* "allow read /etc", "deny net *", "deny env default": what the -v log shows between < >. */
int pt_decision_describe(const struct pt_decision *d, char *buf, size_t size);

/* True when the policy allows everything in perm without exceptions (-A, bare --allow-X). */
bool pt_policy_allows_all(const struct pt_policy *p, enum pt_perm perm);

/*
 * The runtime baseline: system libraries, loader files, locale and zone data, harmless
 * devices and /proc/self as read and ffi, plus `extra` (NULL-terminated: the interpreter's
 * files, the program or script), all under the source "baseline".
 */
int pt_policy_add_baseline(struct pt_policy *p, const struct pt_context *ctx, const char *const *extra,
                           struct pt_error *err);

/* `podtrace policy show`: one line a rule, with its source. */
void pt_policy_print(const struct pt_policy *p, FILE *out);

/* --resolve=HOST:ADDR: the proxy resolves HOST (lower-case) to ADDR. */
struct pt_resolve_pin {
        char host[256];
        struct sockaddr_storage addr; /* port 0 */
};

/* Parse "HOST:ADDR" (ADDR an IPv4 address, or an IPv6 one bare or in brackets). */
int pt_resolve_pin_parse(const char *value, struct pt_resolve_pin *ret, const char **ret_why);
