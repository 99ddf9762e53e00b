/* SPDX-License-Identifier: MIT */
/* aarch64: the ABI facts generic code needs (same names in every arch/<arch>/arch.h). */
#pragma once

#include <linux/audit.h>
#include <sys/syscall.h>

#define PT_ARCH_NAME "aarch64"
#define PT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#define PT_SCMP_ARCH SCMP_ARCH_AARCH64
/* no x32-style number space on aarch64 */
#define PT_ARCH_X32_BIT 0u
/* AArch32 compat tasks have AUDIT_ARCH_ARM: a different audit arch, killed by the filter. */
#define PT_ARCH_HAS_COMPAT 1

/* aarch64 has only the *at forms: the legacy path syscalls do not exist. */
#define PT_NR_open (-1)
#define PT_NR_creat (-1)
#define PT_NR_stat (-1)
#define PT_NR_lstat (-1)
#define PT_NR_access (-1)
#define PT_NR_readlink (-1)
#define PT_NR_mkdir (-1)
#define PT_NR_mknod (-1)
#define PT_NR_rmdir (-1)
#define PT_NR_unlink (-1)
#define PT_NR_rename (-1)
#define PT_NR_link (-1)
#define PT_NR_symlink (-1)
#define PT_NR_chmod (-1)
#define PT_NR_chown (-1)
#define PT_NR_lchown (-1)
#define PT_NR_utime (-1)
#define PT_NR_utimes (-1)
#define PT_NR_futimesat (-1)
#define PT_NR_uselib (-1)
#define PT_NR_inotify_init (-1)

/* The program-counter member of struct user_regs_struct (<sys/user.h>), for backtraces. */
#define PT_ARCH_PC_REG pc
