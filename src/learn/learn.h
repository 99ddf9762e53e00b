/* SPDX-License-Identifier: MIT */
/*
 * --learn (design 7): the run is allowed everything its rules do not deny, every access the
 * policy would have refused is recorded (recorder.c, through the policy's learn hook), and at
 * the end the smallest sensible policy is written (learned.c, pure) and printed (output.c).
 *
 * What becomes a rule:
 *   read, write  the canonical paths (files, directories listed, paths probed), after
 *                dropping paths under another learned path of the same permission and
 *                collapsing PT_LEARN_COLLAPSE_MIN or more entries of one directory into the
 *                directory, except for the system and home directories named in learned.c
 *                (a rule on a directory allows everything under it)
 *   ffi, run     the canonical paths, one by one
 *   net          host:port through the proxy, address:port for direct sockets
 *   sys          the names (hostname, osRelease, ...)
 *   env          nothing from getenv (not a syscall: not observable); another process's
 *                /proc/PID/environ is the whole category
 * The paths the baseline allows, and what the policy already allows, are never recorded.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

#define PT_LEARN_COLLAPSE_MIN 8
#define PT_LEARN_MAX_ENTRIES 100000 /* distinct accesses kept; past it the result says so */

struct pt_learn_entry {
        enum pt_perm perm;
        char *value; /* NULL: the whole category */
};

struct pt_learned {
        char *json;  /* the policy file: what it held, plus what was learned */
        char *flags; /* the same as command-line flags (shell words) */
        char *b64;   /* the same as a POD_POLICY_JSON value */
        size_t added[PT_PERM_COUNT];
        size_t nadded;
        bool flags_incomplete; /* a value a flag list cannot hold (a comma) */
};

/*
 * Build the learned policy from the recorded entries and the file's previous text (NULL:
 * none). `home` (may be NULL) is never collapsed into. Returns 0 or a negative errno with err.
 */
int pt_learn_build(const struct pt_learn_entry *v, size_t n, const char *existing, const char *home,
                   struct pt_learned *ret, struct pt_error *err);
void pt_learned_free(struct pt_learned *l);

/* recorder.c: the hook's sink, thread-safe, bounded. */
struct pt_learner;
struct pt_learner *pt_learner_new(void);
struct pt_learn_hook *pt_learner_hook(struct pt_learner *l);
/* The entries so far (owned by the learner); *overflow when some were not kept. */
const struct pt_learn_entry *pt_learner_entries(struct pt_learner *l, size_t *n, bool *overflow);
void pt_learner_free(struct pt_learner *l);

/* output.c: merge, write the file (atomically), print flags and POD_POLICY_JSON on stderr. */
int pt_learn_finish(struct pt_learner *l, const char *file, int exit_code);
