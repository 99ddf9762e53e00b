/* SPDX-License-Identifier: MIT */
/*
 * A bounded set of (permission, value) pairs, for "once per permission and value" output: the
 * denial notice and --backtrace's stack after it. Thread-safe. Past its capacity (a probe
 * sequence of 32 full slots) a pair counts as new again: output repeats, nothing is lost.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"

#define PT_SEEN_SLOTS 4096

struct pt_seen {
        pthread_mutex_t lock;
        uint64_t slot[PT_SEEN_SLOTS]; /* 0: free; else the pair's hash */
};

void pt_seen_init(struct pt_seen *s);
void pt_seen_destroy(struct pt_seen *s);
/* True the first time (perm, value) is offered. */
bool pt_seen_first(struct pt_seen *s, enum pt_perm perm, const char *value);
