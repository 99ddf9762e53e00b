/* SPDX-License-Identifier: MIT */
/* x86_64: the ABI facts generic code needs (same names in every arch/<arch>/arch.h). */
#pragma once

#include <linux/audit.h>
#include <sys/syscall.h>

#define PT_ARCH_NAME "x86_64"
#define PT_AUDIT_ARCH AUDIT_ARCH_X86_64
/* libseccomp's token for the native ABI */
#define PT_SCMP_ARCH SCMP_ARCH_X86_64
/* x32 syscalls arrive with AUDIT_ARCH_X86_64 and this bit set in the number: kill them. */
#define PT_ARCH_X32_BIT 0x40000000u
/* 32-bit compat ABI reachable through int 0x80: a different audit arch, killed by the filter. */
#define PT_ARCH_HAS_COMPAT 1

/* Legacy path syscalls this ABI has (aarch64 has only the *at forms): -1 where absent. */
#define PT_NR_open __NR_open
#define PT_NR_creat __NR_creat
#define PT_NR_stat __NR_stat
#define PT_NR_lstat __NR_lstat
#define PT_NR_access __NR_access
#define PT_NR_readlink __NR_readlink
#define PT_NR_mkdir __NR_mkdir
#define PT_NR_mknod __NR_mknod
#define PT_NR_rmdir __NR_rmdir
#define PT_NR_unlink __NR_unlink
#define PT_NR_rename __NR_rename
#define PT_NR_link __NR_link
#define PT_NR_symlink __NR_symlink
#define PT_NR_chmod __NR_chmod
#define PT_NR_chown __NR_chown
#define PT_NR_lchown __NR_lchown
#define PT_NR_utime __NR_utime
#define PT_NR_utimes __NR_utimes
#define PT_NR_futimesat __NR_futimesat
#define PT_NR_uselib __NR_uselib
#define PT_NR_inotify_init __NR_inotify_init

/* The program-counter member of struct user_regs_struct (<sys/user.h>), for backtraces. */
#define PT_ARCH_PC_REG rip
