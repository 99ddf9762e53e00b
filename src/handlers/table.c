/* SPDX-License-Identifier: MIT */
/*
 * The notified syscalls: one row each (number, name, permission, handler, how the log shows
 * its arguments, and the argument shape the handler reads). Adding a syscall is adding a
 * row here (docs/HOWTO-add-a-syscall.md); the seccomp filter is built from this table.
 * Rows whose number is -1 do not exist on this ABI and are skipped.
 */
#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "handlers/call.h"
#include "handlers/exec_handlers.h"
#include "handlers/ffi_handlers.h"
#include "handlers/fs_handlers.h"
#include "handlers/net_handlers.h"
#include "handlers/sys_handlers.h"
#include "seccomp/nr.h"

#define N PT_ARG_NONE
#define I PT_ARG_INT
#define H PT_ARG_HEX
#define O PT_ARG_OCT
#define F PT_ARG_FD
#define D PT_ARG_DIRFD
#define P PT_ARG_PATH
#define S PT_ARG_STR
#define OF PT_ARG_OFLAGS
#define AF PT_ARG_ATFLAGS
#define X PT_ARG_PTR
#define OM PT_ARG_OMODE
#define AM PT_ARG_AMODE

#define ROW(nr_, name_, perm_, fn_, variant_, ...) \
        { .nr = (nr_), .name = name_, .perm = PT_PERM_##perm_, .handler = fn_, .args = { __VA_ARGS__ }, .variant = variant_ }

static const struct pt_syscall_row rows[] = {
        /* opening: decided on the canonical path, emulated with ADDFD (or the Landlock fast path) */
        ROW(PT_NR_open, "open", READ, pt_handle_open, PT_OPEN_PLAIN, P, OF, OM),
        ROW(__NR_openat, "openat", READ, pt_handle_open, PT_OPEN_AT, D, P, OF, OM),
        ROW(PT_NR_creat, "creat", WRITE, pt_handle_open, PT_OPEN_CREAT, P, O),
        ROW(__NR_openat2, "openat2", READ, pt_handle_open, PT_OPEN_AT2, D, P, X, I),

        /* probes: read */
        ROW(PT_NR_stat, "stat", READ, pt_handle_stat, PT_STAT_STAT, P, X),
        ROW(PT_NR_lstat, "lstat", READ, pt_handle_stat, PT_STAT_LSTAT, P, X),
        ROW(__NR_newfstatat, "newfstatat", READ, pt_handle_stat, PT_STAT_FSTATAT, D, P, X, AF),
        ROW(__NR_statx, "statx", READ, pt_handle_stat, PT_STAT_STATX, D, P, AF, H, X),
        ROW(__NR_statfs, "statfs", READ, pt_handle_stat, PT_STAT_STATFS, P, X),
        ROW(PT_NR_access, "access", READ, pt_handle_access, PT_ACCESS_PLAIN, P, AM),
        ROW(__NR_faccessat, "faccessat", READ, pt_handle_access, PT_ACCESS_AT, D, P, AM),
        ROW(__NR_faccessat2, "faccessat2", READ, pt_handle_access, PT_ACCESS_AT2, D, P, AM, AF),
        ROW(PT_NR_readlink, "readlink", READ, pt_handle_readlink, PT_READLINK_PLAIN, P, X, I),
        ROW(__NR_readlinkat, "readlinkat", READ, pt_handle_readlink, PT_READLINK_AT, D, P, X, I),
        ROW(__NR_getxattr, "getxattr", READ, pt_handle_xattr, PT_XATTR_GET, P, S, X, I),
        ROW(__NR_lgetxattr, "lgetxattr", READ, pt_handle_xattr, PT_XATTR_LGET, P, S, X, I),
        ROW(__NR_listxattr, "listxattr", READ, pt_handle_xattr, PT_XATTR_LIST, P, X, I),
        ROW(__NR_llistxattr, "llistxattr", READ, pt_handle_xattr, PT_XATTR_LLIST, P, X, I),
        ROW(__NR_inotify_add_watch, "inotify_add_watch", READ, pt_handle_inotify, 0, F, P, H),
        ROW(__NR_chdir, "chdir", READ, pt_handle_chdir, 0, P),

        /* names: write */
        ROW(PT_NR_mkdir, "mkdir", WRITE, pt_handle_create, PT_MK_MKDIR, P, O),
        ROW(__NR_mkdirat, "mkdirat", WRITE, pt_handle_create, PT_MK_MKDIRAT, D, P, O),
        ROW(PT_NR_mknod, "mknod", WRITE, pt_handle_create, PT_MK_MKNOD, P, O, H),
        ROW(__NR_mknodat, "mknodat", WRITE, pt_handle_create, PT_MK_MKNODAT, D, P, O, H),
        ROW(PT_NR_symlink, "symlink", WRITE, pt_handle_create, PT_MK_SYMLINK, S, P),
        ROW(__NR_symlinkat, "symlinkat", WRITE, pt_handle_create, PT_MK_SYMLINKAT, S, D, P),
        ROW(PT_NR_rmdir, "rmdir", WRITE, pt_handle_remove, PT_RM_RMDIR, P),
        ROW(PT_NR_unlink, "unlink", WRITE, pt_handle_remove, PT_RM_UNLINK, P),
        ROW(__NR_unlinkat, "unlinkat", WRITE, pt_handle_remove, PT_RM_UNLINKAT, D, P, AF),
        ROW(PT_NR_rename, "rename", WRITE, pt_handle_move, PT_MV_RENAME, P, P),
        ROW(__NR_renameat, "renameat", WRITE, pt_handle_move, PT_MV_RENAMEAT, D, P, D, P),
        ROW(__NR_renameat2, "renameat2", WRITE, pt_handle_move, PT_MV_RENAMEAT2, D, P, D, P, H),
        ROW(PT_NR_link, "link", WRITE, pt_handle_move, PT_MV_LINK, P, P),
        ROW(__NR_linkat, "linkat", WRITE, pt_handle_move, PT_MV_LINKAT, D, P, D, P, AF),

        /* attributes: write */
        ROW(__NR_truncate, "truncate", WRITE, pt_handle_truncate, 0, P, I),
        ROW(PT_NR_chmod, "chmod", WRITE, pt_handle_chmod, PT_CHMOD_PLAIN, P, O),
        ROW(__NR_fchmodat, "fchmodat", WRITE, pt_handle_chmod, PT_CHMOD_AT, D, P, O),
        ROW(__NR_fchmodat2, "fchmodat2", WRITE, pt_handle_chmod, PT_CHMOD_AT2, D, P, O, AF),
        ROW(__NR_fchmod, "fchmod", WRITE, pt_handle_chmod, PT_CHMOD_FD, F, O),
        ROW(PT_NR_chown, "chown", WRITE, pt_handle_chown, PT_CHOWN_PLAIN, P, I, I),
        ROW(PT_NR_lchown, "lchown", WRITE, pt_handle_chown, PT_CHOWN_L, P, I, I),
        ROW(__NR_fchownat, "fchownat", WRITE, pt_handle_chown, PT_CHOWN_AT, D, P, I, I, AF),
        ROW(__NR_fchown, "fchown", WRITE, pt_handle_chown, PT_CHOWN_FD, F, I, I),
        ROW(PT_NR_utime, "utime", WRITE, pt_handle_utime, PT_UTIME_UTIME, P, X),
        ROW(PT_NR_utimes, "utimes", WRITE, pt_handle_utime, PT_UTIME_UTIMES, P, X),
        ROW(PT_NR_futimesat, "futimesat", WRITE, pt_handle_utime, PT_UTIME_FUTIMESAT, D, P, X),
        ROW(__NR_utimensat, "utimensat", WRITE, pt_handle_utime, PT_UTIME_UTIMENSAT, D, P, X, AF),
        ROW(__NR_setxattr, "setxattr", WRITE, pt_handle_xattr, PT_XATTR_SET, P, S, X, I, H),
        ROW(__NR_lsetxattr, "lsetxattr", WRITE, pt_handle_xattr, PT_XATTR_LSET, P, S, X, I, H),
        ROW(__NR_fsetxattr, "fsetxattr", WRITE, pt_handle_xattr, PT_XATTR_FSET, F, S, X, I, H),
        ROW(__NR_removexattr, "removexattr", WRITE, pt_handle_xattr, PT_XATTR_REMOVE, P, S),
        ROW(__NR_lremovexattr, "lremovexattr", WRITE, pt_handle_xattr, PT_XATTR_LREMOVE, P, S),
        ROW(__NR_fremovexattr, "fremovexattr", WRITE, pt_handle_xattr, PT_XATTR_FREMOVE, F, S),

        /* programs: decided early here, enforced at PTRACE_EVENT_EXEC (supervisor/exec_check.c) */
        ROW(__NR_execve, "execve", RUN, pt_handle_exec, PT_EXEC_PLAIN, P, X, X),
        ROW(__NR_execveat, "execveat", RUN, pt_handle_exec, PT_EXEC_AT, D, P, X, X, AF),

        /* ffi: only executable file mappings are notified (conditions checked in BPF) */
        { .nr = __NR_mmap, .name = "mmap", .perm = PT_PERM_FFI, .handler = pt_handle_ffi, .variant = PT_FFI_MMAP,
          .args = { X, I, H, H, F, I },
          .cond = { { 2, PROT_EXEC, PROT_EXEC }, { 3, MAP_ANONYMOUS, 0 } } },
        { .nr = __NR_mprotect, .name = "mprotect", .perm = PT_PERM_FFI, .handler = pt_handle_ffi,
          .variant = PT_FFI_MPROTECT, .args = { X, I, H }, .cond = { { 2, PROT_EXEC, PROT_EXEC } } },
        { .nr = __NR_pkey_mprotect, .name = "pkey_mprotect", .perm = PT_PERM_FFI, .handler = pt_handle_ffi,
          .variant = PT_FFI_MPROTECT, .args = { X, I, H, I }, .cond = { { 2, PROT_EXEC, PROT_EXEC } } },

        /* sys: Deno's names for a native process (handlers/sys.c) */
        ROW(__NR_uname, "uname", SYS, pt_handle_sys, PT_SYS_ROW_UNAME, X),
        ROW(__NR_sysinfo, "sysinfo", SYS, pt_handle_sys, PT_SYS_ROW_SYSINFO, X),
        ROW(__NR_getpriority, "getpriority", SYS, pt_handle_sys, PT_SYS_ROW_GETPRIORITY, I, I),
        ROW(__NR_setpriority, "setpriority", SYS, pt_handle_sys, PT_SYS_ROW_SETPRIORITY, I, I, I),

        /* which sockets may exist: registers only, so an allowed one is let through unchanged
         * (net_family.c); AF_UNIX is not notified */
        { .nr = __NR_socket, .name = "socket", .perm = PT_PERM_NET, .handler = pt_handle_socket, .args = { I, H, I },
          .cond = { { 0, ~0ull, AF_UNIX, true } } },
        /* sockets: the address is in memory, so connect/bind run on the supervisor's copy */
        ROW(__NR_connect, "connect", NET, pt_handle_connect_bind, PT_NET_CONNECT, F, X, I),
        ROW(__NR_bind, "bind", NET, pt_handle_connect_bind, PT_NET_BIND, F, X, I),
        /* sendto without an address goes to the connected peer, decided at connect: not notified */
        { .nr = __NR_sendto, .name = "sendto", .perm = PT_PERM_NET, .handler = pt_handle_send, .variant = PT_NET_SENDTO,
          .args = { F, X, I, H, X, I }, .cond = { { 4, ~0ull, 0, true } } },
        ROW(__NR_sendmsg, "sendmsg", NET, pt_handle_send, PT_NET_SENDMSG, F, X, H),
        ROW(__NR_sendmmsg, "sendmmsg", NET, pt_handle_send, PT_NET_SENDMMSG, F, X, I, H),
};

#define MAX_NR 1024
static const struct pt_syscall_row *by_nr[MAX_NR];
static int by_nr_ready;

static void index_rows(void)
{
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
                if (rows[i].nr >= 0 && rows[i].nr < MAX_NR)
                        by_nr[rows[i].nr] = &rows[i];
        __atomic_store_n(&by_nr_ready, 1, __ATOMIC_RELEASE);
}

const struct pt_syscall_row *pt_syscall_lookup(int nr)
{
        if (!__atomic_load_n(&by_nr_ready, __ATOMIC_ACQUIRE))
                index_rows();
        return nr >= 0 && nr < MAX_NR ? by_nr[nr] : NULL;
}

const struct pt_syscall_row *pt_syscall_rows(size_t *ret_n)
{
        if (!__atomic_load_n(&by_nr_ready, __ATOMIC_ACQUIRE))
                index_rows();
        *ret_n = sizeof(rows) / sizeof(rows[0]);
        return rows;
}
