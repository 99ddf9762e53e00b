/* SPDX-License-Identifier: MIT */
/*
 * The ffi permission: a file-backed executable mapping is a shared object being loaded
 * (ctypes, cffi, dlopen). The filter notifies only mmap with PROT_EXEC of a file and
 * mprotect/pkey_mprotect adding PROT_EXEC; the library's path (the fd's object, or the file
 * behind the mapping) is decided as ffi; the runtime baseline (system libraries, the
 * interpreter's extension modules) is allowed.
 *
 * A mapping cannot be emulated, so an allowed call is let through; a racing thread that
 * swaps the fd (dup2) or the mapping in between is not stopped. ffi is a rule about which
 * libraries get loaded, not a boundary against native code: code that already runs natively
 * can make anonymous memory executable (docs/policy.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "handlers/ffi_handlers.h"
#include "handlers/fs_common.h"
#include "util/cleanup.h"

static bool decide_ffi(struct pt_call *c, const char *path)
{
        struct pt_decision d;
        pt_decide_path(c->sv->policy, PT_PERM_FFI, path, &d);
        return pt_call_record(c, &d, path);
}

static void handle_mmap(struct pt_call *c)
{
        struct pt_fs_target t;
        int r = pt_fs_resolve(c, pt_arg_fd(c, 4), "", PT_RES_EMPTY_PATH, &t);
        if (pt_call_valid(c) < 0)
                r = -ENOENT;
        if (r == 0 && t.canon[0] == '/' && !decide_ffi(c, t.canon))
                r = -EACCES;
        pt_fs_target_release(&t);
        if (r == -ENOENT || r == -EBADF)
                r = 0; /* the kernel gives the real answer (EBADF) */
        if (r < 0)
                pt_reply_error(c, -r);
        else
                pt_reply_continue(c);
}

/* The file behind the mapping that contains addr, from /proc/<tid>/maps; "" if anonymous. */
static int mapping_path(pid_t tid, uint64_t addr, char *path, size_t size)
{
        char name[64];
        snprintf(name, sizeof(name), "/proc/%d/maps", tid);
        _cleanup_fclose_ FILE *f = fopen(name, "re");
        if (!f)
                return -errno;
        char line[PATH_MAX + 128];
        while (fgets(line, sizeof(line), f)) {
                uint64_t lo, hi, inode;
                int off = 0;
                if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %*s %*s %" SCNu64 " %n", &lo, &hi, &inode, &off) < 3)
                        continue;
                if (addr < lo || addr >= hi)
                        continue;
                path[0] = '\0';
                if (inode != 0 && off > 0 && line[off] == '/') {
                        line[strcspn(line, "\n")] = '\0';
                        snprintf(path, size, "%s", line + off);
                }
                return 0;
        }
        path[0] = '\0';
        return 0; /* not mapped: the kernel answers ENOMEM */
}

static void handle_mprotect(struct pt_call *c)
{
        char path[PATH_MAX];
        int r = mapping_path(c->req->pid, c->req->data.args[0], path, sizeof(path));
        if (pt_call_valid(c) < 0) {
                pt_reply_error(c, ENOENT);
                return;
        }
        if (r < 0) {
                pt_reply_error(c, EACCES); /* cannot tell what it maps: fail closed */
                return;
        }
        /* "/path (deleted)": a library deleted after loading is still that library */
        size_t n = strlen(path);
        if (n > 10 && strcmp(path + n - 10, " (deleted)") == 0)
                path[n - 10] = '\0';
        if (path[0] == '/' && !decide_ffi(c, path)) {
                pt_reply_error(c, EACCES);
                return;
        }
        pt_reply_continue(c);
}

void pt_handle_ffi(struct pt_call *c)
{
        if (c->row->variant == PT_FFI_MMAP)
                handle_mmap(c);
        else
                handle_mprotect(c);
}
