/* SPDX-License-Identifier: MIT */
/* Supervisor side of the Landlock fast path: which read subtrees can be left to the kernel. */
#pragma once

#include <stdbool.h>

#include "policy/policy.h"
#include "sandbox/sandbox.h"
#include "supervisor/supervisor.h"

/* The allowed read and write subtrees without a deny rule inside (never under /proc). */
int pt_landlock_plan(const struct pt_policy *p, bool enabled, struct pt_landlock_plan *ret);
void pt_landlock_plan_free(struct pt_landlock_plan *plan);
/* The clean sets the supervisor may CONTINUE in: the planned rules the worker really added.
 * The sets point into the plan's strings. */
int pt_clean_sets_from_plan(const struct pt_landlock_plan *plan, const uint64_t *bitmap, size_t words,
                            struct pt_clean_set *ret_read, struct pt_clean_set *ret_write);
