/* SPDX-License-Identifier: MIT */
/*
 * The wait/wake protocol under stress: a host and a worker process exchange millions of
 * messages, with every wait going to the futex (no spinning), with spinning, with a random
 * spin budget per operation (so that sleeps start at every possible moment relative to the
 * peer's publish), and streaming through a small ring (senders wait for room, receivers for
 * data). Every wait is unbounded: a lost wake-up shows as a wait that only the library's poll
 * interval ended (stats.late_wakeups), or as a hang that the alarm turns into a failure.
 *
 * Built a second time against a library with the classic bug injected (the waker looks for
 * sleepers before publishing: PT_SHM_FAULT_LOST_WAKE); that binary (STRESS_EXPECT_LOST)
 * passes only if this test sees the lost wake-ups, i.e. the test can catch the bug.
 *
 * TAP output: one line per phase.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podtrace/shm.h"

#define RING 16384u

enum kind { K_PING = 1, K_STREAM, K_END_PHASE, K_DONE };

struct msg {
        uint64_t seq;
        uint32_t phase;
        uint32_t kind;
        uint64_t check;
        uint8_t payload[];
};

enum spin_mode { SPIN_NONE, SPIN_DEFAULT, SPIN_JITTER };

struct phase {
        const char *name;
        enum spin_mode spin;
        int pinned; /* host on one CPU, worker on another (when there are two) */
        int stream;
        uint64_t max;
        double seconds;
};

#ifdef STRESS_EXPECT_LOST
static const struct phase phases[] = {
        { "futex only, two CPUs, round trips", SPIN_NONE, 1, 0, 2000000, 5 },
        { "random spin, two CPUs, round trips", SPIN_JITTER, 1, 0, 1000000, 5 },
};
#else
static const struct phase phases[] = {
        /* at most 60 s in all: the futex phases usually stop at their time bound */
        { "futex only, any CPU, round trips", SPIN_NONE, 0, 0, 2000000, 18 },
        { "futex only, two CPUs, round trips", SPIN_NONE, 1, 0, 2000000, 18 },
        { "spinning, two CPUs, round trips", SPIN_DEFAULT, 1, 0, 3000000, 8 },
        { "random spin, two CPUs, round trips", SPIN_JITTER, 1, 0, 1000000, 8 },
        { "futex only, two CPUs, streaming through a full ring", SPIN_NONE, 1, 1, 2000000, 8 },
};
#endif
#define NPHASES (sizeof(phases) / sizeof(phases[0]))

static double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rnd(uint64_t *s)
{
        uint64_t x = *s;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return *s = x;
}

static uint64_t checksum(const uint8_t *p, size_t n, uint64_t seq)
{
        uint64_t h = 0xcbf29ce484222325ull ^ seq;
        for (size_t i = 0; i < n; i++)
                h = (h ^ p[i]) * 0x100000001b3ull;
        return h;
}

#define DIE(...)                                                                   \
        do {                                                                       \
                fprintf(stderr, "%s: ", who);                                      \
                fprintf(stderr, __VA_ARGS__);                                      \
                fputc('\n', stderr);                                               \
                exit(1);                                                           \
        } while (0)

static const char *who = "host";

static void set_spin(struct pt_shm *ch, enum spin_mode mode, uint64_t *seed)
{
        switch (mode) {
        case SPIN_NONE:
                pt_shm_set_spin(ch, 0);
                break;
        case SPIN_DEFAULT:
                pt_shm_set_spin(ch, 10000);
                break;
        case SPIN_JITTER:
                pt_shm_set_spin(ch, (unsigned)(rnd(seed) % 4000));
                break;
        }
}

/* Pin to CPU `cpu` of the allowed set (or allow them all again when cpu < 0). */
static void pin(int cpu)
{
        static cpu_set_t all;
        static int have_all;
        if (!have_all) {
                sched_getaffinity(0, sizeof(all), &all);
                have_all = 1;
        }
        if (cpu < 0 || CPU_COUNT(&all) < 2) {
                sched_setaffinity(0, sizeof(all), &all);
                return;
        }
        for (int c = 0, seen = 0; c < CPU_SETSIZE; c++) {
                if (!CPU_ISSET(c, &all) || seen++ != cpu)
                        continue;
                cpu_set_t one;
                CPU_ZERO(&one);
                CPU_SET(c, &one);
                sched_setaffinity(0, sizeof(one), &one);
                return;
        }
}

