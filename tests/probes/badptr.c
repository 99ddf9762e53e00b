/* SPDX-License-Identifier: MIT */
/*
 * badptr: path and buffer arguments the supervisor must read or write carefully (design 4.1:
 * page-bounded reads, stop at NUL, ENAMETOOLONG past PATH_MAX). Each case prints
 * "CASE: ok" or "CASE: ERRNO"; the test compares with the kernel's own answers.
 *
 *   badptr PATH   PATH is a readable file (an allowed one under podtrace)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r)
{
        if (r < 0)
                printf("%s: %s\n", what, strerrorname_np(errno));
        else
                printf("%s: ok\n", what);
        fflush(stdout);
}

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: badptr PATH\n");
                return 2;
        }
        const char *path = argv[1];
        long pg = sysconf(_SC_PAGESIZE);
        /* three pages: [0] [1] readable, [2] PROT_NONE */
        char *m = mmap(NULL, (size_t)(3 * pg), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED || mprotect(m + 2 * pg, (size_t)pg, PROT_NONE) < 0) {
                perror("badptr: mmap");
                return 2;
        }
        size_t len = strlen(path);
        struct stat st;

        report("open NULL", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY));
        report("stat NULL path", syscall(SYS_newfstatat, AT_FDCWD, NULL, &st, 0));

        /* the path ends (NUL) exactly at the last byte before the PROT_NONE page */
        char *end = m + 2 * pg - (long)len - 1;
        memcpy(end, path, len + 1);
        long fd = syscall(SYS_openat, AT_FDCWD, end, O_RDONLY);
        report("open path ending at a page boundary", fd);
        if (fd >= 0)
                close((int)fd);
        /* the path straddles two pages */
        char *straddle = m + pg - (long)len / 2;
        memcpy(straddle, path, len + 1);
        fd = syscall(SYS_openat, AT_FDCWD, straddle, O_RDONLY);
        report("open path straddling two pages", fd);
        if (fd >= 0)
                close((int)fd);
        /* no NUL before the PROT_NONE page */
        char *unterminated = m + 2 * pg - (long)len;
        memcpy(unterminated, path, len);
        report("open unterminated path running into PROT_NONE", syscall(SYS_openat, AT_FDCWD, unterminated, O_RDONLY));
        /* PATH_MAX bytes of '/' and no NUL within them */
        char *lng = m;
        memset(lng, '/', PATH_MAX);
        lng[PATH_MAX] = '\0';
        report("open PATH_MAX+ bytes", syscall(SYS_openat, AT_FDCWD, lng, O_RDONLY));
        /* stat results written to bad places */
        report("stat into NULL", syscall(SYS_newfstatat, AT_FDCWD, path, NULL, 0));
        report("stat into PROT_NONE", syscall(SYS_newfstatat, AT_FDCWD, path, m + 2 * pg, 0));
        char *ro = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        report("stat into read-only memory", syscall(SYS_newfstatat, AT_FDCWD, path, ro, 0));
        report("stat straddling into PROT_NONE", syscall(SYS_newfstatat, AT_FDCWD, path, m + 2 * pg - 16, 0));
        report("statx into PROT_NONE", syscall(SYS_statx, AT_FDCWD, path, 0, 0x7ff, m + 2 * pg));
        report("readlink into PROT_NONE", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", m + 2 * pg, 64));
        report("stat still fine", syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0));
        return 0;
}
