/* SPDX-License-Identifier: MIT */
/* The run-permission handlers (execve, execveat) and the exec bookkeeping they share with
 * the tracer. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "handlers/call.h"
#include "run/exec_rules.h"

enum { PT_EXEC_PLAIN, PT_EXEC_AT };

void pt_handle_exec(struct pt_call *c);

/*
 * What an allowed #! exec of thread tid may become (NULL: nothing beyond the allowed
 * programs). Consumed by the tracer at that thread's PTRACE_EVENT_EXEC.
 */
void pt_exec_pending_set(struct pt_supervisor *sv, pid_t tid, const struct pt_exec_grant *grant);
bool pt_exec_pending_take(struct pt_supervisor *sv, pid_t tid, struct pt_exec_grant *ret);
