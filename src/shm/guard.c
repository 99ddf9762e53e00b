/* SPDX-License-Identifier: MIT */
/*
 * The SIGBUS guard (guard.h). The handler only reads the slot table with atomic loads and
 * makes one mmap() call, both async-signal-safe; registration is serialised by a mutex that
 * the handler never takes.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "shm/guard.h"
#include "shm/shm_internal.h"

#define GUARD_SLOTS 256

struct guard_slot {
        uintptr_t start; /* 0: free */
        uintptr_t end;
        uint32_t lost;
};

static struct guard_slot slots[GUARD_SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous;
static bool installed;

static void chain(int sig, siginfo_t *si, void *uc)
{
        if (previous.sa_flags & SA_SIGINFO) {
                previous.sa_sigaction(sig, si, uc);
                return;
        }
        if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
                previous.sa_handler(sig);
                return;
        }
        /*
         * Default action: restore it. A fault re-executes the access on return and dies of
         * it; a SIGBUS sent by kill() does not repeat, so send it again.
         */
        signal(SIGBUS, SIG_DFL);
        if (si->si_code <= 0)
                raise(SIGBUS);
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
        uintptr_t a = (uintptr_t)si->si_addr;

        if (si->si_code > 0) {
                for (unsigned i = 0; i < GUARD_SLOTS; i++) {
                        uintptr_t s = __atomic_load_n(&slots[i].start, __ATOMIC_ACQUIRE);
                        uintptr_t e = __atomic_load_n(&slots[i].end, __ATOMIC_RELAXED);
                        if (!s || a < s || a >= e)
                                continue;
                        int saved = errno;
                        void *p = mmap((void *)s, e - s, PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
                        errno = saved;
                        if (p == MAP_FAILED)
                                break;
                        __atomic_store_n(&slots[i].lost, 1, __ATOMIC_RELEASE);
                        return;
                }
        }
        chain(sig, si, uc);
}

/*
 * Install the handler, or install it again if someone replaced it since (an application or a
 * test framework setting its own SIGBUS handler): the replacement becomes the one we chain to.
 */
static void install(void)
{
        struct sigaction sa, cur;

        if (installed && sigaction(SIGBUS, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
            cur.sa_sigaction == on_sigbus)
                return;
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        /* the handler may run while `previous` changes: block SIGBUS around the swap */
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGBUS);
        pthread_sigmask(SIG_BLOCK, &block, &old);
        if (sigaction(SIGBUS, &sa, &previous) == 0)
                installed = true;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int pt_shm_guard_add(void *map, size_t len)
{
        int slot = -1;

        pthread_mutex_lock(&slots_lock);
        install();
        for (unsigned i = 0; installed && i < GUARD_SLOTS; i++) {
                if (__atomic_load_n(&slots[i].start, __ATOMIC_RELAXED))
                        continue;
                __atomic_store_n(&slots[i].lost, 0, __ATOMIC_RELAXED);
                __atomic_store_n(&slots[i].end, (uintptr_t)map + len, __ATOMIC_RELAXED);
                __atomic_store_n(&slots[i].start, (uintptr_t)map, __ATOMIC_RELEASE);
                slot = (int)i;
                break;
        }
        pthread_mutex_unlock(&slots_lock);
        return slot;
}

void pt_shm_guard_remove(int slot)
{
        if (slot < 0 || slot >= GUARD_SLOTS)
                return;
        pthread_mutex_lock(&slots_lock);
        __atomic_store_n(&slots[slot].start, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&slots[slot].end, 0, __ATOMIC_RELAXED);
        pthread_mutex_unlock(&slots_lock);
}

bool pt_shm_guard_lost(int slot)
{
        return slot >= 0 && slot < GUARD_SLOTS && __atomic_load_n(&slots[slot].lost, __ATOMIC_ACQUIRE);
}
