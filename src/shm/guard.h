/* SPDX-License-Identifier: MIT */
/*
 * The SIGBUS guard. A peer holding the channel's fd can ftruncate() the shared file; every
 * page past the new end then faults with SIGBUS in every process that maps it. The guard
 * turns that crash into an error: its handler recognises a fault inside a registered channel
 * mapping, puts private zero pages over the mapping (so the faulting access completes), and
 * marks the channel lost; the channel then reports -EPROTO. Faults elsewhere go to the
 * handler that was installed before.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Register a mapping; returns a slot for the other calls, or -1 (no guard: table full). */
int pt_shm_guard_add(void *map, size_t len);
/* Forget a slot (-1: nothing). Call before unmapping. */
void pt_shm_guard_remove(int slot);
/* Whether the mapping of this slot was replaced after a SIGBUS. */
bool pt_shm_guard_lost(int slot);
