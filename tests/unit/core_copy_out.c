/* SPDX-License-Identifier: MIT */
/*
 * pt_fs_copy_out, the one way handlers write into worker memory (stat buffers, readlink,
 * uname, sysinfo, sendmmsg's lengths), checks SECCOMP_IOCTL_NOTIF_ID_VALID right before
 * process_vm_writev: once the notifying thread is gone its tid can name another thread, and a
 * write meant for the dead call must not land there.
 *
 * A real notification: a child installs a filter that notifies getppid, and we hold the
 * listener. Live, the write lands. Then the child is killed while its call waits, and the
 * request is pointed at another live child of ours (what a recycled tid would be): the write
 * must be refused, and that child's memory must be untouched.
 */
#include "unit.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "handlers/fs_common.h"

/* Same address in every child (they are forks of this process). */
static volatile uint64_t word = 1;

struct notifier {
        pid_t pid;
        int listener;
        int go;                  /* write a byte: the child makes its call */
        struct seccomp_notif *req;
};

/* A child whose getppid() waits for our answer; returns once its call is pending. */
static void start_notifier(struct notifier *n)
{
        int fdpipe[2], gopipe[2];
        assert_int_equal(pipe(fdpipe), 0);
        assert_int_equal(pipe(gopipe), 0);
        n->pid = fork();
        assert_true(n->pid >= 0);
        if (n->pid == 0) {
                struct sock_filter f[] = {
                        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
                        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
                        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
                };
                struct sock_fprog prog = { ARRAY_SIZE(f), f };
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        _exit(10);
                int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
                if (fd < 0 || write(fdpipe[1], &fd, sizeof(fd)) != sizeof(fd))
                        _exit(11);
                char c;
                if (read(gopipe[0], &c, 1) != 1)
                        _exit(12);
                syscall(SYS_getppid);
                /* answered: did our word get written? */
                _exit(word == 42 ? 0 : 13);
        }
        close(fdpipe[1]);
        close(gopipe[0]);
        int childfd = -1;
        assert_int_equal(read(fdpipe[0], &childfd, sizeof(childfd)), sizeof(childfd));
        close(fdpipe[0]);
        int pidfd = (int)syscall(SYS_pidfd_open, n->pid, 0);
        assert_true(pidfd >= 0);
        n->listener = (int)syscall(SYS_pidfd_getfd, pidfd, childfd, 0);
        assert_true(n->listener >= 0);
        close(pidfd);
        n->go = gopipe[1];

        struct seccomp_notif_sizes sizes;
        assert_int_equal(syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes), 0);
        n->req = calloc(1, sizes.seccomp_notif > sizeof(*n->req) ? sizes.seccomp_notif : sizeof(*n->req));
        assert_non_null(n->req);
        assert_int_equal(write(n->go, "g", 1), 1);
        assert_int_equal(ioctl(n->listener, SECCOMP_IOCTL_NOTIF_RECV, n->req), 0);
        assert_int_equal(n->req->pid, n->pid);
}

static void stop_notifier(struct notifier *n)
{
        close(n->listener);
        close(n->go);
        free(n->req);
}

static struct pt_call *call_for(struct pt_supervisor *sv, struct notifier *n)
{
        struct pt_call *c = calloc(1, sizeof(*c));
        assert_non_null(c);
        sv->listener = n->listener;
        c->sv = sv;
        c->req = n->req;
        return c;
}

static void test_live_call_is_written(void **state)
{
        (void)state;
        struct pt_supervisor sv;
        memset(&sv, 0, sizeof(sv));
        struct notifier n;
        start_notifier(&n);
        struct pt_call *c = call_for(&sv, &n);
        uint64_t v = 42;
        assert_int_equal(pt_fs_copy_out(c, (uint64_t)(uintptr_t)&word, &v, sizeof(v)), 0);
        struct seccomp_notif_resp resp = { .id = n.req->id };
        assert_int_equal(ioctl(n.listener, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
        int st;
        assert_int_equal(waitpid(n.pid, &st, 0), n.pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0); /* the child saw 42 */
        free(c);
        stop_notifier(&n);
}

static void test_dead_call_writes_nothing(void **state)
{
        (void)state;
        struct pt_supervisor sv;
        memset(&sv, 0, sizeof(sv));
        struct notifier n;
        start_notifier(&n);
        struct pt_call *c = call_for(&sv, &n);

        /* the notifying thread dies while its call waits */
        kill(n.pid, SIGKILL);
        assert_int_equal(waitpid(n.pid, NULL, 0), n.pid);

        /* another live process takes its place: the tid now names it */
        int hold[2], report[2];
        assert_int_equal(pipe(hold), 0);
        assert_int_equal(pipe(report), 0);
        pid_t other = fork();
        assert_true(other >= 0);
        if (other == 0) {
                close(hold[1]);
                char ch;
                (void)!read(hold[0], &ch, 1);
                uint64_t seen = word;
                _exit(write(report[1], &seen, sizeof(seen)) == sizeof(seen) ? 0 : 1);
        }
        close(hold[0]);
        close(report[1]);
        n.req->pid = other;

        uint64_t v = 42;
        assert_int_equal(pt_fs_copy_out(c, (uint64_t)(uintptr_t)&word, &v, sizeof(v)), -ENOENT);

        assert_int_equal(write(hold[1], "x", 1), 1);
        uint64_t seen = 0;
        assert_int_equal(read(report[0], &seen, sizeof(seen)), sizeof(seen));
        assert_int_equal(seen, 1); /* untouched */
        waitpid(other, NULL, 0);
        close(hold[1]);
        close(report[0]);
        free(c);
        stop_notifier(&n);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_live_call_is_written),
                cmocka_unit_test(test_dead_call_writes_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
