/* SPDX-License-Identifier: MIT */
/*
 * The command line: the input split on NUL bytes is argv[1..] (argv[0] is "podtrace"),
 * through pt_options_parse, pt_options_apply, pt_policy_free and pt_options_free.
 * Policy files named by --policy are not opened (they could be anything, even a FIFO).
 */
#include "cli/options.h"
#include "fuzz_common.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const prefixes[] = { "--allow-", "--deny-", NULL };
        char *argv[MAX_ARGS + 2];
        char *copy = malloc(size + 1);
        int argc = 0;

        if (!copy)
                return 0;
        memcpy(copy, data, size);
        copy[size] = '\0';
        argv[argc++] = "podtrace";
        for (size_t start = 0; start <= size && argc <= MAX_ARGS;) {
                argv[argc++] = copy + start;
                start += strlen(copy + start) + 1;
        }
        argv[argc] = NULL;

        struct pt_options o;
        struct pt_error err = { "" };
        int r = pt_options_parse(argc, argv, &o, &err);
        if (r < 0) {
                fuzz_check_error(r, &err, NULL);
                goto out;
        }
        FUZZ_CHECK(o.argc >= 0 && o.argv + o.argc == argv + argc, "program argv is not the tail of argv");
        for (size_t i = 0; i < o.nflags; i++)
                FUZZ_CHECK(o.flags[i].perm < PT_PERM_COUNT && o.flags[i].flag, "flag %zu", i);

        struct pt_policy p;
        pt_policy_init(&p);
        r = pt_options_apply(&o, &p, &fuzz_ctx, &err);
        if (r < 0)
                fuzz_check_error(r, &err, prefixes);
        else
                fuzz_check_policy(&p);
        pt_policy_free(&p);
        pt_options_free(&o);
out:
        free(copy);
        return 0;
}
