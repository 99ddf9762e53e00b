/* SPDX-License-Identifier: MIT */
/*
 * The worker's mount namespace: nothing propagates back to the host; a /proc of its own pid
 * namespace; the parts of /proc that configure the host (sys, sysrq-trigger, irq, bus, fs)
 * and a fresh /sys read-only. A capability-less uid 0 could otherwise still write
 * /proc/sys/kernel/core_pattern, which runs a program as host root: this holds even under -A.
 */
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "sandbox/sandbox.h"

#define MS_HARDEN (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Bind a path onto itself and make it read-only. Missing paths are skipped. */
static int bind_readonly(const char *path)
{
        struct stat st;
        if (stat(path, &st) < 0)
                return 0;
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
                return -errno;
        if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_HARDEN, NULL) < 0)
                return -errno;
        return 0;
}

int pt_mounts_setup(void)
{
        static const char *const proc_readonly[] = {
                "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs",
        };

        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -errno;
        if (mount("proc", "/proc", "proc", MS_HARDEN, NULL) < 0)
                return -errno;
        for (size_t i = 0; i < sizeof(proc_readonly) / sizeof(proc_readonly[0]); i++) {
                int r = bind_readonly(proc_readonly[i]);
                if (r < 0)
                        return r;
        }
        /* A new sysfs shows this network namespace's devices; read-only throughout. */
        if (mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_HARDEN, NULL) < 0)
                return -errno;
        return 0;
}
