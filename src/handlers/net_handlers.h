/* SPDX-License-Identifier: MIT */
/* The net-permission handlers. */
#pragma once

#include "handlers/call.h"

enum { PT_NET_CONNECT, PT_NET_BIND };

void pt_handle_connect_bind(struct pt_call *c);
