/* SPDX-License-Identifier: MIT */
/* x86_64 hooks for libshm (the same names in every src/shm/arch/<arch>/shm_arch.h). */
#pragma once

/* One step of a spin-wait: PAUSE frees the core's resources for its sibling thread. */
static inline void pt_shm_cpu_relax(void)
{
        __builtin_ia32_pause();
}
