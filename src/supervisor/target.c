/* SPDX-License-Identifier: MIT */
/* Reading and writing a blocked worker thread's memory, and its identity in its pid namespace. */
#include "supervisor/target.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096u

int pt_target_read_string(pid_t tid, uint64_t addr, char *buf, size_t size)
{
        size_t got = 0;

        if (addr == 0)
                return -EFAULT;
        while (got < size) {
                /* Never cross a page in one read: the next page may be unmapped while the
                 * string ends before it. */
                size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
                if (chunk > size - got)
                        chunk = size - got;
                struct iovec local = { buf + got, chunk };
                struct iovec remote = { (void *)(uintptr_t)(addr + got), chunk };
                ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
                if (n <= 0)
                        return n == 0 ? -EFAULT : (errno == ESRCH || errno == EPERM ? -errno : -EFAULT);
                char *nul = memchr(buf + got, '\0', (size_t)n);
                if (nul)
                        return 0;
                got += (size_t)n;
        }
        return -ENAMETOOLONG;
}

int pt_target_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
        if (len == 0)
                return 0;
        if (addr == 0)
                return -EFAULT;
        struct iovec local = { buf, len };
        struct iovec remote = { (void *)(uintptr_t)addr, len };
        ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
        if (n < 0)
                return errno == ESRCH ? -ESRCH : -EFAULT;
        return (size_t)n == len ? 0 : -EFAULT;
}

int pt_target_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
        if (len == 0)
                return 0;
        if (addr == 0)
                return -EFAULT;
        struct iovec local = { (void *)buf, len };
        struct iovec remote = { (void *)(uintptr_t)addr, len };
        ssize_t n = process_vm_writev(tid, &local, 1, &remote, 1, 0);
        if (n < 0)
                return errno == ESRCH ? -ESRCH : -EFAULT;
        return (size_t)n == len ? 0 : -EFAULT;
}

