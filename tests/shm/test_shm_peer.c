/* SPDX-License-Identifier: MIT */
/*
 * The other side goes away: killed while we wait to receive or to send (either side being
 * the survivor), closed gracefully with messages still queued, never attached, or replaced
 * by a new process. The survivor must get -EPIPE promptly — never hang — and what was sent
 * before a close must still arrive.
 */
#include "shm_test.h"

#include <sys/time.h>

#include "shm/layout.h"

#define RING 4096u

/* Poll interval of the library (PT_SHM_POLL_MS) plus generous scheduling slack. */
#define DEATH_NOTICED_S 2.0

static const char *make(const char *what)
{
        const char *name = test_name(what);
        struct pt_shm *ch;
        uint32_t zero = 0;

        /* created, then left with no side attached: both state words NONE again */
        assert_int_equal(pt_shm_create(name, RING, PT_SHM_HOST, &ch), 0);
        pt_shm_close(ch);
        int f = shm_open(name, O_RDWR, 0);
        assert_true(f >= 0);
        for (int side = 0; side < 2; side++)
                assert_int_equal(pwrite(f, &zero, 4, (off_t)offsetof(struct pt_shm_hdr, side[side].state)), 4);
        close(f);
        return name;
}

struct death_case {
        enum pt_shm_side survivor;
        bool survivor_sends; /* blocked in send on a full ring, else in recv on an empty one */
};

/*
 * The survivor runs in a child too (so that either side can be the survivor), blocks with
 * no timeout, and must come back with -EPIPE once the peer is SIGKILLed.
 */
static void death(const struct death_case *dc)
{
        const char *name = make("death");
        int pfd[2];
        assert_int_equal(pipe(pfd), 0);
        enum pt_shm_side other = dc->survivor == PT_SHM_HOST ? PT_SHM_WORKER : PT_SHM_HOST;

        pid_t victim = fork_child();
        if (victim == 0) {
                struct pt_shm *ch;
                CHILD_CHECK(pt_shm_open(name, other, &ch) == 0, "open");
                CHILD_CHECK(write(pfd[1], "v", 1) == 1, "ready");
                for (;;)
                        pause();
        }
        char c;
        assert_int_equal(read(pfd[0], &c, 1), 1);

        pid_t survivor = fork_child();
        if (survivor == 0) {
                struct pt_shm *ch;
                char buf[64];
                CHILD_CHECK(pt_shm_open(name, dc->survivor, &ch) == 0, "open");
                pt_shm_set_spin(ch, 0);
                if (dc->survivor_sends)
                        while (pt_shm_send(ch, "fill", 4, 0) == 0)
                                ;
                CHILD_CHECK(pt_shm_peer_state(ch) == PT_SHM_PEER_ATTACHED, "peer attached");
                CHILD_CHECK(write(pfd[1], "s", 1) == 1, "ready");
                double t0 = mono_s();
                long r = dc->survivor_sends ? pt_shm_send(ch, "more", 4, -1) : pt_shm_recv(ch, buf, sizeof(buf), -1);
                double dt = mono_s() - t0;
                CHILD_CHECK(r == -EPIPE, "got %ld", r);
                CHILD_CHECK(pt_shm_peer_state(ch) == PT_SHM_PEER_DEAD, "dead");
                /* and it stays an error, at once */
                CHILD_CHECK(pt_shm_recv(ch, buf, sizeof(buf), -1) == -EPIPE, "recv after");
                CHILD_CHECK(pt_shm_send(ch, "x", 1, 0) == -EPIPE, "send after");
                fprintf(stderr, "survivor %s noticed in %.0f ms\n", dc->survivor ? "worker" : "host", dt * 1e3);
                pt_shm_close(ch);
                _exit(0);
        }
        assert_int_equal(read(pfd[0], &c, 1), 1);
        /* let it block */
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
        kill(victim, SIGKILL);
        waitpid(victim, NULL, 0);
        assert_child_ok(survivor, DEATH_NOTICED_S + 5);
        close(pfd[0]);
        close(pfd[1]);
        pt_shm_unlink(name);
}

