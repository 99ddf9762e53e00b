/* SPDX-License-Identifier: MIT */
/*
 * A corrupt or hostile shared mapping: wrong identity and sizes at open, indices and lengths
 * out of range while running, a file truncated under a mapped channel (the SIGBUS guard), a
 * peer that rewrites the futex words, and a peer that keeps rewriting everything while the
 * other side works. Every case must end in an error code (-EPROTO and friends): no crash,
 * no hang, no read outside the mapping.
 */
#include "shm_test.h"

#include <sys/resource.h>

#include "shm/layout.h"

#define RING 4096u
#define TOTAL (PT_SHM_HDR_SIZE + 2 * RING)

struct chan {
        const char *name;
        struct pt_shm *host, *worker;
        int fd;                 /* the "hostile" view: the file itself */
        struct pt_shm_hdr *hdr; /* mapped from fd */
};

static void chan_open(struct chan *c, const char *what, bool with_worker)
{
        c->name = test_name(what);
        assert_int_equal(pt_shm_create(c->name, RING, PT_SHM_HOST, &c->host), 0);
        c->worker = NULL;
        if (with_worker)
                assert_int_equal(pt_shm_open(c->name, PT_SHM_WORKER, &c->worker), 0);
        c->fd = shm_open(c->name, O_RDWR, 0);
        assert_true(c->fd >= 0);
        c->hdr = mmap(NULL, TOTAL, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
        assert_true(c->hdr != MAP_FAILED);
}

static void chan_close(struct chan *c)
{
        pt_shm_close(c->host);
        pt_shm_close(c->worker);
        munmap(c->hdr, TOTAL);
        close(c->fd);
        pt_shm_unlink(c->name);
}

static uint8_t *ring_data(struct chan *c, int r)
{
        return (uint8_t *)c->hdr + PT_SHM_HDR_SIZE + (size_t)r * RING;
}

/* Open a fresh channel after `poke` changed its header (with no side attached). */
static int open_after(void (*poke)(struct pt_shm_hdr *h, int fd), const char *what)
{
        struct chan c;
        struct pt_shm *ch = NULL;

        chan_open(&c, what, false);
        pt_shm_close(c.host);
        c.host = NULL;
        poke(c.hdr, c.fd);
        int r = pt_shm_open(c.name, PT_SHM_HOST, &ch);
        if (r == 0)
                pt_shm_close(ch);
        /* the same through a descriptor */
        int r2 = pt_shm_open_fd(c.fd, PT_SHM_WORKER, &ch);
        if (r2 == 0)
                pt_shm_close(ch);
        assert_int_equal(r, r2);
        chan_close(&c);
        return r;
}

static void p_magic(struct pt_shm_hdr *h, int fd) { h->magic ^= 1; }
static void p_version(struct pt_shm_hdr *h, int fd) { h->version = 2; }
static void p_version0(struct pt_shm_hdr *h, int fd) { h->version = 0; }
static void p_hdr_size(struct pt_shm_hdr *h, int fd) { h->hdr_size = 8192; }
static void p_flags(struct pt_shm_hdr *h, int fd) { h->flags = 1; }
static void p_ring_npot(struct pt_shm_hdr *h, int fd) { h->ring_size[0] = 4096 + 8; }
static void p_ring_small(struct pt_shm_hdr *h, int fd) { h->ring_size[1] = 2048; }
static void p_ring_zero(struct pt_shm_hdr *h, int fd) { h->ring_size[0] = 0; }
static void p_ring_huge(struct pt_shm_hdr *h, int fd)
{
        h->ring_size[0] = 1ull << 40;
        h->ring_offset[1] = PT_SHM_HDR_SIZE + (1ull << 40);
        h->total_size = PT_SHM_HDR_SIZE + (1ull << 40) + RING;
}
static void p_ring_bigger(struct pt_shm_hdr *h, int fd)
{
        /* consistent, but claims more than the file holds */
        h->ring_size[1] = 8192;
        h->total_size = PT_SHM_HDR_SIZE + RING + 8192;
}
static void p_offset(struct pt_shm_hdr *h, int fd) { h->ring_offset[1] = 0; }
static void p_offset_overlap(struct pt_shm_hdr *h, int fd) { h->ring_offset[1] = PT_SHM_HDR_SIZE; }
static void p_total(struct pt_shm_hdr *h, int fd) { h->total_size = 1; }
static void p_short_file(struct pt_shm_hdr *h, int fd) { assert_int_equal(ftruncate(fd, TOTAL - 1), 0); }
static void p_tiny_file(struct pt_shm_hdr *h, int fd) { assert_int_equal(ftruncate(fd, 100), 0); }
static void p_empty_file(struct pt_shm_hdr *h, int fd) { assert_int_equal(ftruncate(fd, 0), 0); }
static void p_head_far(struct pt_shm_hdr *h, int fd) { h->ring[0].head = RING + 8; }
static void p_head_behind(struct pt_shm_hdr *h, int fd) { h->ring[1].tail = 64; }
static void p_head_odd(struct pt_shm_hdr *h, int fd) { h->ring[1].head = 4; h->ring[1].tail = 0; }
static void p_tail_odd(struct pt_shm_hdr *h, int fd) { h->ring[0].head = 16; h->ring[0].tail = 3; }
static void p_garbage_state(struct pt_shm_hdr *h, int fd)
{
        h->side[0].state = 0xdeadbeef;
        h->side[1].state = 7;
        h->ring[0].data_waiting = 99;
}

static void test_bad_identity(void **state)
{
        assert_int_equal(open_after(p_magic, "magic"), -EPROTO);
        assert_int_equal(open_after(p_version, "ver"), -EPROTONOSUPPORT);
        assert_int_equal(open_after(p_version0, "ver0"), -EPROTONOSUPPORT);
        assert_int_equal(open_after(p_hdr_size, "hsize"), -EPROTO);
        assert_int_equal(open_after(p_flags, "flags"), -EPROTO);
}

static void test_bad_sizes(void **state)
{
        assert_int_equal(open_after(p_ring_npot, "npot"), -EPROTO);
        assert_int_equal(open_after(p_ring_small, "small"), -EPROTO);
        assert_int_equal(open_after(p_ring_zero, "zero"), -EPROTO);
        assert_int_equal(open_after(p_ring_huge, "huge"), -EPROTO);
        assert_int_equal(open_after(p_ring_bigger, "bigger"), -EPROTO);
        assert_int_equal(open_after(p_offset, "off"), -EPROTO);
        assert_int_equal(open_after(p_offset_overlap, "overlap"), -EPROTO);
        assert_int_equal(open_after(p_total, "total"), -EPROTO);
        assert_int_equal(open_after(p_short_file, "short"), -EPROTO);
        assert_int_equal(open_after(p_tiny_file, "tiny"), -EPROTO);
        assert_int_equal(open_after(p_empty_file, "emptyf"), -EPROTO);
}

static void test_bad_indices_at_open(void **state)
{
        assert_int_equal(open_after(p_head_far, "hfar"), -EPROTO);
        assert_int_equal(open_after(p_head_behind, "hbehind"), -EPROTO);
        assert_int_equal(open_after(p_head_odd, "hodd"), -EPROTO);
        assert_int_equal(open_after(p_tail_odd, "todd"), -EPROTO);
        /* advisory words may hold anything: the channel still opens */
        assert_int_equal(open_after(p_garbage_state, "state"), 0);
}

/* Once broken, always broken: every later call says so too. */
static void assert_broken(struct pt_shm *ch)
{
        char buf[16];
        assert_int_equal(pt_shm_send(ch, "x", 1, 0), -EPROTO);
        assert_int_equal(pt_shm_recv(ch, buf, sizeof(buf), -1), -EPROTO);
        assert_int_equal(pt_shm_send(ch, "x", 1, -1), -EPROTO);
}

/* The worker side runs ahead of its own ring: head beyond tail + size. */
static void test_runtime_head(void **state)
{
        static const uint32_t heads[] = { RING + 8, 4, 0xfffffff8u, RING * 4 };
        char buf[RING];

        for (unsigned i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
                struct chan c;
                chan_open(&c, "rhead", true);
                assert_int_equal(pt_shm_send(c.worker, "ok", 2, 0), 0);
                assert_int_equal(pt_shm_recv(c.host, buf, sizeof(buf), 0), 2);
                __atomic_store_n(&c.hdr->ring[1].head, 16 + heads[i], __ATOMIC_RELEASE);
                assert_int_equal(pt_shm_recv(c.host, buf, sizeof(buf), 0), -EPROTO);
                assert_broken(c.host);
                chan_close(&c);
        }
}

/* Frames that lie: length too big for the ring, for what was published, or a bad check. */
static void test_runtime_frames(void **state)
{
        char buf[RING];
        struct {
                uint32_t len, check;
        } bad[] = {
                { RING, RING ^ PT_SHM_FRAME_KEY },               /* longer than the ring holds */
                { 0xffffffffu, 0xffffffffu ^ PT_SHM_FRAME_KEY }, /* overflows when padded */
                { 17, 17 ^ PT_SHM_FRAME_KEY },                   /* longer than published (16) */
                { 8, 8 },                                        /* check word wrong */
                { 8, 8 ^ PT_SHM_FRAME_KEY ^ 1 },
        };

        for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct chan c;
                chan_open(&c, "frame", true);
                /* the worker publishes an 8-byte message: 16 bytes in the ring */
                assert_int_equal(pt_shm_send(c.worker, "12345678", 8, 0), 0);
                uint32_t *f = (uint32_t *)ring_data(&c, 1);
                f[0] = bad[i].len;
                f[1] = bad[i].check;
                assert_int_equal(pt_shm_recv(c.host, buf, sizeof(buf), 0), -EPROTO);
                assert_broken(c.host);
                chan_close(&c);
        }
        /* a frame whose padded length overruns: len 9 needs 24 bytes, 16 were published */
        struct chan c;
        chan_open(&c, "frame9", true);
        assert_int_equal(pt_shm_send(c.worker, "12345678", 8, 0), 0);
        uint32_t *f = (uint32_t *)ring_data(&c, 1);
        f[0] = 9;
        f[1] = 9 ^ PT_SHM_FRAME_KEY;
        assert_int_equal(pt_shm_recv(c.host, buf, sizeof(buf), 0), -EPROTO);
        chan_close(&c);
}

