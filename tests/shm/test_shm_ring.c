/* SPDX-License-Identifier: MIT */
/*
 * libshm rings through the public API: empty and full rings, wrap-around (of the ring and
 * of the 32-bit indices), the largest message and one byte more, receive buffers that are
 * too small, timeouts, names, sides, and argument errors.
 */
#include "shm_test.h"

#include "shm/layout.h"

struct pair {
        const char *name;
        struct pt_shm *host, *worker;
};

static void pair_open(struct pair *p, const char *what, size_t ring)
{
        p->name = test_name(what);
        assert_int_equal(pt_shm_create(p->name, ring, PT_SHM_HOST, &p->host), 0);
        assert_int_equal(pt_shm_open(p->name, PT_SHM_WORKER, &p->worker), 0);
}

static void pair_close(struct pair *p)
{
        pt_shm_close(p->host);
        pt_shm_close(p->worker);
        assert_int_equal(pt_shm_unlink(p->name), 0);
}

static void test_round_trip(void **state)
{
        struct pair p;
        char buf[64];

        pair_open(&p, "rt", 0);
        assert_int_equal(pt_shm_max_message(p.host), PT_SHM_RING_DEFAULT - PT_SHM_FRAME_OVERHEAD);
        assert_int_equal(pt_shm_max_recv(p.worker), PT_SHM_RING_DEFAULT - PT_SHM_FRAME_OVERHEAD);
        assert_int_equal(pt_shm_send(p.host, "ping", 4, 0), 0);
        assert_int_equal(pt_shm_recv(p.worker, buf, sizeof(buf), 0), 4);
        assert_memory_equal(buf, "ping", 4);
        assert_int_equal(pt_shm_send(p.worker, "pong!", 5, 0), 0);
        assert_int_equal(pt_shm_recv(p.host, buf, sizeof(buf), 1000), 5);
        assert_memory_equal(buf, "pong!", 5);
        /* an empty message is a message */
        assert_int_equal(pt_shm_send(p.host, NULL, 0, 0), 0);
        assert_int_equal(pt_shm_recv(p.worker, NULL, 0, 0), 0);
        assert_int_equal(pt_shm_peer_state(p.host), PT_SHM_PEER_ATTACHED);
        assert_int_equal(pt_shm_peer_state(p.worker), PT_SHM_PEER_ATTACHED);
        struct pt_shm_stats st;
        pt_shm_get_stats(p.host, &st);
        assert_int_equal(st.sent, 2);
        assert_int_equal(st.received, 1);
        assert_int_equal(st.bytes_sent, 4);
        assert_int_equal(st.late_wakeups, 0);
        pair_close(&p);
}

static void test_empty(void **state)
{
        struct pair p;
        char buf[8];

        pair_open(&p, "empty", 4096);
        assert_int_equal(pt_shm_recv(p.worker, buf, sizeof(buf), 0), -EAGAIN);
        pt_shm_set_spin(p.worker, 0);
        uint64_t t0 = mono_ns();
        assert_int_equal(pt_shm_recv(p.worker, buf, sizeof(buf), 120), -ETIMEDOUT);
        uint64_t dt = mono_ns() - t0;
        assert_true(dt >= 120000000ull);
        assert_true(dt < 2000000000ull);
        /* with spinning too */
        pt_shm_set_spin(p.host, 50000);
        assert_int_equal(pt_shm_recv(p.host, buf, sizeof(buf), 10), -ETIMEDOUT);
        pair_close(&p);
}

