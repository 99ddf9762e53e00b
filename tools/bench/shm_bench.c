/* SPDX-License-Identifier: MIT */
/*
 * libshm against a pipe pair and a unix socketpair, same run, same machine: two processes
 * pinned to two different CPUs.
 *
 *   shm_bench [--cpus A,B] [--rt N] [--mib N] [--quick]
 *
 * - round trip: 64 bytes there and back, N times; median, 99th percentile and mean of the
 *   per-round-trip times (clock_gettime around each one). libshm with its default spin, and
 *   with spinning off (every wait a futex sleep and wake-up).
 * - throughput: 1 MiB messages one way (each copied in by the sender and out by the
 *   receiver), then a one-byte acknowledgement; GB/s = bytes / (time to the ack).
 * - in-process: one send and one receive of 64 bytes in the same thread, no peer waiting:
 *   the library's own cost per message (tools/bench/shm_bench.py compares Python's with it).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podtrace/shm.h"

#define MIB (1024 * 1024)
#define MSG 64

static int cpu_a = 0, cpu_b = 1;
static long rt_n = 500000, rt_slow_n = 20000, mib_n = 16384, mib_slow_n = 1024;

static double now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what)
{
        perror(what);
        exit(1);
}

static void pin(int cpu)
{
        cpu_set_t s;
        CPU_ZERO(&s);
        CPU_SET(cpu, &s);
        if (sched_setaffinity(0, sizeof(s), &s) < 0)
                die("sched_setaffinity");
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static void report_rt(const char *what, double *t, long n)
{
        double sum = 0;
        for (long i = 0; i < n; i++)
                sum += t[i];
        qsort(t, (size_t)n, sizeof(*t), cmp_double);
        printf("%-34s %10.0f ns median %10.0f ns p99 %10.0f ns mean  (%ld round trips)\n", what, t[n / 2],
               t[n * 99 / 100], sum / (double)n, n);
        fflush(stdout);
}

/* A transport: how to send and receive a buffer, for both ends. */
struct io {
        const char *name;
        int (*send)(struct io *io, int end, const void *buf, size_t len);
        int (*recv)(struct io *io, int end, void *buf, size_t len); /* exactly len bytes */
        struct pt_shm *ch[2];
        int fd[2][2]; /* fd[end][0] read, fd[end][1] write */
        const char *shm_name;
        size_t ring;
        unsigned spin;
        int pipe_size;
};