/* The consumer's tail running past our head, or misaligned. */
static void test_runtime_tail(void **state)
{
        static const uint32_t tails[] = { 8, 3, 0x80000000u };
        uint8_t msg[500];

        for (unsigned i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
                struct chan c;
                chan_open(&c, "rtail", true);
                unsigned n = 0;
                while (pt_shm_send(c.host, msg, sizeof(msg), 0) == 0)
                        n++;
                assert_true(n > 0);
                uint32_t head = __atomic_load_n(&c.hdr->ring[0].head, __ATOMIC_ACQUIRE);
                __atomic_store_n(&c.hdr->ring[0].tail, head + tails[i], __ATOMIC_RELEASE);
                assert_int_equal(pt_shm_send(c.host, msg, sizeof(msg), 0), -EPROTO);
                assert_broken(c.host);
                chan_close(&c);
        }
}

/* The peer shrinks the file under the mapping: a SIGBUS in the library, caught. */
static void test_truncated(void **state)
{
        static const off_t sizes[] = { 0, PT_SHM_HDR_SIZE, PT_SHM_HDR_SIZE + RING };
        char buf[RING];

        for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
                struct chan c;
                chan_open(&c, "trunc", true);
                assert_int_equal(pt_shm_send(c.worker, "hello", 5, 0), 0);
                assert_int_equal(ftruncate(c.fd, sizes[i]), 0);
                /* host reads ring 1 and writes ring 0: whichever part is gone faults */
                ssize_t r = pt_shm_recv(c.host, buf, sizeof(buf), 0);
                assert_true(r == -EPROTO || r == 5);
                int s = pt_shm_send(c.host, buf, 100, 0);
                assert_true(s == -EPROTO || s == 0);
                if (sizes[i] < PT_SHM_HDR_SIZE + RING) /* ring 0 is gone: the send faulted */
                        assert_int_equal(s, -EPROTO);
                r = pt_shm_recv(c.host, buf, sizeof(buf), 50);
                assert_true(r == -EPROTO);
                assert_int_equal(pt_shm_peer_state(c.host), PT_SHM_PEER_DEAD);
                /* the worker's mapping too */
                assert_int_equal(pt_shm_send(c.worker, "x", 1, 0), -EPROTO);
                /* the descriptor is gone from the guard: closing does not touch the memory */
                chan_close(&c);
        }
}