/* Fill a ring: exactly size / frame bytes messages fit, then -EAGAIN / -ETIMEDOUT. */
static void test_full(void **state)
{
        struct pair p;
        uint8_t msg[100], buf[100];
        unsigned n = 0;

        pair_open(&p, "full", 4096);
        unsigned fit = 4096 / pt_shm_frame_bytes(sizeof(msg));
        for (;; n++) {
                fill_pattern(msg, sizeof(msg), n);
                int r = pt_shm_send(p.host, msg, sizeof(msg), 0);
                if (r == -EAGAIN)
                        break;
                assert_int_equal(r, 0);
        }
        assert_int_equal(n, fit);
        assert_int_equal(pt_shm_send(p.host, msg, sizeof(msg), 30), -ETIMEDOUT);
        /* a small message may still fit in the tail end */
        unsigned left = 4096 - fit * pt_shm_frame_bytes(sizeof(msg));
        if (left >= PT_SHM_FRAME_OVERHEAD)
                assert_int_equal(pt_shm_send(p.host, msg, left - PT_SHM_FRAME_OVERHEAD, 0), 0);
        assert_int_equal(pt_shm_send(p.host, NULL, 0, 0), -EAGAIN);
        /* one out, one in */
        assert_int_equal(pt_shm_recv(p.worker, buf, sizeof(buf), 0), sizeof(msg));
        assert_true(check_pattern(buf, sizeof(buf), 0));
        fill_pattern(msg, sizeof(msg), n);
        assert_int_equal(pt_shm_send(p.host, msg, sizeof(msg), 0), 0);
        for (unsigned i = 1; i <= n; i++) {
                if (i == fit && left >= PT_SHM_FRAME_OVERHEAD) {
                        assert_int_equal(pt_shm_recv(p.worker, buf, sizeof(buf), 0), left - PT_SHM_FRAME_OVERHEAD);
                }
                assert_int_equal(pt_shm_recv(p.worker, buf, sizeof(buf), 0), sizeof(msg));
                assert_true(check_pattern(buf, sizeof(buf), i));
        }
        assert_int_equal(pt_shm_recv(p.worker, buf, sizeof(buf), 0), -EAGAIN);
        pair_close(&p);
}

/* Sizes that are not multiples of anything, for many laps of a small ring. */
static void test_wrap(void **state)
{
        struct pair p;
        uint8_t msg[4096], buf[4096];
        uint64_t seed = 42;

        pair_open(&p, "wrap", 4096);
        for (uint64_t i = 0; i < 20000; i++) {
                size_t len = rnd(&seed) % 1500;
                if (i % 97 == 0)
                        len = 4088; /* the whole ring, at every possible offset over time */
                fill_pattern(msg, len, i);
                assert_int_equal(pt_shm_send(p.host, msg, len, 0), 0);
                ssize_t n = pt_shm_recv(p.worker, buf, sizeof(buf), 0);
                assert_int_equal(n, len);
                assert_true(check_pattern(buf, len, i));
        }
        /* and with two or three in flight */
        for (uint64_t i = 0; i < 20000; i += 3) {
                size_t len[3];
                for (int k = 0; k < 3; k++) {
                        len[k] = rnd(&seed) % 1300;
                        fill_pattern(msg, len[k], i + k);
                        assert_int_equal(pt_shm_send(p.worker, msg, len[k], 0), 0);
                }
                for (int k = 0; k < 3; k++) {
                        assert_int_equal(pt_shm_recv(p.host, buf, sizeof(buf), 0), len[k]);
                        assert_true(check_pattern(buf, len[k], i + k));
                }
        }
        pair_close(&p);
}

/* Indices are 32-bit and wrap: start them just below 2^32 in a fresh channel. */
static void test_index_wrap(void **state)
{
        const char *name = test_name("iwrap");
        struct pt_shm *h, *w;
        uint8_t msg[1000], buf[1000];

        assert_int_equal(pt_shm_create(name, 4096, PT_SHM_HOST, &h), 0);
        pt_shm_close(h);
        int fd = shm_open(name, O_RDWR, 0);
        assert_true(fd >= 0);
        struct pt_shm_hdr *hdr = mmap(NULL, PT_SHM_HDR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        assert_true(hdr != MAP_FAILED);
        for (int r = 0; r < 2; r++)
                hdr->ring[r].head = hdr->ring[r].tail = 0xfffff000u;
        hdr->side[0].state = hdr->side[1].state = 0;
        munmap(hdr, PT_SHM_HDR_SIZE);
        close(fd);
        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &h), 0);
        assert_int_equal(pt_shm_open(name, PT_SHM_WORKER, &w), 0);
        for (uint64_t i = 0; i < 100; i++) {
                size_t len = 100 + (i * 37) % 900;
                fill_pattern(msg, len, i);
                assert_int_equal(pt_shm_send(h, msg, len, 0), 0);
                assert_int_equal(pt_shm_send(w, msg, len, 0), 0);
                assert_int_equal(pt_shm_recv(w, buf, sizeof(buf), 0), len);
                assert_true(check_pattern(buf, len, i));
                assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), 0), len);
                assert_true(check_pattern(buf, len, i));
        }
        pt_shm_close(h);
        pt_shm_close(w);
        pt_shm_unlink(name);
}

