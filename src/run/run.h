/* SPDX-License-Identifier: MIT */
/* `podtrace run`: spawn the sandbox, supervise it, return the exit status of design 1.1. */
#pragma once

#include "cli/options.h"
#include "log/log.h"
#include "policy/policy.h"
#include "run/exec_rules.h"
#include "run/ipc.h"
#include "run/program.h"
#include "sandbox/identity.h"

int pt_run(const struct pt_options *o, const struct pt_policy *p, const struct pt_program *prog,
           const struct pt_exec_rules *exec, const struct pt_identity *id, struct pt_run_ipc *ipc, struct pt_log *log);
