/* SPDX-License-Identifier: MIT */
/*
 * The host program of tests/integration/test_ipc.sh: it opens, by name, the channel that
 * `podtrace run --ipc=NAME` created, and then
 *   exchange COUNT   runs the exchange of exchange.h with py_worker.py under podtrace, then
 *                    expects to be told (-EPIPE) that the worker is gone;
 *   wait-dead SECS   waits for the worker's death to be reported (the test kills it);
 *   hold             attaches, says so, and sleeps until killed (the worker sees it die).
 * Prints one line and exits 0 on success, 1 with the reason otherwise.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "exchange.h"

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* podtrace creates the name while it sets up the sandbox: wait for it a while. */
static struct pt_shm *attach(const char *name)
{
        struct pt_shm *h = NULL;
        int r = -ENOENT;
        for (int i = 0; i < 300 && r == -ENOENT; i++) {
                r = pt_shm_open(name, PT_SHM_HOST, &h);
                if (r == -ENOENT)
                        usleep(50 * 1000);
        }
        if (r < 0) {
                printf("ipc_host: cannot open %s: %s\n", name, strerror(-r));
                exit(1);
        }
        return h;
}

int main(int argc, char **argv)
{
        if (argc < 3) {
                fprintf(stderr, "usage: ipc_host NAME exchange COUNT | wait-dead SECS | hold\n");
                return 2;
        }
        struct pt_shm *h = attach(argv[1]);
        char buf[64];
        if (strcmp(argv[2], "exchange") == 0 && argc == 4) {
                uint32_t count = (uint32_t)strtoul(argv[3], NULL, 10);
                struct xresult res;
                double t0 = now();
                if (exchange_run(h, count, pt_shm_max_message(h) + 64, &res) < 0) {
                        printf("ipc_host: %s\n", res.why);
                        pt_shm_close(h);
                        return 1;
                }
                double dt = now() - t0;
                ssize_t n = pt_shm_recv(h, buf, sizeof(buf), 20000);
                pt_shm_close(h);
                if (n != -EPIPE) {
                        printf("ipc_host: after the exchange, expected the worker's end (EPIPE), got %zd\n", n);
                        return 1;
                }
                printf("ipc_host: %u messages each way checked in %.2f s (%.1f us per exchange, %.1f MB out, "
                       "%.1f MB in); the worker's exit was seen\n",
                       count, dt, dt / count * 1e6, (double)res.bytes_out / 1e6, (double)res.bytes_in / 1e6);
                return 0;
        }
        if (strcmp(argv[2], "wait-dead") == 0 && argc == 4) {
                printf("ipc_host: attached\n");
                fflush(stdout);
                double t0 = now();
                ssize_t n = pt_shm_recv(h, buf, sizeof(buf), atoi(argv[3]) * 1000);
                pt_shm_close(h);
                if (n != -EPIPE) {
                        printf("ipc_host: expected EPIPE, got %zd (%s)\n", n, n < 0 ? strerror((int)-n) : "a message");
                        return 1;
                }
                printf("ipc_host: the worker's death was reported after %.2f s\n", now() - t0);
                return 0;
        }
        if (strcmp(argv[2], "hold") == 0) {
                printf("ipc_host: attached\n");
                fflush(stdout);
                for (;;)
                        pause();
        }
        fprintf(stderr, "ipc_host: unknown mode %s\n", argv[2]);
        pt_shm_close(h);
        return 2;
}
