/* SPDX-License-Identifier: MIT */
/*
 * Many opens that block, and a thread that needs answers meanwhile:
 *   fifoflood DIR N FILE
 * makes DIR/fifo, starts N threads that each open it for reading (each waits for a writer),
 * then, while they wait, opens and fstats FILE 200 times and prints how long that took; then
 * opens the FIFO for writing (which releases every reader) and prints how many returned.
 *   "other: 200 opens in <ms> ms"   "released: <k> of <N>"
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char fifo[4096];
static atomic_int started, returned;

static void *reader(void *arg)
{
        (void)arg;
        atomic_fetch_add(&started, 1);
        int fd = open(fifo, O_RDONLY);
        if (fd >= 0) {
                atomic_fetch_add(&returned, 1);
                close(fd);
        } else {
                fprintf(stderr, "reader: %s\n", strerror(errno));
        }
        return NULL;
}

static double now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
        if (argc != 4) {
                fprintf(stderr, "usage: fifoflood DIR N FILE\n");
                return 2;
        }
        int n = atoi(argv[2]);
        snprintf(fifo, sizeof(fifo), "%s/fifo", argv[1]);
        if (mkfifo(fifo, 0666) < 0 && errno != EEXIST) {
                printf("mkfifo: %s\n", strerror(errno));
                return 1;
        }
        pthread_t *t = calloc((size_t)n, sizeof(*t));
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 64 * 1024);
        int made = 0;
        for (int i = 0; i < n; i++)
                if (pthread_create(&t[i], &attr, reader, NULL) == 0)
                        made++;
        while (atomic_load(&started) < made)
                usleep(1000);
        usleep(200 * 1000); /* let them all block in open() */
        printf("waiting: %d of %d\n", made - atomic_load(&returned), n);
        fflush(stdout);

        double t0 = now_ms();
        int ok = 0;
        for (int i = 0; i < 200; i++) {
                int fd = open(argv[3], O_RDONLY);
                struct stat st;
                if (fd >= 0 && fstat(fd, &st) == 0)
                        ok++;
                if (fd >= 0)
                        close(fd);
        }
        printf("other: %d opens in %.0f ms\n", ok, now_ms() - t0);
        fflush(stdout);

        int w = open(fifo, O_WRONLY); /* readers are waiting: does not block */
        for (int i = 0; i < n; i++)
                if (i < made)
                        pthread_join(t[i], NULL);
        if (w >= 0)
                close(w);
        printf("released: %d of %d\n", atomic_load(&returned), n);
        return 0;
}