/* A SIGBUS elsewhere still kills the process (the guard chains to the default action). */
static void test_guard_chains(void **state)
{
        struct chan c;

        chan_open(&c, "chain", false);
        pid_t pid = fork_child();
        if (pid == 0) {
                /* cmocka catches SIGBUS in tests: start from the default action, then guard */
                struct pt_shm *w;
                signal(SIGBUS, SIG_DFL);
                CHILD_CHECK(pt_shm_open(c.name, PT_SHM_WORKER, &w) == 0, "open");
                int fd = memfd_create("x", 0);
                ftruncate(fd, 4096);
                volatile char *p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
                (void)p[4096]; /* past the end of the file: SIGBUS */
                _exit(0);
        }
        int st = wait_child(pid, 10);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), SIGBUS);
        chan_close(&c);
}

/*
 * A peer that keeps changing the futex word we sleep on (and clearing our waiting flag):
 * the wait still ends at its timeout, without burning a CPU.
 */
static void test_futex_flood(void **state)
{
        struct chan c;
        char buf[16];

        chan_open(&c, "flood", true); /* the worker handle keeps the peer alive */
        pid_t pid = fork_child();
        if (pid == 0) {
                for (;;) {
                        __atomic_fetch_add(&c.hdr->ring[1].data_seq, 1, __ATOMIC_SEQ_CST);
                        __atomic_store_n(&c.hdr->ring[1].data_waiting, 0, __ATOMIC_SEQ_CST);
                }
        }
        pt_shm_set_spin(c.host, 0);
        struct rusage r0, r1;
        getrusage(RUSAGE_SELF, &r0);
        uint64_t t0 = mono_ns();
        assert_int_equal(pt_shm_recv(c.host, buf, sizeof(buf), 400), -ETIMEDOUT);
        uint64_t dt = mono_ns() - t0;
        getrusage(RUSAGE_SELF, &r1);
        double cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
                     (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) /
                             1e6;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        assert_true(dt >= 400000000ull && dt < 3000000000ull);
        print_message("futex flood: waited %.0f ms, %.0f ms of CPU\n", (double)dt / 1e6, cpu * 1e3);
        assert_true(cpu < 0.5 * (double)dt / 1e9);
        chan_close(&c);
}

