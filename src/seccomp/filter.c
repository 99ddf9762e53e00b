/* SPDX-License-Identifier: MIT */
/*
 * Building and installing the worker's filter. libseccomp compiles the table into BPF
 * (binary-search layout); we prepend our own ABI gate so that the 32-bit int 0x80 ABI and
 * x32 numbers die before libseccomp's program runs, whatever libseccomp's version does.
 * libseccomp 2.5.4 can't pass WAIT_KILLABLE_RECV, so the raw seccomp() call installs it.
 */
#include "seccomp/filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers/call.h"
#include "seccomp/nr.h"
#include "util/cleanup.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/*
 * The always-refused rows go in first. Where a refused pattern overlaps a notified row of the
 * same syscall (socket: AF_PACKET and raw IP against "every family but AF_UNIX"), libseccomp
 * builds one decision tree for both and the rows added first win; tests/unit/core_filter_paths.c
 * checks the outcome on the exported program.
 */
static int add_deny_rows(scmp_filter_ctx ctx)
{
        size_t n;
        const struct pt_deny_row *deny = pt_deny_rows(&n);
        for (size_t i = 0; i < n; i++) {
                const struct pt_deny_row *d = &deny[i];
                uint32_t act = d->err ? SCMP_ACT_ERRNO((uint32_t)d->err) : SCMP_ACT_KILL_PROCESS;
                struct scmp_arg_cmp cmp[2];
                unsigned ncmp = 0;
                if (d->nr < 0)
                        continue;
                if (d->arg >= 0)
                        cmp[ncmp++] = d->ne ? SCMP_CMP((unsigned)d->arg, SCMP_CMP_NE, d->value)
                                            : SCMP_CMP((unsigned)d->arg, SCMP_CMP_MASKED_EQ, d->mask, d->value);
                if (d->arg >= 0 && d->mask2)
                        cmp[ncmp++] = SCMP_CMP((unsigned)d->arg2, SCMP_CMP_MASKED_EQ, d->mask2, d->value2);
                int r = seccomp_rule_add_array(ctx, act, d->nr, ncmp, cmp);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_rules(scmp_filter_ctx ctx)
{
        int r = add_deny_rows(ctx);
        if (r < 0)
                return r;
        size_t n;
        const struct pt_syscall_row *rows = pt_syscall_rows(&n);
        for (size_t i = 0; i < n; i++) {
                if (rows[i].nr < 0)
                        continue;
                struct scmp_arg_cmp cmp[2];
                unsigned ncmp = 0;
                for (int k = 0; k < 2; k++) {
                        const struct pt_row_cond *cd = &rows[i].cond[k];
                        if (cd->mask && cd->ne)
                                cmp[ncmp++] = SCMP_CMP((unsigned)cd->arg, SCMP_CMP_NE, cd->value);
                        else if (cd->mask)
                                cmp[ncmp++] = SCMP_CMP((unsigned)cd->arg, SCMP_CMP_MASKED_EQ, cd->mask, cd->value);
                }
                r = seccomp_rule_add_array(ctx, SCMP_ACT_NOTIFY, rows[i].nr, ncmp, cmp);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* libseccomp 2.5 exports to an fd only: go through a memfd. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **ret, size_t *ret_len)
{
        _cleanup_close_ int fd = memfd_create("podtrace-bpf", MFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        int r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return r;
        off_t size = lseek(fd, 0, SEEK_END);
        if (size <= 0 || size % (off_t)sizeof(struct sock_filter))
                return -EINVAL;
        struct sock_filter *buf = malloc((size_t)size);
        if (!buf)
                return -ENOMEM;
        if (pread(fd, buf, (size_t)size, 0) != size) {
                free(buf);
                return -EIO;
        }
        *ret = buf;
        *ret_len = (size_t)size / sizeof(struct sock_filter);
        return 0;
}

int pt_filter_build(struct sock_fprog *ret_prog)
{
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        struct sock_filter *body = NULL;
        size_t body_len = 0;
        int r;

        if (!ctx)
                return -ENOMEM;
        r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        if (r == 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r == 0)
                (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        if (r == 0)
                r = add_rules(ctx);
        if (r == 0)
                r = export_bpf(ctx, &body, &body_len);
        seccomp_release(ctx);
        if (r < 0)
                return r;

        const struct sock_filter gate[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PT_AUDIT_ARCH, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PT_ARCH_X32_BIT ? PT_ARCH_X32_BIT : 0, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        };
        size_t n = ARRAY_SIZE(gate) + body_len;
        if (n > BPF_MAXINSNS) {
                free(body);
                return -E2BIG;
        }
        struct sock_filter *prog = malloc(n * sizeof(*prog));
        if (!prog) {
                free(body);
                return -ENOMEM;
        }
        memcpy(prog, gate, sizeof(gate));
        memcpy(prog + ARRAY_SIZE(gate), body, body_len * sizeof(*prog));
        free(body);
        ret_prog->filter = prog;
        ret_prog->len = (unsigned short)n;
        return 0;
}

int pt_filter_install(const struct sock_fprog *prog, bool *ret_killable)
{
        unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
        *ret_killable = fd >= 0;
        if (fd < 0 && errno == EINVAL) {
                /* Before Linux 5.19: a signal can interrupt a pending notification and the call
                 * is retried as a new one; emulations must then tolerate being repeated. */
                fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
        }
        return fd < 0 ? -errno : (int)fd;
}