static void test_worker_dies_host_recv(void **state)
{
        struct death_case dc = { PT_SHM_HOST, false };
        death(&dc);
}

static void test_worker_dies_host_send(void **state)
{
        struct death_case dc = { PT_SHM_HOST, true };
        death(&dc);
}

static void test_host_dies_worker_recv(void **state)
{
        struct death_case dc = { PT_SHM_WORKER, false };
        death(&dc);
}

static void test_host_dies_worker_send(void **state)
{
        struct death_case dc = { PT_SHM_WORKER, true };
        death(&dc);
}

/* A peer that dies with messages queued: they are delivered, then -EPIPE. */
static void test_death_drains(void **state)
{
        const char *name = make("drain");
        struct pt_shm *h;
        char buf[16];

        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &h), 0);
        pid_t pid = fork_child();
        if (pid == 0) {
                struct pt_shm *w;
                CHILD_CHECK(pt_shm_open(name, PT_SHM_WORKER, &w) == 0, "open");
                for (int i = 0; i < 3; i++)
                        CHILD_CHECK(pt_shm_send(w, "m", 1, 0) == 0, "send");
                raise(SIGKILL);
        }
        waitpid(pid, NULL, 0);
        for (int i = 0; i < 3; i++)
                assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), -1), 1);
        assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), -1), -EPIPE);
        assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), 0), -EPIPE);
        assert_int_equal(pt_shm_peer_state(h), PT_SHM_PEER_DEAD);
        pt_shm_close(h);
        pt_shm_unlink(name);
}

/*
 * A graceful close wakes a blocked receiver or sender at once, not at the next 50 ms poll:
 * the peer notes when it closes (in shared anonymous memory) and the survivor's wait must end
 * within a few milliseconds of that, three times over at different phases of the poll.
 */
static void close_wakes(bool sender)
{
        double *closed_at = mmap(NULL, sizeof(double), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        static const long delay_ms[] = { 120, 155, 190 };
        char buf[16];

        assert_true(closed_at != MAP_FAILED);
        for (unsigned round = 0; round < 3; round++) {
                const char *name = make("close");
                struct pt_shm *h;
                assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &h), 0);
                pt_shm_set_spin(h, 0);
                if (sender)
                        while (pt_shm_send(h, "fill", 4, 0) == 0)
                                ;
                pid_t pid = fork_child();
                if (pid == 0) {
                        struct pt_shm *w;
                        CHILD_CHECK(pt_shm_open(name, PT_SHM_WORKER, &w) == 0, "open");
                        if (!sender)
                                CHILD_CHECK(pt_shm_send(w, "last words", 10, 0) == 0, "send");
                        struct timespec ts = { 0, delay_ms[round] * 1000000 };
                        nanosleep(&ts, NULL);
                        *closed_at = mono_s();
                        pt_shm_close(w);
                        for (;;)
                                pause(); /* still alive: only the close tells */
                }
                if (sender) {
                        assert_int_equal(pt_shm_send(h, "more", 4, -1), -EPIPE);
                } else {
                        assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), -1), 10);
                        assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), -1), -EPIPE);
                }
                double lat = mono_s() - *closed_at;
                print_message("%s: close noticed %.2f ms after it happened\n", sender ? "sender" : "receiver",
                              lat * 1e3);
                assert_true(lat >= 0 && lat < 0.010);
                assert_int_equal(pt_shm_peer_state(h), PT_SHM_PEER_CLOSED);
                assert_int_equal(pt_shm_send(h, "x", 1, 0), -EPIPE);
                struct pt_shm_stats st;
                pt_shm_get_stats(h, &st);
                assert_int_equal(st.late_wakeups, 0);
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                pt_shm_close(h);
                pt_shm_unlink(name);
        }
        munmap(closed_at, sizeof(double));
}

