/* SPDX-License-Identifier: MIT */
/* Shared by the libshm tests: cmocka, unique channel names, children, time, checksums. */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "podtrace/shm.h"

#define UNUSED_HELPER __attribute__((unused))

/*
 * Names a failed test left behind (an assertion jumps past its unlink) are removed at exit:
 * everything in /dev/shm named podshm-test-*-<our pid>-*.
 */
#include <dirent.h>
static void remove_leftovers(void)
{
        char mark[32];
        DIR *d = opendir("/dev/shm");
        if (!d)
                return;
        snprintf(mark, sizeof(mark), "-%d-", (int)getpid());
        struct dirent *de;
        while ((de = readdir(d)))
                if (strncmp(de->d_name, "podshm-test-", 12) == 0 && strstr(de->d_name, mark))
                        unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
}

__attribute__((constructor)) static void register_cleanup(void)
{
        atexit(remove_leftovers);
}

/* A channel name of our own: test name + pid + counter, removed by the test. */
static UNUSED_HELPER const char *test_name(const char *what)
{
        static char buf[8][96];
        static unsigned n;
        char *b = buf[n % 8];
        snprintf(b, sizeof(buf[0]), "/podshm-test-%s-%d-%u", what, (int)getpid(), n++);
        return b;
}

static UNUSED_HELPER uint64_t mono_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static UNUSED_HELPER double mono_s(void)
{
        return (double)mono_ns() / 1e9;
}

/* FNV-1a, 64 bits: content checks for messages. */
static UNUSED_HELPER uint64_t fnv1a(const void *p, size_t n)
{
        const uint8_t *b = p;
        uint64_t h = 0xcbf29ce484222325ull;
        for (size_t i = 0; i < n; i++) {
                h ^= b[i];
                h *= 0x100000001b3ull;
        }
        return h;
}

/* Deterministic bytes: message `seq` of length `len`. */
static UNUSED_HELPER void fill_pattern(uint8_t *buf, size_t len, uint64_t seq)
{
        uint64_t x = seq * 0x9e3779b97f4a7c15ull + 1;
        for (size_t i = 0; i < len; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                buf[i] = (uint8_t)x;
        }
}

static UNUSED_HELPER int check_pattern(const uint8_t *buf, size_t len, uint64_t seq)
{
        uint8_t *want = malloc(len ? len : 1);
        fill_pattern(want, len, seq);
        int ok = memcmp(want, buf, len) == 0;
        free(want);
        return ok;
}

/* xorshift for sizes and choices */
static UNUSED_HELPER uint64_t rnd(uint64_t *s)
{
        uint64_t x = *s;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return *s = x;
}

/* Wait for a child with a deadline; SIGKILL it and fail if it is late. Returns the status. */
static UNUSED_HELPER int wait_child(pid_t pid, double seconds)
{
        int status = 0;
        double end = mono_s() + seconds;
        for (;;) {
                pid_t r = waitpid(pid, &status, WNOHANG);
                if (r == pid)
                        return status;
                if (r < 0)
                        return -1;
                if (mono_s() > end) {
                        kill(pid, SIGKILL);
                        waitpid(pid, &status, 0);
                        fail_msg("child %d did not finish within %.0f s", (int)pid, seconds);
                }
                struct timespec ts = { 0, 2000000 };
                nanosleep(&ts, NULL);
        }
}

static UNUSED_HELPER void assert_child_ok(pid_t pid, double seconds)
{
        int st = wait_child(pid, seconds);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                fail_msg("child failed: %s %d", WIFEXITED(st) ? "exit" : "signal",
                         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* In a forked child: exit non-zero with a message when a condition fails. */
#define CHILD_CHECK(cond, ...)                                                   \
        do {                                                                     \
                if (!(cond)) {                                                   \
                        fprintf(stderr, "child %d: %s:%d: %s: ", (int)getpid(),  \
                                __FILE__, __LINE__, #cond);                      \
                        fprintf(stderr, __VA_ARGS__);                            \
                        fputc('\n', stderr);                                     \
                        _exit(1);                                                \
                }                                                                \
        } while (0)

/* A child that dies with its parent, so a failed test leaves no process behind. */
#include <sys/prctl.h>
static UNUSED_HELPER pid_t fork_child(void)
{
        pid_t parent = getpid();
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (getppid() != parent)
                        _exit(1);
        }
        return pid;
}
