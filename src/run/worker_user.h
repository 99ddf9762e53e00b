/* SPDX-License-Identifier: MIT */
/* Choosing the worker's identity (design 1.8). */
#pragma once

#include "cli/options.h"
#include "sandbox/identity.h"

#define PT_NOBODY_ID 65534u

/*
 * --user wins; otherwise the invoking user when podtrace was started through sudo
 * (SUDO_UID/SUDO_GID, when not 0); otherwise, started as root, 65534 (nobody/nogroup);
 * started by anyone else, the caller. *ret_why names the choice for messages.
 */
int pt_worker_user_choose(const struct pt_options *o, struct pt_identity *ret, const char **ret_why,
                          struct pt_error *err);