static void test_max_size(void **state)
{
        struct pair p;
        size_t max = 4096 - PT_SHM_FRAME_OVERHEAD;
        uint8_t *msg = malloc(max + 1), *buf = malloc(max + 1);

        pair_open(&p, "max", 4096);
        assert_int_equal(pt_shm_max_message(p.host), max);
        fill_pattern(msg, max + 1, 7);
        /* one byte too big: a clear error at once, whatever the timeout */
        assert_int_equal(pt_shm_send(p.host, msg, max + 1, -1), -EMSGSIZE);
        assert_int_equal(pt_shm_send(p.host, msg, SIZE_MAX, -1), -EMSGSIZE);
        /* the largest fits an empty ring exactly */
        assert_int_equal(pt_shm_send(p.host, msg, max, 0), 0);
        assert_int_equal(pt_shm_send(p.host, NULL, 0, 0), -EAGAIN);
        assert_int_equal(pt_shm_recv(p.worker, buf, max, 0), max);
        assert_memory_equal(buf, msg, max);
        /* not when anything else is queued */
        assert_int_equal(pt_shm_send(p.host, msg, 1, 0), 0);
        assert_int_equal(pt_shm_send(p.host, msg, max, 0), -EAGAIN);
        assert_int_equal(pt_shm_recv(p.worker, buf, max, 0), 1);
        /* and at an offset that wraps */
        assert_int_equal(pt_shm_send(p.host, msg, max, 0), 0);
        assert_int_equal(pt_shm_recv(p.worker, buf, max, 0), max);
        assert_memory_equal(buf, msg, max);
        pair_close(&p);
        free(msg);
        free(buf);
}

/* A receive buffer too small leaves the message queued. */
static void test_small_buffer(void **state)
{
        struct pair p;
        char buf[16];

        pair_open(&p, "small", 4096);
        assert_int_equal(pt_shm_send(p.host, "0123456789abcdefXYZ", 19, 0), 0);
        assert_int_equal(pt_shm_recv(p.worker, buf, 16, 0), -EMSGSIZE);
        assert_int_equal(pt_shm_recv(p.worker, NULL, 0, 0), -EMSGSIZE);
        char big[32];
        assert_int_equal(pt_shm_recv(p.worker, big, sizeof(big), 0), 19);
        assert_memory_equal(big, "0123456789abcdefXYZ", 19);
        pair_close(&p);
}

