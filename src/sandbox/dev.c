/* SPDX-License-Identifier: MIT */
/*
 * A minimal /dev (like bubblewrap's --dev): the harmless character devices, a private
 * devpts and /dev/shm, and the fd symlinks. The host's /dev holds raw disks that a
 * capability-less uid 0 may still open by file mode: they are simply not there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

int pt_dev_setup(void)
{
        static const struct {
                const char *name;
                unsigned maj, min;
        } nodes[] = {
                { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
                { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
        };
        static const struct {
                const char *target, *name;
        } links[] = {
                { "/proc/self/fd", "fd" },         { "/proc/self/fd/0", "stdin" },
                { "/proc/self/fd/1", "stdout" },   { "/proc/self/fd/2", "stderr" },
                { "pts/ptmx", "ptmx" },
        };
        char path[64];
        mode_t old = umask(0);
        int r = 0;

        if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") < 0) {
                r = -errno;
                goto out;
        }
        for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
                snprintf(path, sizeof(path), "/dev/%s", nodes[i].name);
                if (mknod(path, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0) {
                        r = -errno;
                        goto out;
                }
        }
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
                snprintf(path, sizeof(path), "/dev/%s", links[i].name);
                if (symlink(links[i].target, path) < 0) {
                        r = -errno;
                        goto out;
                }
        }
        if (mkdir("/dev/pts", 0755) < 0 || mkdir("/dev/shm", 01777) < 0) {
                r = -errno;
                goto out;
        }
        if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") < 0) {
                r = -errno;
                goto out;
        }
        if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
                r = -errno;
out:
        umask(old);
        return r;
}
