/* SPDX-License-Identifier: MIT */
#include "sandbox/sync.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int pt_sync_send_msg(int fd, const struct pt_sync *m)
{
        ssize_t n;
        do
                n = write(fd, m, sizeof(*m));
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return n == (ssize_t)sizeof(*m) ? 0 : -EIO;
}

int pt_sync_send(int fd, enum pt_sync_msg msg, int val, int err)
{
        struct pt_sync m;
        memset(&m, 0, sizeof(m));
        m.msg = msg;
        m.val = val;
        m.err = err;
        return pt_sync_send_msg(fd, &m);
}

int pt_sync_recv(int fd, struct pt_sync *ret)
{
        ssize_t n;
        do
                n = read(fd, ret, sizeof(*ret));
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0)
                return -EPIPE;
        return n == (ssize_t)sizeof(*ret) ? 0 : -EIO;
}

const char *pt_setup_step_name(int step)
{
        switch (step) {
        case PT_STEP_MOUNTS:
                return "mounting the private /proc";
        case PT_STEP_DEV:
                return "building the private /dev";
        case PT_STEP_LOOPBACK:
                return "bringing up lo";
        case PT_STEP_FORK:
                return "forking the worker";
        case PT_STEP_CAPS:
                return "dropping capabilities";
        case PT_STEP_NO_NEW_PRIVS:
                return "setting no_new_privs";
        case PT_STEP_LANDLOCK:
                return "applying the Landlock ruleset";
        case PT_STEP_SECCOMP:
                return "installing the seccomp filter";
        case PT_STEP_SYNC:
                return "talking to the supervisor";
        case PT_STEP_NET:
                return "configuring veth in the sandbox";
        case PT_STEP_FDS:
                return "handing the --ipc channel to the worker";
        case PT_STEP_SESSION:
                return "making the sandbox's session";
        case PT_STEP_IDENTITY:
                return "taking the worker's identity";
        default:
                return "setting up the sandbox";
        }
}