int pt_target_open_proc(pid_t tid, const char *what, int flags)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/%s", tid, what);
        int fd = open(path, flags | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* Read /proc/<tid>/status into buf. */
static int read_status(pid_t tid, char *buf, size_t size)
{
        _cleanup_close_ int fd = pt_target_open_proc(tid, "status", O_RDONLY);
        if (fd < 0)
                return fd;
        ssize_t n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return 0;
}

/* The last number on the line starting with `key` (the innermost namespace's id). */
static int status_last_number(const char *status, const char *key, long *ret)
{
        const char *l = strstr(status, key);
        if (!l)
                return -ENOENT;
        const char *e = strchr(l + 1, '\n');
        if (!e)
                e = l + strlen(l);
        const char *p = e;
        while (p > l && (p[-1] == ' ' || p[-1] == '\t'))
                p--;
        const char *d = p;
        while (d > l && d[-1] >= '0' && d[-1] <= '9')
                d--;
        if (d == p)
                return -EINVAL;
        *ret = strtol(d, NULL, 10);
        return 0;
}

int pt_target_umask(pid_t tid, mode_t *ret_mask)
{
        char buf[2048];
        int r = read_status(tid, buf, sizeof(buf));
        if (r < 0)
                return r;
        const char *l = strstr(buf, "\nUmask:");
        if (!l)
                return -ENOENT;
        *ret_mask = (mode_t)strtol(l + 7, NULL, 8) & 0777;
        return 0;
}

/*
 * tid -> namespace ids. Only the tracer thread writes this table: it adds a thread when the
 * thread appears (stopped, before it runs a single instruction) and removes it when the
 * tracer reaps it, so an entry can never outlive its thread and be reused by a recycled tid.
 * Notify threads only read; a miss (more live threads than slots) reads /proc instead.
 */
#define NSCACHE_SLOTS 4096
#define NSCACHE_PROBES 16
#define NSCACHE_TOMB ((uint64_t)UINT32_MAX << 32)
static _Atomic uint64_t nscache_key[NSCACHE_SLOTS];

static size_t slot_of(pid_t tid)
{
        return ((uint32_t)tid * 2654435761u) % NSCACHE_SLOTS;
}

static int nsids_read(pid_t tid, struct pt_nsids *ret)
{
        char buf[2048];
        long nstid, nstgid;
        int r = read_status(tid, buf, sizeof(buf));
        if (r < 0)
                return r;
        if (status_last_number(buf, "\nNSpid:", &nstid) < 0 || status_last_number(buf, "\nNStgid:", &nstgid) < 0)
                return -EINVAL;
        ret->tid = (pid_t)nstid;
        ret->tgid = (pid_t)nstgid;
        return 0;
}

/* Each slot packs host tid (32) | ns tid (16) | ns tgid (16); ids above 65535 are not cached. */
static uint64_t pack(pid_t tid, const struct pt_nsids *ids)
{
        return (uint64_t)(uint32_t)tid << 32 | (uint64_t)(uint16_t)ids->tid << 16 | (uint16_t)ids->tgid;
}

int pt_target_nsids(pid_t tid, struct pt_nsids *ret)
{
        size_t s = slot_of(tid);
        for (size_t i = 0; i < NSCACHE_PROBES; i++) {
                uint64_t v = atomic_load_explicit(&nscache_key[(s + i) % NSCACHE_SLOTS], memory_order_acquire);
                if (v == 0)
                        break;
                if (v != NSCACHE_TOMB && (pid_t)(v >> 32) == tid) {
                        ret->tid = (pid_t)(uint16_t)(v >> 16);
                        ret->tgid = (pid_t)(uint16_t)v;
                        return 0;
                }
        }
        return nsids_read(tid, ret);
}

/*
 * Every thread the tracer knows, one bit per host tid (PID_MAX_LIMIT bits: 512 KiB of address
 * space, touched only where tids are). Set before a new thread runs, cleared once it is reaped
 * (a tid is not reused before that), so a notification from a tid whose bit is clear comes from
 * a thread that escaped tracing.
 */
#define KNOWN_TIDS (4u << 20)
static _Atomic uint64_t known[KNOWN_TIDS / 64];

bool pt_target_known(pid_t tid)
{
        if (tid <= 0 || (unsigned)tid >= KNOWN_TIDS)
                return false;
        return atomic_load_explicit(&known[(unsigned)tid / 64], memory_order_acquire) >> ((unsigned)tid % 64) & 1;
}

int pt_target_track(pid_t tid)
{
        if (tid > 0 && (unsigned)tid < KNOWN_TIDS)
                atomic_fetch_or_explicit(&known[(unsigned)tid / 64], 1ull << ((unsigned)tid % 64), memory_order_release);
        struct pt_nsids ids;
        int r = nsids_read(tid, &ids);
        if (r < 0)
                return r;
        if (ids.tid > 65535 || ids.tgid > 65535)
                return 0;
        size_t s = slot_of(tid);
        for (size_t i = 0; i < NSCACHE_PROBES; i++) {
                size_t k = (s + i) % NSCACHE_SLOTS;
                uint64_t v = atomic_load(&nscache_key[k]);
                if (v == 0 || v == NSCACHE_TOMB) {
                        atomic_store_explicit(&nscache_key[k], pack(tid, &ids), memory_order_release);
                        return 0;
                }
        }
        return 0;
}

void pt_target_forget(pid_t tid)
{
        if (tid > 0 && (unsigned)tid < KNOWN_TIDS)
                atomic_fetch_and_explicit(&known[(unsigned)tid / 64], ~(1ull << ((unsigned)tid % 64)),
                                          memory_order_release);
        size_t s = slot_of(tid);
        for (size_t i = 0; i < NSCACHE_PROBES; i++) {
                size_t k = (s + i) % NSCACHE_SLOTS;
                uint64_t v = atomic_load(&nscache_key[k]);
                if (v == 0)
                        return;
                if (v != NSCACHE_TOMB && (pid_t)(v >> 32) == tid)
                        atomic_store(&nscache_key[k], NSCACHE_TOMB);
        }
}

void pt_target_comm(pid_t tid, char *buf, size_t size)
{
        _cleanup_close_ int fd = pt_target_open_proc(tid, "comm", O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
        if (n <= 0) {
                snprintf(buf, size, "?");
                return;
        }
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

int pt_target_take_fd(pid_t tid, int fd)
{
        if (fd < 0)
                return -EBADF;
        /* PIDFD_THREAD (Linux 6.9) names the thread itself; before it, only a leader works. */
        _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
        if (pidfd < 0)
                pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
        if (pidfd < 0)
                return -errno;
        int r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
        return r < 0 ? -errno : r;
}
