/* SPDX-License-Identifier: MIT */
/*
 * race: the check-to-use race on a path (design 4.1: never CONTINUE on a decision that
 * depends on worker memory). One thread keeps rewriting what a path means while the main
 * thread opens it O_RDONLY in a loop; every successful open is read and must never show the
 * denied file's content.
 *
 *   race buf ALLOWED DENIED MARKER N
 *       a flipper thread rewrites, in place, the path buffer the main thread passes to
 *       open(): ALLOWED's bytes, then DENIED's, and so on
 *   race sbuf ALLOWED DENIED INODE N
 *       as buf, with stat() instead of open(): a leak is a successful stat that shows the
 *       denied file's inode number INODE
 *   race cwd ALLOWED_DIR NAME MARKER N
 *       a flipper thread switches the shared cwd with fchdir (not a notified call) between
 *       ALLOWED_DIR and the directory open on stdin (a denied one, handed over by the
 *       caller); the main thread opens the relative NAME, present in both
 *   race link LINK ALLOWED DENIED MARKER N [SUFFIX]
 *       a flipper thread re-points the symlink LINK between ALLOWED and DENIED (symlink to a
 *       temporary name + rename over LINK); the main thread opens LINK, or LINK/SUFFIX when
 *       ALLOWED and DENIED are directories (the swap is then a directory component)
 *
 * MARKER is the start of the denied file's content. Prints one line:
 *   race MODE: opens=N ok=A eacces=B enoent=C other=D leaked=L seconds=S
 * and exits 0 (the test judges the numbers); 2 on bad usage.
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
#include <time.h>
#include <unistd.h>

#define PATHBUF 4096

static char pathbuf[PATHBUF];
static const char *allowed, *denied, *link_path;
static atomic_bool stop;
static unsigned long flips, flip_errors;

/* Byte by byte through a volatile pointer: the compiler may not turn it into one wide store,
 * so the syscall can see the old path, the new one, or a mix. */
static void put_path(const char *src)
{
        volatile char *dst = pathbuf;
        size_t n = strlen(src);
        for (size_t i = 0; i <= n; i++)
                dst[i] = src[i];
}

static void *flip_buf(void *arg)
{
        (void)arg;
        while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
                put_path(denied);
                put_path(allowed);
                flips++;
        }
        return NULL;
}

static int cwd_fd = -1;

static void *flip_cwd(void *arg)
{
        (void)arg;
        while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
                if (fchdir(0) == 0 && fchdir(cwd_fd) == 0)
                        flips++;
                else
                        flip_errors++;
        }
        return NULL;
}

static void *flip_link(void *arg)
{
        char tmp[PATHBUF];
        (void)arg;
        snprintf(tmp, sizeof(tmp), "%s.tmp", link_path);
        while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
                const char *target = (flips & 1) ? allowed : denied;
                unlink(tmp);
                if (symlink(target, tmp) == 0 && rename(tmp, link_path) == 0)
                        flips++; /* only the swaps that happened */
                else
                        flip_errors++;
        }
        return NULL;
}

int main(int argc, char **argv)
{
        bool by_link, by_stat = false, by_cwd = false;
        const char *marker;
        long n;

        if (argc == 6 && (strcmp(argv[1], "buf") == 0 || strcmp(argv[1], "sbuf") == 0)) {
                by_link = false;
                by_stat = argv[1][0] == 's';
                allowed = argv[2];
                denied = argv[3];
                marker = argv[4];
                n = atol(argv[5]);
        } else if (argc == 6 && strcmp(argv[1], "cwd") == 0) {
                by_link = false;
                by_cwd = true;
                allowed = argv[3];
                denied = argv[3];
                marker = argv[4];
                n = atol(argv[5]);
                cwd_fd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cwd_fd < 0 || fchdir(cwd_fd) < 0) {
                        perror("race: the allowed dir");
                        return 2;
                }
        } else if ((argc == 7 || argc == 8) && strcmp(argv[1], "link") == 0) {
                by_link = true;
                link_path = argv[2];
                allowed = argv[3];
                denied = argv[4];
                marker = argv[5];
                n = atol(argv[6]);
        } else {
                fprintf(stderr, "usage: race buf|sbuf ALLOWED DENIED MARKER|INODE N | race cwd DIR NAME MARKER N | race link LINK ALLOWED DENIED MARKER N [SUFFIX]\n");
                return 2;
        }
        if (strlen(allowed) >= PATHBUF || strlen(denied) >= PATHBUF) {
                fprintf(stderr, "race: path too long\n");
                return 2;
        }
        if (by_link) {
                unlink(link_path);
                if (symlink(allowed, link_path) < 0) {
                        perror("race: symlink");
                        return 2;
                }
                snprintf(pathbuf, sizeof(pathbuf), "%s%s%s", link_path, argc == 8 ? "/" : "", argc == 8 ? argv[7] : "");
        } else {
                put_path(allowed);
        }

        pthread_t t;
        if (pthread_create(&t, NULL, by_cwd ? flip_cwd : by_link ? flip_link : flip_buf, NULL) != 0) {
                fprintf(stderr, "race: pthread_create failed\n");
                return 2;
        }
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        unsigned long ok = 0, eacces = 0, enoent = 0, other = 0, leaked = 0;
        size_t mlen = strlen(marker);
        char buf[256];
        unsigned long long denied_ino = strtoull(marker, NULL, 10);
        for (long i = 0; i < n; i++) {
                if (by_stat) {
                        struct stat st;
                        if (stat(pathbuf, &st) < 0) {
                                if (errno == EACCES)
                                        eacces++;
                                else if (errno == ENOENT)
                                        enoent++;
                                else
                                        other++;
                                continue;
                        }
                        ok++;
                        if ((unsigned long long)st.st_ino == denied_ino)
                                leaked++;
                        continue;
                }
                int fd = open(pathbuf, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        if (errno == EACCES)
                                eacces++;
                        else if (errno == ENOENT)
                                enoent++;
                        else
                                other++;
                        continue;
                }
                ssize_t r = read(fd, buf, sizeof(buf) - 1);
                close(fd);
                ok++;
                if (r > 0 && (size_t)r >= mlen && memcmp(buf, marker, mlen) == 0)
                        leaked++;
        }
        atomic_store(&stop, true);
        pthread_join(t, NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("race %s: opens=%ld ok=%lu eacces=%lu enoent=%lu other=%lu leaked=%lu flips=%lu flip_errors=%lu seconds=%.2f\n",
               by_cwd ? "cwd" : by_link ? "link" : by_stat ? "sbuf" : "buf", n, ok, eacces, enoent, other, leaked, flips, flip_errors, secs);
        return 0;
}
