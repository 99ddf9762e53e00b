/* SPDX-License-Identifier: MIT */
/* The sys-permission handlers and the /proc and /sys files behind Deno's sys names. */
#pragma once

#include "handlers/call.h"

enum { PT_SYS_ROW_UNAME, PT_SYS_ROW_SYSINFO, PT_SYS_ROW_GETPRIORITY, PT_SYS_ROW_SETPRIORITY };

void pt_handle_sys(struct pt_call *c);
/* The sys name (enum pt_sys) whose facts canonical path `canon` shows, or -1. */
int pt_sys_for_path(const char *canon);