static void test_close_wakes(void **state)
{
        close_wakes(false);
}

static void test_close_wakes_sender(void **state)
{
        close_wakes(true);
}

/* Nobody attached yet: a receive waits (it is not a dead peer) until its timeout. */
static void test_never_attached(void **state)
{
        const char *name = make("never");
        struct pt_shm *h;
        char buf[16];

        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &h), 0);
        assert_int_equal(pt_shm_peer_state(h), PT_SHM_PEER_NONE);
        assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), 0), -EAGAIN);
        assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), 150), -ETIMEDOUT);
        /* sending ahead of the worker is fine: it is queued */
        assert_int_equal(pt_shm_send(h, "early", 5, 0), 0);
        pt_shm_close(h);
        pt_shm_unlink(name);
}

/* A new worker after the first one closed (or died): the channel works again. */
static void test_new_worker(void **state)
{
        const char *name = make("again");
        struct pt_shm *h, *w;
        char buf[16];

        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &h), 0);
        for (int round = 0; round < 3; round++) {
                pid_t pid = fork_child();
                if (pid == 0) {
                        CHILD_CHECK(pt_shm_open(name, PT_SHM_WORKER, &w) == 0, "open %d", round);
                        char b[16];
                        CHILD_CHECK(pt_shm_recv(w, b, sizeof(b), 5000) == 4, "recv");
                        CHILD_CHECK(pt_shm_send(w, b, 4, 0) == 0, "send");
                        if (round == 1)
                                raise(SIGKILL); /* dies instead of closing */
                        pt_shm_close(w);
                        _exit(0);
                }
                /* a closed or dead peer refuses sends until a new one attaches */
                double end = mono_s() + 5;
                while (pt_shm_peer_state(h) != PT_SHM_PEER_ATTACHED && mono_s() < end)
                        usleep(1000);
                assert_int_equal(pt_shm_send(h, "ping", 4, 0), 0);
                assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), 5000), 4);
                assert_memory_equal(buf, "ping", 4);
                assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), 5000), -EPIPE);
                waitpid(pid, NULL, 0);
        }
        pt_shm_close(h);
        pt_shm_unlink(name);
}

static void on_alarm(int sig)
{
}

/* A signal handler interrupts an endless wait with -EINTR (the caller decides). */
static void test_eintr(void **state)
{
        const char *name = make("eintr");
        struct pt_shm *h, *w;
        char buf[16];

        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &h), 0);
        assert_int_equal(pt_shm_open(name, PT_SHM_WORKER, &w), 0);
        pt_shm_set_spin(h, 0);
        struct sigaction sa = { .sa_handler = on_alarm };
        sigaction(SIGALRM, &sa, NULL);
        /* Repeating: an alarm that lands between two sleeps (the liveness check) is not seen,
         * which on a loaded machine happened once; the next one finds it asleep. */
        struct itimerval it = { .it_value = { 0, 100000 }, .it_interval = { 0, 100000 } };
        setitimer(ITIMER_REAL, &it, NULL);
        assert_int_equal(pt_shm_recv(h, buf, sizeof(buf), -1), -EINTR);
        struct itimerval off = { 0 };
        setitimer(ITIMER_REAL, &off, NULL);
        signal(SIGALRM, SIG_DFL);
        pt_shm_close(w);
        pt_shm_close(h);
        pt_shm_unlink(name);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_worker_dies_host_recv), cmocka_unit_test(test_worker_dies_host_send),
                cmocka_unit_test(test_host_dies_worker_recv), cmocka_unit_test(test_host_dies_worker_send),
                cmocka_unit_test(test_death_drains),          cmocka_unit_test(test_close_wakes),
                cmocka_unit_test(test_close_wakes_sender),    cmocka_unit_test(test_never_attached),
                cmocka_unit_test(test_new_worker),            cmocka_unit_test(test_eintr),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
