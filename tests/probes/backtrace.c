/* SPDX-License-Identifier: MIT */
/*
 * A denied call from named functions, for --backtrace (tests/integration/test_backtrace.sh).
 *
 *   backtrace main PATH            main → read_the_config → open_the_secret → open(PATH)
 *   backtrace thread PATH1 PATH2   main: main_opens_its_file → open(PATH1), while a second
 *                                  thread: second_thread_main → thread_opens_the_secret →
 *                                  open(PATH2); both calls are in flight at the same time
 *
 * Prints one line per open ("open_the_secret: EACCES") and exits 7, so a test can see that
 * a backtrace changes neither the output nor the exit status. Built with frame pointers
 * (tests/probes/CMakeLists.txt): a frame-pointer frame needs every register to unwind
 * through, which only a ptrace-stop gives. The callers use the result after the call, so
 * no call is a tail call and every function keeps its frame.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static void report(const char *who, int fd, int err)
{
        if (fd >= 0) {
                printf("%s: opened\n", who);
                close(fd);
        } else {
                printf("%s: %s\n", who, err == EACCES ? "EACCES" : strerror(err));
        }
        fflush(stdout);
}

NOINLINE static int open_the_secret(const char *path)
{
        int fd = open(path, O_RDONLY);
        int err = errno;
        report("open_the_secret", fd, err);
        return fd < 0 ? -err : 0;
}

NOINLINE static int read_the_config(const char *path)
{
        int r = open_the_secret(path);
        __asm__ volatile("" ::: "memory");
        return r + 1;
}

/* Both threads wait here, so their calls are in flight together. */
static pthread_barrier_t both;

NOINLINE static int thread_opens_the_secret(const char *path)
{
        pthread_barrier_wait(&both);
        int fd = open(path, O_RDONLY);
        int err = errno;
        report("thread_opens_the_secret", fd, err);
        return fd < 0 ? -err : 0;
}

NOINLINE static void *second_thread_main(void *arg)
{
        int r = thread_opens_the_secret(arg);
        __asm__ volatile("" ::: "memory");
        return (void *)(long)r;
}

NOINLINE static int main_opens_its_file(const char *path)
{
        pthread_barrier_wait(&both);
        int fd = open(path, O_RDONLY);
        int err = errno;
        report("main_opens_its_file", fd, err);
        return fd < 0 ? -err : 0;
}

int main(int argc, char **argv)
{
        if (argc == 3 && strcmp(argv[1], "main") == 0) {
                int r = read_the_config(argv[2]);
                return r == -EACCES + 1 ? 7 : 1;
        }
        if (argc == 4 && strcmp(argv[1], "thread") == 0) {
                pthread_t t;
                void *ret;
                pthread_barrier_init(&both, NULL, 2);
                if (pthread_create(&t, NULL, second_thread_main, argv[3]) != 0)
                        return 1;
                int r = main_opens_its_file(argv[2]);
                pthread_join(t, &ret);
                return r == -EACCES && (long)ret == -EACCES ? 7 : 1;
        }
        fprintf(stderr, "usage: backtrace main PATH | thread PATH1 PATH2\n");
        return 2;
}
