/* SPDX-License-Identifier: MIT */
/*
 * threads: concurrent decisions. NTHREADS threads each do OPS operations, interleaving
 * open+read, stat and access on allowed and denied files; every result must match the
 * policy (allowed: success and, for open, the allowed marker; denied: EACCES).
 *
 *   threads [PROCSx]NTHREADS OPS MARKER ALLOWED... -- DENIED...
 *
 * Prints "threads: threads=T ops=N ok=A denied=D mismatches=M seconds=S" and, for the first
 * few mismatches, one line "mismatch: ..." each. With PROCSx (e.g. 4x2) it forks PROCS
 * processes first, each running NTHREADS threads and printing its own line. Exits 0 (the
 * test judges), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char **allowed, **denied;
static int nallowed, ndenied;
static long ops;
static const char *marker;
static atomic_long n_ok, n_denied, n_mismatch;
static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static void mismatch(int tid, const char *what, const char *path, const char *got)
{
        long m = atomic_fetch_add(&n_mismatch, 1);
        if (m < 10) {
                pthread_mutex_lock(&print_lock);
                printf("mismatch: thread %d %s %s: %s\n", tid, what, path, got);
                pthread_mutex_unlock(&print_lock);
        }
}

static void *worker(void *arg)
{
        int tid = (int)(long)arg;
        char buf[256];
        size_t mlen = strlen(marker);
        for (long k = 0; k < ops; k++) {
                long sel = k + tid;
                bool want_ok = (sel & 1) == 0;
                const char *path = want_ok ? allowed[(sel / 2) % nallowed] : denied[(sel / 2) % ndenied];
                int kind = (int)((sel / 2) % 3);
                int r, e = 0;
                const char *what;
                if (kind == 0) {
                        what = "open";
                        int fd = open(path, O_RDONLY | O_CLOEXEC);
                        r = fd;
                        e = errno;
                        if (fd >= 0) {
                                ssize_t n = read(fd, buf, sizeof(buf) - 1);
                                close(fd);
                                if (want_ok && (n < (ssize_t)mlen || memcmp(buf, marker, mlen) != 0)) {
                                        mismatch(tid, what, path, "wrong content");
                                        continue;
                                }
                        }
                } else if (kind == 1) {
                        struct stat st;
                        what = "stat";
                        r = stat(path, &st);
                        e = errno;
                } else {
                        what = "access";
                        r = access(path, R_OK);
                        e = errno;
                }
                if (want_ok && r < 0)
                        mismatch(tid, what, path, strerrorname_np(e));
                else if (!want_ok && r >= 0)
                        mismatch(tid, what, path, "succeeded");
                else if (!want_ok && e != EACCES)
                        mismatch(tid, what, path, strerrorname_np(e));
                else if (want_ok)
                        atomic_fetch_add(&n_ok, 1);
                else
                        atomic_fetch_add(&n_denied, 1);
        }
        return NULL;
}

int main(int argc, char **argv)
{
        if (argc < 7) {
                fprintf(stderr, "usage: threads NTHREADS OPS MARKER ALLOWED... -- DENIED...\n");
                return 2;
        }
        int procs = 1, nt;
        const char *x = strchr(argv[1], 'x');
        if (x) {
                procs = atoi(argv[1]);
                nt = atoi(x + 1);
        } else {
                nt = atoi(argv[1]);
        }
        ops = atol(argv[2]);
        marker = argv[3];
        allowed = argv + 4;
        for (nallowed = 0; 4 + nallowed < argc && strcmp(argv[4 + nallowed], "--") != 0; nallowed++)
                ;
        denied = argv + 4 + nallowed + 1;
        ndenied = argc - (4 + nallowed + 1);
        if (nt <= 0 || nt > 256 || nallowed <= 0 || ndenied <= 0) {
                fprintf(stderr, "threads: bad arguments\n");
                return 2;
        }
        if (procs < 1 || procs > 64) {
                fprintf(stderr, "threads: bad process count\n");
                return 2;
        }
        fflush(stdout);
        for (int p = 1; p < procs; p++) {
                pid_t pid = fork();
                if (pid < 0) {
                        perror("threads: fork");
                        return 2;
                }
                if (pid == 0) {
                        procs = 0; /* a child: runs its threads and does not wait */
                        break;
                }
        }
        pthread_t t[256];
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int i = 0; i < nt; i++)
                if (pthread_create(&t[i], NULL, worker, (void *)(long)i) != 0) {
                        fprintf(stderr, "threads: pthread_create failed\n");
                        return 2;
                }
        for (int i = 0; i < nt; i++)
                pthread_join(t[i], NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("threads: threads=%d ops=%ld ok=%ld denied=%ld mismatches=%ld seconds=%.2f\n", nt, nt * ops,
               atomic_load(&n_ok), atomic_load(&n_denied), atomic_load(&n_mismatch), secs);
        fflush(stdout);
        while (procs > 0 && wait(NULL) > 0)
                ;
        return 0;
}
