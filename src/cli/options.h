/* SPDX-License-Identifier: MIT */
/* The command line of design 1.1, parsed without side effects (the fuzzer links it). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

enum pt_command {
        PT_CMD_RUN,
        PT_CMD_POLICY_SHOW,
        PT_CMD_HELP,
        PT_CMD_VERSION,
};

enum pt_log_format {
        PT_LOG_TEXT,
        PT_LOG_JSON,
};

/* One permission flag as given: applied to the policy after parsing. */
struct pt_perm_flag {
        enum pt_perm perm;
        bool deny;
        const char *list; /* NULL: bare flag, the whole category */
        const char *flag; /* its canonical long name: "--allow-read" */
};

struct pt_options {
        enum pt_command cmd;
        bool verbose;
        bool quiet;
        bool summary;     /* --summary: the strace -c style table at exit */
        bool no_baseline;
        bool allow_all;
        bool no_landlock; /* emulate every file access instead of replying (testing, comparison) */
        bool no_dns;      /* the proxy resolves only --resolve pins and literal addresses */
        bool backtrace;   /* print the worker's stack for each reported denial */
        enum pt_log_format log_format;
        const char *log_file;
        const char *python;
        bool user_set;       /* --user=UID[:GID] */
        bool user_gid_set;
        unsigned user_uid, user_gid;
        const char *ipc;
        bool learn;
        const char *learn_file;
        struct pt_perm_flag *flags;
        size_t nflags;
        const char **policy_files;
        size_t npolicy_files;
        struct pt_resolve_pin *pins; /* --resolve=HOST:ADDR */
        size_t npins;
        char **argv; /* the program and its arguments (into the caller's argv); argc may be 0 */
        int argc;
};

int pt_options_parse(int argc, char **argv, struct pt_options *ret, struct pt_error *err);
void pt_options_free(struct pt_options *o);

/* Apply -A and the permission flags to the policy; errors name the flag. */
int pt_options_apply(const struct pt_options *o, struct pt_policy *p, const struct pt_context *ctx,
                     struct pt_error *err);

extern const char pt_usage_text[];
