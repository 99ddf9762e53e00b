/* SPDX-License-Identifier: MIT */
/* aarch64 hooks for libshm (the same names in every src/shm/arch/<arch>/shm_arch.h). */
#pragma once

/* One step of a spin-wait: YIELD hints that this is a busy loop. */
static inline void pt_shm_cpu_relax(void)
{
        __asm__ __volatile__("yield" ::: "memory");
}
