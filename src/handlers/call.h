/* SPDX-License-Identifier: MIT */
/*
 * One notified syscall in flight: the request, the decision(s) made about it, and the reply.
 * Handlers read arguments, decide through pt_call_decide_*(), and set exactly one reply.
 */
#pragma once

#include <limits.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"
#include "supervisor/supervisor.h"
#include "supervisor/target.h"

struct pt_call;
typedef void (*pt_handler_fn)(struct pt_call *c);

/* How the log renders an argument. */
enum pt_arg {
        PT_ARG_NONE,
        PT_ARG_INT,
        PT_ARG_HEX,
        PT_ARG_OCT,    /* mode */
        PT_ARG_FD,
        PT_ARG_DIRFD,  /* AT_FDCWD or a number */
        PT_ARG_PATH,   /* string read from the worker */
        PT_ARG_STR,    /* other string (xattr name, symlink target) */
        PT_ARG_OFLAGS, /* O_* */
        PT_ARG_ATFLAGS,
        PT_ARG_PTR,
        PT_ARG_OMODE,  /* mode after open flags: shown only with O_CREAT or O_TMPFILE */
        PT_ARG_AMODE,  /* access(2) mode: F_OK or R_OK|W_OK|X_OK */
};

/* Notify only when (args[arg] & mask) == value, or != value with `ne`; mask 0: no condition. */
struct pt_row_cond {
        int8_t arg;
        uint64_t mask, value;
        bool ne;
};

struct pt_syscall_row {
        int nr;
        const char *name;
        enum pt_perm perm; /* the category it belongs to (logs) */
        pt_handler_fn handler;
        uint8_t args[6];   /* enum pt_arg per argument */
        int variant;       /* handler-specific shape of the arguments */
        struct pt_row_cond cond[2]; /* checked in BPF: every one must hold to notify */
};

enum pt_reply_kind {
        PT_REPLY_NONE,
        PT_REPLY_VALUE,
        PT_REPLY_ERROR,
        PT_REPLY_CONTINUE,
        PT_REPLY_FD,
        PT_REPLY_DEFER, /* decided; the action may block: it runs on a waiter thread */
};

/*
 * The rest of a decided call whose action may block for as long as the worker likes (opening
 * a FIFO waits for the other end): run on a waiter thread of its own, so the receiving
 * threads go on deciding. `run` false: the waiter could not be had; release arg and set an
 * error reply. Either way it must set exactly one reply and free arg.
 */
typedef void (*pt_defer_fn)(struct pt_call *c, void *arg, bool run);

#define PT_CALL_STRS 2

struct pt_call {
        struct pt_supervisor *sv;
        struct seccomp_notif *req;
        const struct pt_syscall_row *row;
        struct pt_nsids ids;

        /* strings read from the worker, for the log (raw, as given) */
        char str[PT_CALL_STRS][PATH_MAX];
        bool have_str[PT_CALL_STRS];
        int str_arg[PT_CALL_STRS];

        /* the deciding decision: the first denial, else the last allow */
        bool decided;
        struct pt_decision dec;
        char value[PATH_MAX]; /* what was decided on: canonical path, host, name... */
        const char *fix;      /* the notice's suggestion when not --allow-<perm>=<value> */
        bool no_notice;       /* a probe of something that does not exist: log it, no notice */

        enum pt_reply_kind reply;
        int64_t val;
        int err;
        int fd;          /* PT_REPLY_FD: ours, closed after the ADDFD */
        uint64_t t_start_ns; /* when the notification arrived (--summary) */
        bool fd_cloexec;
        pt_defer_fn defer_fn; /* PT_REPLY_DEFER */
        void *defer_arg;
};

/* Read string argument `arg` into slot `slot` (PATH_MAX bound). Negative errno on failure. */
int pt_call_read_str(struct pt_call *c, int slot, int arg);
/* SECCOMP_IOCTL_NOTIF_ID_VALID: 0 while the notification is live, else -ENOENT. */
int pt_call_valid(struct pt_call *c);

/*
 * Decide perm on value (a canonical path for read/write/ffi). Records the decision for the
 * log, prints the denial notice. Returns true when allowed.
 */
bool pt_call_decide_path(struct pt_call *c, enum pt_perm perm, const char *canon);
/* Record a decision computed elsewhere (net, env, ...). */
bool pt_call_record(struct pt_call *c, const struct pt_decision *d, const char *value);

static inline void pt_reply_error(struct pt_call *c, int err)
{
        c->reply = PT_REPLY_ERROR;
        c->err = err;
}

static inline void pt_reply_value(struct pt_call *c, int64_t val)
{
        c->reply = PT_REPLY_VALUE;
        c->val = val;
}

/* Only where no decision depended on worker memory, or the kernel enforces the same answer. */
static inline void pt_reply_continue(struct pt_call *c)
{
        c->reply = PT_REPLY_CONTINUE;
}

/* Install our fd in the worker as the syscall's result (we close ours afterwards). */
static inline void pt_reply_fd(struct pt_call *c, int fd, bool cloexec)
{
        c->reply = PT_REPLY_FD;
        c->fd = fd;
        c->fd_cloexec = cloexec;
}

/* Finish the call on a waiter thread: fn(c, arg, true) there sets the real reply. */
static inline void pt_reply_defer(struct pt_call *c, pt_defer_fn fn, void *arg)
{
        c->reply = PT_REPLY_DEFER;
        c->defer_fn = fn;
        c->defer_arg = arg;
}

/* Reply with -r if r < 0, else r. */
static inline void pt_reply_result(struct pt_call *c, int64_t r)
{
        if (r < 0)
                pt_reply_error(c, (int)-r);
        else
                pt_reply_value(c, r);
}

/* The syscall table: row for a number, or NULL. */
const struct pt_syscall_row *pt_syscall_lookup(int nr);
/* Every row, for building the filter. */
const struct pt_syscall_row *pt_syscall_rows(size_t *ret_n);
