/* SPDX-License-Identifier: MIT */
/* The ffi-permission handlers: executable file mappings. */
#pragma once

#include "handlers/call.h"

enum { PT_FFI_MMAP, PT_FFI_MPROTECT };

void pt_handle_ffi(struct pt_call *c);