/*
 * A peer that hides the wake-up (keeps our waiting flag at 0): the message still arrives,
 * at the next poll of the slice, and counts as a late wake-up.
 */
static void test_hidden_wakeup(void **state)
{
        struct chan c;
        char buf[16];

        chan_open(&c, "hidden", true);
        pid_t pid = fork_child();
        if (pid == 0) {
                uint64_t end = mono_ns() + 200000000ull;
                while (mono_ns() < end)
                        __atomic_store_n(&c.hdr->ring[1].data_waiting, 0, __ATOMIC_SEQ_CST);
                /* write a message by hand, no wake-up */
                uint32_t *f = (uint32_t *)ring_data(&c, 1);
                f[0] = 3;
                f[1] = 3 ^ PT_SHM_FRAME_KEY;
                memcpy(f + 2, "abc", 3);
                __atomic_store_n(&c.hdr->ring[1].head, 16, __ATOMIC_RELEASE);
                _exit(0);
        }
        pt_shm_set_spin(c.host, 0);
        uint64_t t0 = mono_ns();
        assert_int_equal(pt_shm_recv(c.host, buf, sizeof(buf), 5000), 3);
        uint64_t dt = mono_ns() - t0;
        assert_child_ok(pid, 10);
        assert_true(dt < 1000000000ull);
        struct pt_shm_stats st;
        pt_shm_get_stats(c.host, &st);
        assert_int_equal(st.late_wakeups, 1);
        chan_close(&c);
}

static bool ok_send(int r)
{
        return r == 0 || r == -EAGAIN || r == -ETIMEDOUT || r == -EPIPE || r == -EPROTO;
}

static bool ok_recv(ssize_t r, size_t cap)
{
        return (r >= 0 && (size_t)r <= cap) || r == -EAGAIN || r == -ETIMEDOUT || r == -EPIPE || r == -EPROTO;
}

static void repair(struct pt_shm_hdr *h)
{
        h->version = PT_SHM_LAYOUT_VERSION;
        h->hdr_size = PT_SHM_HDR_SIZE;
        h->flags = 0;
        h->total_size = TOTAL;
        h->ring_size[0] = h->ring_size[1] = RING;
        h->ring_offset[0] = PT_SHM_HDR_SIZE;
        h->ring_offset[1] = PT_SHM_HDR_SIZE + RING;
        h->magic = PT_SHM_MAGIC;
        for (int r = 0; r < 2; r++)
                h->ring[r].head = h->ring[r].tail = 0;
}

/*
 * The hostile worker: for a while, rewrite the mapping at random — all of it, or only the
 * control words with plausible values (aligned indices near the real ones, frame headers
 * with small lengths) — while the host keeps sending and receiving. The host re-opens the
 * channel whenever it is broken. Nothing may crash, hang, or return an unexpected code.
 */
