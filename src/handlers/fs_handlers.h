/* SPDX-License-Identifier: MIT */
/* The file-permission handlers (read/write) and the argument shapes their rows select. */
#pragma once

#include "handlers/call.h"

/* open family */
enum { PT_OPEN_PLAIN, PT_OPEN_CREAT, PT_OPEN_AT, PT_OPEN_AT2 };
/* stat family */
enum { PT_STAT_STAT, PT_STAT_LSTAT, PT_STAT_FSTATAT, PT_STAT_STATX, PT_STAT_STATFS };
/* access family */
enum { PT_ACCESS_PLAIN, PT_ACCESS_AT, PT_ACCESS_AT2 };
/* readlink */
enum { PT_READLINK_PLAIN, PT_READLINK_AT };
/* xattr: l = do not follow */
enum { PT_XATTR_GET, PT_XATTR_LGET, PT_XATTR_LIST, PT_XATTR_LLIST, PT_XATTR_SET, PT_XATTR_LSET,
       PT_XATTR_REMOVE, PT_XATTR_LREMOVE, PT_XATTR_FSET, PT_XATTR_FREMOVE };
/* create / remove */
enum { PT_MK_MKDIR, PT_MK_MKDIRAT, PT_MK_MKNOD, PT_MK_MKNODAT, PT_MK_SYMLINK, PT_MK_SYMLINKAT };
enum { PT_RM_RMDIR, PT_RM_UNLINK, PT_RM_UNLINKAT };
enum { PT_MV_RENAME, PT_MV_RENAMEAT, PT_MV_RENAMEAT2, PT_MV_LINK, PT_MV_LINKAT };
/* attributes */
enum { PT_CHMOD_PLAIN, PT_CHMOD_AT, PT_CHMOD_AT2, PT_CHMOD_FD };
enum { PT_CHOWN_PLAIN, PT_CHOWN_L, PT_CHOWN_AT, PT_CHOWN_FD };
enum { PT_UTIME_UTIME, PT_UTIME_UTIMES, PT_UTIME_FUTIMESAT, PT_UTIME_UTIMENSAT };

void pt_handle_open(struct pt_call *c);
void pt_handle_stat(struct pt_call *c);
void pt_handle_access(struct pt_call *c);
void pt_handle_readlink(struct pt_call *c);
void pt_handle_xattr(struct pt_call *c);
void pt_handle_create(struct pt_call *c);
void pt_handle_remove(struct pt_call *c);
void pt_handle_move(struct pt_call *c);
void pt_handle_truncate(struct pt_call *c);
void pt_handle_chmod(struct pt_call *c);
void pt_handle_chown(struct pt_call *c);
void pt_handle_utime(struct pt_call *c);
void pt_handle_inotify(struct pt_call *c);
void pt_handle_chdir(struct pt_call *c);
