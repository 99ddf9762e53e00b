/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

struct pt_late_config *pt_late_config_new(void)
{
        void *p = mmap(NULL, sizeof(struct pt_late_config), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                return NULL;
        struct pt_late_config *late = p;
        late->net_index = -1;
        return late;
}

int pt_sandbox_spawn(const struct pt_spawn_config *cfg, struct pt_sandbox *ret)
{
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;

        /* A raw clone returns like fork, without a separate stack: the child runs init. */
        long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
        pid_t pid = (pid_t)syscall(SYS_clone, flags, 0, NULL, NULL, 0);
        if (pid < 0) {
                int r = -errno;
                close(sv[0]);
                close(sv[1]);
                return r;
        }
        if (pid == 0) {
                close(sv[0]);
                pt_init_main(cfg, sv[1]);
        }
        close(sv[1]);
        ret->init_pid = pid;
        ret->sync_fd = sv[0];
        return 0;
}
