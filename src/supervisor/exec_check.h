/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "run/exec_rules.h"
#include "supervisor/supervisor.h"

/* At PTRACE_EVENT_EXEC of pid (formerly thread former_tid): true if it may run; otherwise
 * it has been SIGKILLed and the reason logged. Tracer thread only. */
bool pt_exec_check(struct pt_supervisor *sv, const struct pt_exec_rules *rules, pid_t pid, pid_t former_tid);