static void xsend(struct pt_shm *ch, const void *buf, size_t len)
{
        int r = pt_shm_send(ch, buf, len, -1);
        if (r < 0)
                DIE("send: %s", strerror(-r));
}

static size_t xrecv(struct pt_shm *ch, void *buf, size_t cap)
{
        ssize_t r = pt_shm_recv(ch, buf, cap, -1);
        if (r < 0)
                DIE("recv: %s", strerror((int)-r));
        if ((size_t)r < sizeof(struct msg))
                DIE("short message: %zd bytes", r);
        return (size_t)r;
}

static void worker(const char *name)
{
        struct pt_shm *ch;
        uint8_t buf[RING];
        struct msg *m = (struct msg *)buf;
        uint64_t expect = 0, seed = 0x5eed;
        unsigned phase = 0;

        who = "worker";
        int r = pt_shm_open(name, PT_SHM_WORKER, &ch);
        if (r < 0)
                DIE("open: %s", strerror(-r));
        pin(phases[0].pinned ? 1 : -1);
        for (;;) {
                /* after the last phase only K_DONE comes */
                enum spin_mode spin = phase < NPHASES ? phases[phase].spin : SPIN_NONE;
                set_spin(ch, spin, &seed);
                size_t n = xrecv(ch, buf, sizeof(buf));
                switch (m->kind) {
                case K_PING:
                        if (m->seq != expect++ || m->phase != phase)
                                DIE("ping %llu in phase %u, expected %llu in %u", (unsigned long long)m->seq,
                                    m->phase, (unsigned long long)expect - 1, phase);
                        set_spin(ch, spin, &seed);
                        xsend(ch, buf, n);
                        break;
                case K_STREAM:
                        if (m->seq != expect++ || m->check != checksum(m->payload, n - sizeof(*m), m->seq))
                                DIE("stream message %llu corrupt or out of order", (unsigned long long)m->seq);
                        break;
                case K_END_PHASE:
                        m->seq = expect;
                        xsend(ch, buf, sizeof(*m));
                        expect = 0;
                        phase++;
                        if (phase < NPHASES)
                                pin(phases[phase].pinned ? 1 : -1);
                        break;
                case K_DONE: {
                        struct pt_shm_stats st;
                        pt_shm_get_stats(ch, &st);
                        memcpy(m->payload, &st, sizeof(st));
                        xsend(ch, buf, sizeof(*m) + sizeof(st));
                        pt_shm_close(ch);
                        exit(0);
                }
                default:
                        DIE("unknown message kind %u", m->kind);
                }
        }
}

static char cleanup_name[64];
static pid_t main_pid;

/* a failed run (DIE) still removes the name; only the process that created it does */
static void unlink_at_exit(void)
{
        if (getpid() == main_pid)
                pt_shm_unlink(cleanup_name);
}