static void hostile_run(unsigned mode, double seconds)
{
        struct chan c;
        uint8_t msg[RING], buf[RING];
        uint64_t seed = 0x1234567ull + mode;

        chan_open(&c, "hostile", false);
        pid_t pid = fork_child();
        if (pid == 0) {
                uint8_t *base = (uint8_t *)c.hdr;
                uint64_t s = seed * 7 + 1;
                for (unsigned n = 1;; n++) {
                        uint64_t x = rnd(&s);
                        if (mode != 1 && n % 16 == 0) {
                                /* leave the host a chance to re-open between bursts */
                                struct timespec ts = { 0, 20000 };
                                nanosleep(&ts, NULL);
                        }
                        uint32_t v = (uint32_t)(x >> 32);
                        switch (mode) {
                        case 0: /* any byte anywhere */
                                base[x % TOTAL] = (uint8_t)v;
                                break;
                        case 1: { /* control words, plausible values */
                                struct pt_shm_ring_ctl *r = &c.hdr->ring[x & 1];
                                uint32_t near = __atomic_load_n(&r->tail, __ATOMIC_RELAXED) + (v % 600) * 8;
                                switch ((x >> 1) % 8) {
                                case 0: __atomic_store_n(&r->head, near, __ATOMIC_RELEASE); break;
                                case 1: __atomic_store_n(&r->tail, near - RING, __ATOMIC_RELEASE); break;
                                case 2: __atomic_fetch_add(&r->data_seq, 1, __ATOMIC_SEQ_CST); break;
                                case 3: __atomic_store_n(&r->space_waiting, v & 1, __ATOMIC_RELAXED); break;
                                case 4: __atomic_store_n(&c.hdr->side[x & 1].state, v % 4, __ATOMIC_SEQ_CST); break;
                                default: { /* a frame header somewhere in a ring */
                                        uint32_t *f = (uint32_t *)(ring_data(&c, (int)(x & 1)) + (v % (RING / 8)) * 8);
                                        uint32_t len = (uint32_t)(x >> 40) % (RING + 64);
                                        f[0] = len;
                                        f[1] = (x & 0x100) ? len : len ^ PT_SHM_FRAME_KEY;
                                }
                                }
                                break;
                        }
                        default: /* header page words */
                                ((uint32_t *)base)[x % (PT_SHM_HDR_SIZE / 4)] = v;
                                break;
                        }
                }
        }
        double end = mono_s() + seconds;
        unsigned ops = 0, broken = 0, reopen_fail = 0;
        pt_shm_set_spin(c.host, 0);
        while (mono_s() < end) {
                uint64_t x = rnd(&seed);
                if (!c.host) {
                        int r = pt_shm_open(c.name, PT_SHM_HOST, &c.host);
                        assert_true(r == 0 || r == -EPROTO || r == -EPROTONOSUPPORT || r == -EBUSY);
                        if (r < 0) {
                                /* the identity was hit: repair it, as a fresh header would be */
                                c.host = NULL;
                                reopen_fail++;
                                repair(c.hdr);
                                continue;
                        }
                }
                int timeout = (x & 7) ? 0 : 1 + (int)((x >> 3) % 2);
                if (x & 4) {
                        size_t len = (x >> 8) % (pt_shm_max_message(c.host) + 1);
                        assert_true(ok_send(pt_shm_send(c.host, msg, len, timeout)));
                } else {
                        ssize_t r = pt_shm_recv(c.host, buf, sizeof(buf), timeout);
                        assert_true(ok_recv(r, sizeof(buf)));
                }
                int ps = pt_shm_peer_state(c.host);
                assert_true(ps >= PT_SHM_PEER_NONE && ps <= PT_SHM_PEER_DEAD);
                ops++;
                char probe[1];
                if (pt_shm_recv(c.host, probe, 0, 0) == -EPROTO) {
                        broken++;
                        pt_shm_close(c.host);
                        c.host = NULL;
                }
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        print_message("hostile mode %u: %u operations, %u times broken, %u re-opens refused\n", mode, ops, broken,
                      reopen_fail);
        assert_true(ops > 100);
        chan_close(&c);
}

static void test_hostile_bytes(void **state)
{
        hostile_run(0, 1.5);
}

static void test_hostile_control(void **state)
{
        hostile_run(1, 1.5);
}

static void test_hostile_header(void **state)
{
        hostile_run(2, 1.5);
}

int main(void)
{
        alarm(120); /* a hang is a failure */
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bad_identity),    cmocka_unit_test(test_bad_sizes),
                cmocka_unit_test(test_bad_indices_at_open), cmocka_unit_test(test_runtime_head),
                cmocka_unit_test(test_runtime_frames),  cmocka_unit_test(test_runtime_tail),
                cmocka_unit_test(test_truncated),       cmocka_unit_test(test_guard_chains),
                cmocka_unit_test(test_futex_flood),     cmocka_unit_test(test_hidden_wakeup),
                cmocka_unit_test(test_hostile_bytes),   cmocka_unit_test(test_hostile_control),
                cmocka_unit_test(test_hostile_header),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