static void test_args(void **state)
{
        struct pt_shm *ch = NULL;
        const char *name = test_name("args");

        assert_int_equal(pt_shm_create(NULL, 0, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create("", 0, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create("/", 0, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create("a/b", 0, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create("..", 0, PT_SHM_HOST, &ch), -EINVAL);
        char longname[300];
        memset(longname, 'x', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = 0;
        assert_int_equal(pt_shm_create(longname, 0, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create(name, 4095, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create(name, 2048, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create(name, 6000, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create(name, (size_t)PT_SHM_RING_MAX * 2, PT_SHM_HOST, &ch), -EINVAL);
        assert_int_equal(pt_shm_create(name, 4096, 2, &ch), -EINVAL);
        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &ch), -ENOENT);
        assert_int_equal(pt_shm_unlink(name), -ENOENT);
        assert_int_equal(pt_shm_open_fd(-1, PT_SHM_WORKER, &ch), -EBADF);
        assert_int_equal(pt_shm_open_fd(999, PT_SHM_WORKER, &ch), -EBADF);
        int pfd[2];
        assert_int_equal(pipe(pfd), 0);
        assert_int_equal(pt_shm_open_fd(pfd[0], PT_SHM_WORKER, &ch), -EINVAL);
        close(pfd[0]);
        close(pfd[1]);
        assert_null(ch);

        /* create is exclusive; a side is taken once */
        struct pt_shm *a, *b;
        assert_int_equal(pt_shm_create(name, 8192, PT_SHM_HOST, &a), 0);
        assert_int_equal(pt_shm_create(name, 8192, PT_SHM_HOST, &b), -EEXIST);
        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &b), -EBUSY);
        assert_int_equal(pt_shm_open(name, 7, &b), -EINVAL);
        struct stat st;
        char path[128];
        snprintf(path, sizeof(path), "/dev/shm%s", name);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(st.st_size, PT_SHM_HDR_SIZE + 2 * 8192);
        pt_shm_close(a);
        /* closed: the side is free again */
        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &b), 0);
        pt_shm_close(b);
        assert_int_equal(pt_shm_unlink(name), 0);
}

/* PODSHM_FD: the worker's way in. */
static void test_env_fd(void **state)
{
        const char *name = test_name("env");
        struct pt_shm *h, *w;
        char buf[8], num[16];

        assert_int_equal(pt_shm_create(name, 4096, PT_SHM_HOST, &h), 0);
        unsetenv(PT_SHM_ENV_FD);
        assert_int_equal(pt_shm_open_env(PT_SHM_WORKER, &w), -ENOENT);
        setenv(PT_SHM_ENV_FD, "3x", 1);
        assert_int_equal(pt_shm_open_env(PT_SHM_WORKER, &w), -EINVAL);
        setenv(PT_SHM_ENV_FD, "", 1);
        assert_int_equal(pt_shm_open_env(PT_SHM_WORKER, &w), -EINVAL);
        int fd = shm_open(name, O_RDWR, 0);
        assert_true(fd >= 0);
        snprintf(num, sizeof(num), "%d", fd);
        setenv(PT_SHM_ENV_FD, num, 1);
        assert_int_equal(pt_shm_open_env(PT_SHM_WORKER, &w), 0);
        assert_true(pt_shm_fd(w) != fd);
        assert_true(fcntl(pt_shm_fd(w), F_GETFD) & FD_CLOEXEC);
        close(fd); /* the channel has its own descriptor */
        assert_int_equal(pt_shm_send(w, "hi", 2, 0), 0);
        assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), 0), 2);
        unsetenv(PT_SHM_ENV_FD);
        pt_shm_close(w);
        pt_shm_close(h);
        pt_shm_unlink(name);
}

/* pt_shm_format_fd on a memfd: a channel without a name. */
static void test_memfd(void **state)
{
        struct pt_shm *h, *w;
        char buf[8];
        int fd = memfd_create("podshm", MFD_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(pt_shm_format_fd(fd, 0), 0);
        assert_int_equal(pt_shm_open_fd(fd, PT_SHM_HOST, &h), 0);
        /* a second side through another open file description, as a child would have */
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        int fd2 = open(path, O_RDWR | O_CLOEXEC);
        assert_true(fd2 >= 0);
        assert_int_equal(pt_shm_open_fd(fd2, PT_SHM_WORKER, &w), 0);
        assert_int_equal(pt_shm_send(h, "abc", 3, 0), 0);
        assert_int_equal(pt_shm_recv(w, buf, sizeof(buf), 0), 3);
        assert_int_equal(pt_shm_format_fd(-1, 0), -EBADF);
        assert_int_equal(pt_shm_format_fd(fd, 3), -EINVAL);
        pt_shm_close(h);
        pt_shm_close(w);
        close(fd);
        close(fd2);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_empty),
                cmocka_unit_test(test_full),         cmocka_unit_test(test_wrap),
                cmocka_unit_test(test_index_wrap),   cmocka_unit_test(test_max_size),
                cmocka_unit_test(test_small_buffer), cmocka_unit_test(test_args),
                cmocka_unit_test(test_env_fd),       cmocka_unit_test(test_memfd),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
