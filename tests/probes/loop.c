/* SPDX-License-Identifier: MIT */
/*
 * loop: a worker tree that keeps making notified syscalls, for killing the supervisor under
 * it. It forks CHILDREN children that loop too, one that only sleeps (no syscalls to
 * notice) and a daemon (double fork + setsid, reparented to the sandbox's init) that loops
 * with tag 99, then loops itself. Each iteration: stat(STATPATH), then open(OUT, O_WRONLY|
 * O_APPEND) (both notified), and through that fd one line "TAG I ok NANOS" where NANOS is
 * CLOCK_REALTIME after the open returned. A failed open is reported on stderr only.
 *
 *   loop OUT STATPATH CHILDREN
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void __attribute__((noreturn)) run(const char *out, const char *statpath, int tag)
{
        for (unsigned long i = 0;; i++) {
                struct stat st;
                int r = stat(statpath, &st);
                int fd = open(out, O_WRONLY | O_APPEND | O_CLOEXEC);
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                if (fd < 0 || r < 0) {
                        fprintf(stderr, "loop %d: iteration %lu: stat %s open %s\n", tag, i, r < 0 ? strerror(errno) : "ok",
                                fd < 0 ? strerror(errno) : "ok");
                        if (fd >= 0)
                                close(fd);
                        usleep(1000);
                        continue;
                }
                dprintf(fd, "P%d %lu ok %lld%09ld\n", tag, i, (long long)ts.tv_sec, ts.tv_nsec);
                close(fd);
        }
}

int main(int argc, char **argv)
{
        if (argc != 4) {
                fprintf(stderr, "usage: loop OUT STATPATH CHILDREN\n");
                return 2;
        }
        int children = atoi(argv[3]);
        for (int k = 1; k <= children + 2; k++) {
                pid_t p = fork();
                if (p < 0) {
                        perror("loop: fork");
                        return 2;
                }
                if (p == 0) {
                        if (k == children + 1) {
                                /* the daemon: its parent exits at once */
                                if (fork() != 0)
                                        _exit(0);
                                setsid();
                                run(argv[1], argv[2], 99);
                        }
                        if (k == children + 2)
                                for (;;)
                                        pause(); /* a quiet member of the tree */
                        run(argv[1], argv[2], k);
                }
        }
        run(argv[1], argv[2], 0);
}
