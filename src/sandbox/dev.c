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
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

/*
 * /dev/shm's bounds. tmpfs defaults to half of RAM, and its pages are not reclaimable without
 * swap nor freed by killing their writer (only when the sandbox's mount namespace goes), so
 * a worker could pin half the host's memory. POSIX shared memory and semaphores live here:
 * Python's multiprocessing makes one small file per semaphore (a page and an inode each:
 * Lock, Queue, Pool...) and multiprocessing.shared_memory one file of the asked size. A
 * quarter of RAM, at most 1 GiB (sixteen times Docker's 64 MiB default), and 16384 inodes
 * (semaphores by the thousand; 64 MiB of pages at one page each) leave room for both.
 */
#define SHM_MAX_BYTES (1ull << 30)
#define SHM_INODES 16384

static void shm_options(char *buf, size_t size)
{
        unsigned long long bytes = SHM_MAX_BYTES;
        struct sysinfo si;
        if (sysinfo(&si) == 0 && si.totalram / 4 * si.mem_unit < bytes)
                bytes = (unsigned long long)si.totalram / 4 * si.mem_unit;
        snprintf(buf, size, "mode=1777,size=%llu,nr_inodes=%u", bytes, SHM_INODES);
}

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
        char opts[96];
        shm_options(opts, sizeof(opts));
        if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
                r = -errno;
out:
        umask(old);
        return r;
}
