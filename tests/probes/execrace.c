/* SPDX-License-Identifier: MIT */
/*
 * execrace: attacks on the run permission (design 4.3) that a check of the exec path
 * alone would miss.
 *
 *   execrace race ALLOWED DENIED ITERATIONS SECONDS [ARG]
 *       A thread flips a path buffer between ALLOWED and DENIED without pause; the main
 *       thread forks ITERATIONS children (or until SECONDS have passed), each of which
 *       execve()s the buffer, passing ARG. The buffer is a MAP_SHARED page, so the parent's
 *       flipper keeps rewriting it in the child's memory while the child's execve is being
 *       decided: the path the supervisor checked and the one the kernel then opens may
 *       differ. Prints
 *         "execrace: iterations=N allowed=A denied_ran=D eacces=E enoent=F killed=K other=O"
 *       where allowed counts exits 0 (ALLOWED ran), denied_ran exits 42 (DENIED, a marker
 *       probe, ran), eacces/enoent execve failures (exits 126/127), killed SIGKILLs.
 *   execrace memfd SRC [ARG]
 *       copies SRC into a memfd and execveat(memfd, "", AT_EMPTY_PATH)s it; prints
 *       "memfd-exec: ERRNO" if the call returns.
 *   execrace memfd-proc SRC [ARG]
 *       the same through execve("/proc/self/fd/N").
 *
 * Exits 0 (the test judges), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char *buf; /* MAP_SHARED: the children see every flip */
static const char *paths[2];
static atomic_int stop;

static void *flipper(void *arg)
{
        size_t len[2] = { strlen(paths[0]) + 1, strlen(paths[1]) + 1 };
        (void)arg;
        while (!atomic_load_explicit(&stop, memory_order_relaxed))
                for (int i = 0; i < 2; i++)
                        memcpy(buf, paths[i], len[i]);
        return NULL;
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int race(const char *allowed, const char *denied, long iterations, double seconds, char *arg)
{
        long n = 0, ok = 0, ran = 0, eacces = 0, enoent = 0, killed = 0, other = 0;
        pthread_t t;

        if (strlen(allowed) >= PATH_MAX || strlen(denied) >= PATH_MAX)
                return 2;
        buf = mmap(NULL, PATH_MAX, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (buf == MAP_FAILED) {
                perror("execrace: mmap");
                return 2;
        }
        paths[0] = allowed;
        paths[1] = denied;
        strcpy(buf, allowed);
        if (pthread_create(&t, NULL, flipper, NULL) != 0) {
                fprintf(stderr, "execrace: pthread_create failed\n");
                return 2;
        }
        double end = now() + seconds;
        for (; n < iterations && now() < end; n++) {
                pid_t p = fork();
                if (p < 0) {
                        other++;
                        continue;
                }
                if (p == 0) {
                        char *argv[] = { (char *)"execrace-child", arg, NULL };
                        execve(buf, argv, environ);
                        _exit(errno == EACCES ? 126 : errno == ENOENT ? 127 : 125);
                }
                int st;
                while (waitpid(p, &st, 0) < 0 && errno == EINTR)
                        ;
                if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                        ok++;
                else if (WIFEXITED(st) && WEXITSTATUS(st) == 42)
                        ran++;
                else if (WIFEXITED(st) && WEXITSTATUS(st) == 126)
                        eacces++;
                else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
                        enoent++;
                else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
                        killed++;
                else
                        other++;
        }
        atomic_store(&stop, 1);
        pthread_join(t, NULL);
        printf("execrace: iterations=%ld allowed=%ld denied_ran=%ld eacces=%ld enoent=%ld killed=%ld other=%ld\n", n,
               ok, ran, eacces, enoent, killed, other);
        return 0;
}

static int copy_to_memfd(const char *src)
{
        int in = open(src, O_RDONLY | O_CLOEXEC);
        if (in < 0) {
                printf("memfd-open-src: %s\n", strerrorname_np(errno));
                return -1;
        }
        /* not MFD_CLOEXEC: the /proc/self/fd path must still exist during the exec */
        int fd = (int)syscall(SYS_memfd_create, "podtrace-memfd", 0);
        if (fd < 0) {
                printf("memfd_create: %s\n", strerrorname_np(errno));
                close(in);
                return -1;
        }
        char b[65536];
        ssize_t r;
        while ((r = read(in, b, sizeof(b))) > 0)
                if (write(fd, b, (size_t)r) != r) {
                        printf("memfd-write: %s\n", strerrorname_np(errno));
                        close(in);
                        close(fd);
                        return -1;
                }
        close(in);
        return fd;
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc >= 6 && !strcmp(argv[1], "race"))
                return race(argv[2], argv[3], atol(argv[4]), atof(argv[5]), argc >= 7 ? argv[6] : NULL);
        if (argc >= 3 && (!strcmp(argv[1], "memfd") || !strcmp(argv[1], "memfd-proc"))) {
                int fd = copy_to_memfd(argv[2]);
                if (fd < 0)
                        return 0;
                char *args[] = { (char *)"memfd-child", argc >= 4 ? argv[3] : NULL, NULL };
                if (!strcmp(argv[1], "memfd")) {
                        syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
                        printf("memfd-exec: %s\n", strerrorname_np(errno));
                } else {
                        char path[64];
                        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
                        execve(path, args, environ);
                        printf("memfd-proc-exec: %s\n", strerrorname_np(errno));
                }
                return 0;
        }
        fprintf(stderr, "usage: execrace race ALLOWED DENIED ITERATIONS SECONDS [ARG] | memfd SRC [ARG] |"
                        " memfd-proc SRC [ARG]\n");
        return 2;
}