int main(int argc, char **argv)
{
        char name[64];
        uint8_t buf[RING];
        struct msg *m = (struct msg *)buf;
        struct pt_shm *ch;
        uint64_t seed = 0xfeed, late_total = 0;
        int failed = 0;

        snprintf(name, sizeof(name), "/podshm-stress-%d", (int)getpid());
        snprintf(cleanup_name, sizeof(cleanup_name), "%s", name);
        atexit(unlink_at_exit);
        main_pid = getpid();
        int r = pt_shm_create(name, RING, PT_SHM_HOST, &ch);
        if (r < 0)
                DIE("create: %s", strerror(-r));
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                worker(name);
        }
        /* a hang is what a lost wake-up without the poll would look like: fail, do not wait */
        alarm(170);
        printf("1..%zu\n", NPHASES + 1);
        for (unsigned p = 0; p < NPHASES; p++) {
                const struct phase *ph = &phases[p];
                struct pt_shm_stats s0, s1;
                pt_shm_get_stats(ch, &s0);
                pin(ph->pinned ? 0 : -1);
                double t0 = now_s(), deadline = t0 + ph->seconds;
                uint64_t i;
                for (i = 0; i < ph->max; i++) {
                        if (i % 1024 == 0 && now_s() > deadline)
                                break;
                        m->seq = i;
                        m->phase = p;
                        set_spin(ch, ph->spin, &seed);
                        if (ph->stream) {
                                size_t len = sizeof(*m) + rnd(&seed) % 1500;
                                for (size_t k = sizeof(*m); k < len; k++)
                                        buf[k] = (uint8_t)(i * 31 + k);
                                m->kind = K_STREAM;
                                m->check = checksum(m->payload, len - sizeof(*m), i);
                                xsend(ch, buf, len);
                                continue;
                        }
                        m->kind = K_PING;
                        memset(m->payload, (int)(i & 0xff), 64 - sizeof(*m));
                        xsend(ch, buf, 64);
                        set_spin(ch, ph->spin, &seed);
                        size_t n = xrecv(ch, buf, sizeof(buf));
                        if (n != 64 || m->kind != K_PING || m->seq != i)
                                DIE("reply %llu: wrong (len %zu, seq %llu)", (unsigned long long)i, n,
                                    (unsigned long long)m->seq);
                }
                m->kind = K_END_PHASE;
                m->phase = p;
                pt_shm_set_spin(ch, 0);
                xsend(ch, buf, sizeof(*m));
                xrecv(ch, buf, sizeof(buf));
                if (m->kind != K_END_PHASE || m->seq != i)
                        DIE("phase %u: worker counted %llu, host %llu", p, (unsigned long long)m->seq,
                            (unsigned long long)i);
                double dt = now_s() - t0;
                pt_shm_get_stats(ch, &s1);
                uint64_t late = s1.late_wakeups - s0.late_wakeups;
                late_total += late;
                printf("%s %u - %s: %llu %s in %.1f s (%.2f us each), host: %llu futex waits, %llu wakes, "
                       "%llu spin waits, %llu late wake-ups\n",
                       late ? "not ok" : "ok", p + 1, ph->name, (unsigned long long)i,
                       ph->stream ? "messages" : "round trips", dt, dt / (double)i * 1e6,
                       (unsigned long long)(s1.futex_waits - s0.futex_waits),
                       (unsigned long long)(s1.futex_wakes - s0.futex_wakes),
                       (unsigned long long)(s1.spin_waits - s0.spin_waits), (unsigned long long)late);
                fflush(stdout);
                if (ph->spin == SPIN_NONE && s1.futex_waits == s0.futex_waits)
                        DIE("phase %u never slept on the futex", p);
        }
        m->kind = K_DONE;
        xsend(ch, buf, sizeof(*m));
        size_t n = xrecv(ch, buf, sizeof(buf));
        struct pt_shm_stats ws;
        if (n != sizeof(*m) + sizeof(ws))
                DIE("worker stats: %zu bytes", n);
        memcpy(&ws, m->payload, sizeof(ws));
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                failed = 1;
        late_total += ws.late_wakeups;
        printf("%s %zu - worker: %llu received, %llu futex waits, %llu wakes, %llu late wake-ups; exit %d\n",
               ws.late_wakeups || failed ? "not ok" : "ok", NPHASES + 1, (unsigned long long)ws.received,
               (unsigned long long)ws.futex_waits, (unsigned long long)ws.futex_wakes,
               (unsigned long long)ws.late_wakeups, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        pt_shm_close(ch);
        pt_shm_unlink(name);
#ifdef STRESS_EXPECT_LOST
        printf("# injected bug: %llu late wake-ups seen (this binary passes when that is > 0)\n",
               (unsigned long long)late_total);
        return late_total > 0 && !failed ? 0 : 1;
#else
        return late_total || failed ? 1 : 0;
#endif
}