static int fd_send(struct io *io, int end, const void *buf, size_t len)
{
        const char *p = buf;
        while (len) {
                ssize_t n = write(io->fd[end][1], p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

static int fd_recv(struct io *io, int end, void *buf, size_t len)
{
        char *p = buf;
        while (len) {
                ssize_t n = read(io->fd[end][0], p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

static int shm_send(struct io *io, int end, const void *buf, size_t len)
{
        int r = pt_shm_send(io->ch[end], buf, len, -1);
        if (r < 0)
                errno = -r;
        return r;
}

static int shm_recv(struct io *io, int end, void *buf, size_t len)
{
        ssize_t n = pt_shm_recv(io->ch[end], buf, len, -1);
        if (n < 0)
                errno = (int)-n;
        else if (n != (ssize_t)len)
                errno = EBADMSG;
        return n == (ssize_t)len ? 0 : -1;
}

/* Set up before fork; each end finishes its part in its own process. */
static void io_setup(struct io *io)
{
        if (io->shm_name) {
                pt_shm_unlink(io->shm_name);
                int r = pt_shm_create(io->shm_name, io->ring, PT_SHM_HOST, &io->ch[0]);
                if (r < 0) {
                        errno = -r;
                        die("pt_shm_create");
                }
                pt_shm_set_spin(io->ch[0], io->spin);
                return;
        }
        int a[2], b[2];
        if (io->pipe_size >= 0) {
                if (pipe(a) < 0 || pipe(b) < 0)
                        die("pipe");
                if (io->pipe_size > 0) {
                        fcntl(a[1], F_SETPIPE_SZ, io->pipe_size);
                        fcntl(b[1], F_SETPIPE_SZ, io->pipe_size);
                }
                io->fd[0][0] = b[0];
                io->fd[0][1] = a[1];
                io->fd[1][0] = a[0];
                io->fd[1][1] = b[1];
        } else {
                int sv[2];
                if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
                        die("socketpair");
                io->fd[0][0] = io->fd[0][1] = sv[0];
                io->fd[1][0] = io->fd[1][1] = sv[1];
        }
}

static void io_child(struct io *io)
{
        if (io->shm_name) {
                /* the parent's handle, copied by fork: not ours to close (that would close
                 * the host side in shared memory); it goes with _exit() */
                io->ch[0] = NULL;
                int r = pt_shm_open(io->shm_name, PT_SHM_WORKER, &io->ch[1]);
                if (r < 0) {
                        errno = -r;
                        die("pt_shm_open");
                }
                pt_shm_set_spin(io->ch[1], io->spin);
        }
}

static void io_done(struct io *io)
{
        if (io->shm_name) {
                pt_shm_close(io->ch[0]);
                pt_shm_unlink(io->shm_name);
                return;
        }
        for (int e = 0; e < 2; e++)
                for (int k = 0; k < 2; k++)
                        if (k == 0 || io->fd[e][1] != io->fd[e][0])
                                close(io->fd[e][k]);
}

static pid_t spawn(struct io *io, void (*child)(struct io *io))
{
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0)
                die("fork");
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                pin(cpu_b);
                io_child(io);
                child(io);
                _exit(0);
        }
        return pid;
}

static long rt_count;

static void echo_child(struct io *io)
{
        char buf[MSG];
        for (long i = 0; i < rt_count + 1000; i++) {
                if (io->recv(io, 1, buf, MSG) < 0 || io->send(io, 1, buf, MSG) < 0)
                        _exit(1);
        }
}

static void round_trip(struct io *io, long n)
{
        char buf[MSG];
        double *t = malloc(sizeof(double) * (size_t)n);

        rt_count = n;
        io_setup(io);
        pid_t pid = spawn(io, echo_child);
        memset(buf, 'x', sizeof(buf));
        for (long i = 0; i < n + 1000; i++) { /* the first 1000 warm up */
                double t0 = now_ns();
                if (io->send(io, 0, buf, MSG) < 0 || io->recv(io, 0, buf, MSG) < 0)
                        die(io->name);
                if (i >= 1000)
                        t[i - 1000] = now_ns() - t0;
        }
        waitpid(pid, NULL, 0);
        io_done(io);
        report_rt(io->name, t, n);
        free(t);
}

static long tp_count;

static void sink_child(struct io *io)
{
        char *buf = malloc(MIB);
        for (long i = 0; i < tp_count; i++)
                if (io->recv(io, 1, buf, MIB) < 0)
                        _exit(1);
        if (io->send(io, 1, "k", 1) < 0)
                _exit(1);
        free(buf);
}

static void throughput(struct io *io, long n)
{
        char *buf = malloc(MIB), ack;

        memset(buf, 'y', MIB);
        tp_count = n;
        io_setup(io);
        pid_t pid = spawn(io, sink_child);
        double t0 = now_ns();
        for (long i = 0; i < n; i++)
                if (io->send(io, 0, buf, MIB) < 0)
                        die(io->name);
        if (io->recv(io, 0, &ack, 1) < 0)
                die(io->name);
        double dt = now_ns() - t0;
        waitpid(pid, NULL, 0);
        io_done(io);
        printf("%-34s %10.2f GB/s  (%ld x 1 MiB in %.2f s)\n", io->name, (double)n * MIB / dt, n, dt / 1e9);
        fflush(stdout);
        free(buf);
}

static void in_process(void)
{
        struct pt_shm *h, *w;
        char buf[MSG];
        const char *name = "/podshm-bench-inproc";
        long n = 2000000;

        pt_shm_unlink(name);
        if (pt_shm_create(name, 0, PT_SHM_HOST, &h) < 0 || pt_shm_open(name, PT_SHM_WORKER, &w) < 0)
                die("in-process channel");
        memset(buf, 'z', sizeof(buf));
        double t0 = now_ns();
        for (long i = 0; i < n; i++)
                if (pt_shm_send(h, buf, MSG, 0) < 0 || pt_shm_recv(w, buf, MSG, 0) != MSG)
                        die("in-process");
        double dt = now_ns() - t0;
        printf("%-34s %10.1f ns per send+recv pair (one thread, %ld pairs)\n", "libshm in-process, 64 B", dt / (double)n,
               n);
        pt_shm_close(w);
        pt_shm_close(h);
        pt_shm_unlink(name);
}

int main(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--cpus") == 0 && i + 1 < argc) {
                        if (sscanf(argv[++i], "%d,%d", &cpu_a, &cpu_b) != 2)
                                return 2;
                } else if (strcmp(argv[i], "--rt") == 0 && i + 1 < argc) {
                        rt_n = atol(argv[++i]);
                        rt_slow_n = rt_n / 10 > 0 ? rt_n / 10 : 1;
                } else if (strcmp(argv[i], "--mib") == 0 && i + 1 < argc) {
                        mib_n = atol(argv[++i]);
                        mib_slow_n = mib_n / 4 > 0 ? mib_n / 4 : 1;
                } else if (strcmp(argv[i], "--quick") == 0) {
                        rt_n = 20000, rt_slow_n = 2000, mib_n = 256, mib_slow_n = 64;
                } else {
                        fprintf(stderr, "usage: %s [--cpus A,B] [--rt N] [--mib N] [--quick]\n", argv[0]);
                        return 2;
                }
        }
        pin(cpu_a);
        printf("# processes pinned to CPUs %d and %d\n", cpu_a, cpu_b);
        printf("## 64-byte round trip\n");
        struct io shm_spin = { "libshm (spin 10 us, then futex)", shm_send, shm_recv, .shm_name = "/podshm-bench",
                               .ring = 1 << 20, .spin = 10000 };
        struct io shm_futex = { "libshm (futex only, no spin)", shm_send, shm_recv, .shm_name = "/podshm-bench",
                                .ring = 1 << 20, .spin = 0 };
        struct io pipes = { "pipe pair", fd_send, fd_recv, .pipe_size = 0 };
        struct io sock = { "unix socketpair", fd_send, fd_recv, .pipe_size = -1 };
        round_trip(&shm_spin, rt_n);
        round_trip(&shm_futex, rt_slow_n);
        round_trip(&pipes, rt_slow_n);
        round_trip(&sock, rt_slow_n);

        printf("## 1 MiB messages, one way\n");
        struct io shm_tp = { "libshm (8 MiB rings)", shm_send, shm_recv, .shm_name = "/podshm-bench", .ring = 8 << 20,
                             .spin = 10000 };
        struct io pipe_tp = { "pipe (default 64 KiB buffer)", fd_send, fd_recv, .pipe_size = 0 };
        struct io pipe_big = { "pipe (1 MiB buffer)", fd_send, fd_recv, .pipe_size = MIB };
        struct io sock_tp = { "unix socketpair", fd_send, fd_recv, .pipe_size = -1 };
        throughput(&shm_tp, mib_n);
        throughput(&pipe_tp, mib_slow_n);
        throughput(&pipe_big, mib_slow_n);
        throughput(&sock_tp, mib_slow_n);

        printf("## library cost\n");
        in_process();
        return 0;
}
