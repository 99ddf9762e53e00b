/* SPDX-License-Identifier: MIT */
/*
 * escape: one sandbox escape per subcommand, performed for real, one line per system call:
 * "NAME: ok" or "NAME: ERRNO" (the errno's name, e.g. "mount: EPERM"). Under podtrace every
 * call of design 4.4's always-denied table (src/seccomp/deny_table.c) must fail with the
 * table's errno; natively (as root) most succeed, which shows that the probe really does
 * what it says. Calls that could change the host are only made with arguments the kernel
 * rejects before it acts (kexec, modules), on the probe's own objects (its own pty, a
 * keyring of its own thread, a tmpfs on a scratch directory) or in a forked child (chroot,
 * unshare, seccomp), so a native run changes nothing outside the probe.
 *
 *   escape all DIR        every escape below, each in a forked child; DIR is an empty
 *                         scratch directory (mount, chroot, pivot_root)
 *   escape NAME [DIR]     one of them (names: escape list)
 *   escape umount2 PATH   umount2(PATH, 0)  (e.g. /proc under podtrace; never natively)
 *   escape open PATH      open(PATH, O_RDONLY) and read one byte (prints nothing of it)
 *   escape status         the Uid, Cap*, NoNewPrivs and Seccomp lines of /proc/self/status
 *   escape fds            the open fds as "fds: 0,1,2" (/proc/self/fd, minus the listing's own)
 *   escape shmstat ID | msgstat ID   shmctl/msgctl(ID, IPC_STAT): a host SysV object seen?
 *   escape userfaultfd-dev   open /dev/userfaultfd + USERFAULTFD_IOC_NEW (the non-syscall way)
 *
 * A child that dies of a signal prints "NAME: killed by signal N". Exits 0 (the test
 * judges), 2 on bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/io_uring.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/landlock.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h> /* glibc 2.36: instead of <linux/mount.h>, which it conflicts with */
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/quota.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#define __NR_getxattrat 464
#define __NR_listxattrat 465
#define __NR_removexattrat 466
#endif
#ifndef __NR_file_getattr
#define __NR_file_getattr 468
#define __NR_file_setattr 469
#endif
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif
#define NR_uselib 134 /* x86_64; the table's PT_NR_uselib */

/* A path that exists nowhere: the path-taking calls natively fail with ENOENT on it. */
#define NOWHERE "/nonexistent-podtrace-escape"

static const char *dir_arg = "/nonexistent-podtrace-dir";

static const char *errname(int e)
{
        const char *n = strerrorname_np(e);
        return n ? n : "E?";
}

/* Print "NAME: ok" for r >= 0, "NAME: ERRNO" otherwise (errno as the call left it). */
static long report(const char *name, long r)
{
        int e = errno;
        if (r >= 0)
                printf("%s: ok\n", name);
        else
                printf("%s: %s\n", name, errname(e));
        errno = e;
        return r;
}

static void close_if(long fd)
{
        if (fd >= 0)
                close((int)fd);
}

/* A sibling for the cross-process calls: it sleeps until killed (30 s at most). */
static volatile long sibling_word = 1;

static pid_t sibling(void)
{
        pid_t p = fork();
        if (p == 0) {
                alarm(30);
                /* exits 0 as soon as someone else wrote its word (process_vm_writev) */
                for (int i = 0; i < 30000; i++) {
                        if (sibling_word == 42)
                                _exit(0);
                        usleep(1000);
                }
                _exit(1);
        }
        return p;
}

static int reap(pid_t p, int do_kill)
{
        int st = 0;
        if (p <= 0)
                return -1;
        if (do_kill)
                kill(p, SIGKILL);
        while (waitpid(p, &st, __WALL) < 0 && errno == EINTR)
                ;
        return st;
}

/* ---- io_uring ----------------------------------------------------------------------- */
static void e_io_uring(void)
{
        struct io_uring_params p;
        memset(&p, 0, sizeof(p));
        close_if(report("io_uring_setup", syscall(__NR_io_uring_setup, 8, &p)));
        /* fd -1: natively EBADF; under podtrace the filter answers first */
        report("io_uring_enter", syscall(__NR_io_uring_enter, -1, 0, 0, 0, NULL, 0));
        report("io_uring_register", syscall(__NR_io_uring_register, -1, 0, NULL, 0));
}

/* ---- other processes ---------------------------------------------------------------- */
static void e_ptrace(void)
{
        pid_t s = sibling();
        if (report("ptrace-attach", ptrace(PTRACE_ATTACH, s, 0, 0)) == 0) {
                waitpid(s, NULL, __WALL);
                ptrace(PTRACE_DETACH, s, 0, 0);
        }
        if (report("ptrace-seize", ptrace(PTRACE_SEIZE, s, 0, 0)) == 0)
                ptrace(PTRACE_DETACH, s, 0, 0);
        /* a process we do not trace: natively ESRCH, so EPERM can only be the filter's */
        errno = 0;
        long v = ptrace(PTRACE_PEEKDATA, s, (void *)&sibling_word, 0);
        report("ptrace-peek", (v == -1 && errno) ? -1 : 0);
        reap(s, 1);
}

static void e_process_vm(void)
{
        pid_t s = sibling();
        long val = 0, w = 42;
        struct iovec local = { &val, sizeof(val) }, remote = { (void *)&sibling_word, sizeof(val) };
        report("process_vm_readv", syscall(SYS_process_vm_readv, s, &local, 1, &remote, 1, 0));
        local.iov_base = &w;
        long r = report("process_vm_writev", syscall(SYS_process_vm_writev, s, &local, 1, &remote, 1, 0));
        if (r > 0) {
                /* the sibling exits 0 once it sees the word we wrote into it */
                int st = reap(s, 0);
                printf("process_vm_writev-effect: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "sibling changed" : "none");
        } else {
                reap(s, 1);
        }
}

static void e_pidfd_getfd(void)
{
        pid_t s = sibling();
        long pfd = report("pidfd_open", syscall(SYS_pidfd_open, s, 0));
        /* with pidfd -1 (pidfd_open refused) natively EBADF */
        close_if(report("pidfd_getfd", syscall(SYS_pidfd_getfd, pfd, 1, 0)));
        close_if(pfd);
        reap(s, 1);
}

static void e_kcmp(void)
{
        pid_t s = sibling();
        report("kcmp", syscall(SYS_kcmp, getpid(), s, KCMP_FILE, 1, 1));
        reap(s, 1);
}

/* ---- namespaces --------------------------------------------------------------------- */
static void e_unshare(void)
{
        /* each in a child: a native success changes the namespaces of that child only */
        static const struct {
                const char *name;
                int flag;
        } f[] = { { "unshare-user", CLONE_NEWUSER }, { "unshare-ns", CLONE_NEWNS }, { "unshare-net", CLONE_NEWNET } };
        for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
                pid_t p = fork();
                if (p == 0) {
                        report(f[i].name, unshare(f[i].flag));
                        _exit(0);
                }
                reap(p, 0);
        }
}

static void raw_clone(const char *name, unsigned long flags)
{
        /* the raw syscall with no new stack behaves like fork */
        long p = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
        if (p == 0)
                _exit(0);
        report(name, p);
        if (p > 0)
                reap((pid_t)p, 0);
}

static void e_clone(void)
{
        raw_clone("clone-plain", 0); /* control: allowed */
        raw_clone("clone-newuser", CLONE_NEWUSER);
        raw_clone("clone-newns", CLONE_NEWNS);
        raw_clone("clone-newnet", CLONE_NEWNET);
        raw_clone("clone-newpid", CLONE_NEWPID);
        raw_clone("clone-newipc", CLONE_NEWIPC);
        raw_clone("clone-newuts", CLONE_NEWUTS);
        raw_clone("clone-newcgroup", CLONE_NEWCGROUP);
}

static void e_setns(void)
{
        int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                printf("setns-nsfd: %s\n", errname(errno));
        /* natively: joining the namespace we are in succeeds (EBADF with fd -1) */
        report("setns", setns(fd, CLONE_NEWUTS));
        close_if(fd);
}

static void *thread_fn(void *arg)
{
        return arg;
}

static void e_clone3(void)
{
        struct clone_args a;
        memset(&a, 0, sizeof(a));
        a.exit_signal = SIGCHLD;
        long p = syscall(SYS_clone3, &a, sizeof(a));
        if (p == 0)
                _exit(0);
        report("clone3", p);
        if (p > 0)
                reap((pid_t)p, 0);
        /* libc falls back to clone on ENOSYS: fork and threads still work */
        pid_t f = fork();
        if (f == 0)
                _exit(7);
        if (f < 0) {
                printf("fork: %s\n", errname(errno));
        } else {
                int st = reap(f, 0);
                printf("fork: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 7 ? "ok" : "bad status");
        }
        pthread_t t;
        int r = pthread_create(&t, NULL, thread_fn, (void *)&a);
        void *ret = NULL;
        if (r == 0)
                pthread_join(t, &ret);
        printf("pthread_create: %s\n", r ? errname(r) : ret == &a ? "ok" : "bad result");
}

/* ---- mounts, root ------------------------------------------------------------------- */
static void e_mount(void)
{
        report("mount", mount("podtrace-escape", dir_arg, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k"));
        /* natively: removes the tmpfs just mounted; EINVAL (not a mount point) otherwise */
        report("umount2", umount2(dir_arg, 0));
}

static void e_newmount(void)
{
        close_if(report("fsopen", syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC)));
        report("fsconfig", syscall(SYS_fsconfig, -1, FSCONFIG_CMD_CREATE, NULL, NULL, 0));
        report("fsmount", syscall(SYS_fsmount, -1, FSMOUNT_CLOEXEC, 0));
        close_if(report("fspick", syscall(SYS_fspick, AT_FDCWD, "/", FSPICK_CLOEXEC)));
        report("move_mount", syscall(SYS_move_mount, -1, "", -1, "", 0));
        /* flags without OPEN_TREE_CLONE: an O_PATH-like fd on "/", no new mount */
        close_if(report("open_tree", syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLOEXEC)));
        close_if(report("open_tree_attr", syscall(__NR_open_tree_attr, AT_FDCWD, "/", OPEN_TREE_CLOEXEC, NULL, 0)));
        report("mount_setattr", syscall(SYS_mount_setattr, -1, "", 0, NULL, 0));
}

static void e_chroot(void)
{
        pid_t p = fork();
        if (p == 0) {
                report("chroot", chroot(dir_arg));
                _exit(0);
        }
        reap(p, 0);
}

static void e_pivot_root(void)
{
        /* new_root == put_old on the root's file system: natively EBUSY (or EINVAL: DIR is
         * not a mount point) before anything moves */
        report("pivot_root", syscall(SYS_pivot_root, dir_arg, dir_arg));
}

/* ---- seccomp ------------------------------------------------------------------------ */
static struct sock_filter allow_all[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
static struct sock_fprog allow_prog = { 1, allow_all };

static void e_seccomp(void)
{
        pid_t p = fork();
        if (p == 0) {
                report("seccomp-filter", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &allow_prog));
                _exit(0);
        }
        reap(p, 0);
        p = fork();
        if (p == 0) {
                report("prctl-seccomp", prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &allow_prog, 0, 0));
                _exit(0);
        }
        reap(p, 0);
        /* controls: the rows match on the operation, not the whole syscall */
        uint32_t act = SECCOMP_RET_LOG;
        report("seccomp-action-avail", syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act));
        printf("prctl-get-seccomp: %d\n", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
}

/* ---- sockets ------------------------------------------------------------------------ */
static void e_socket(void)
{
        close_if(report("socket-packet", socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL))));
        close_if(report("socket-packet-dgram", socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL))));
        close_if(report("socket-raw4", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)));
        close_if(report("socket-raw4-cloexec", socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_RAW)));
        close_if(report("socket-raw6", socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)));
        close_if(report("socket-udp", socket(AF_INET, SOCK_DGRAM, 0))); /* control */
        /* control: netlink sockets are SOCK_RAW too; the interface list needs NETLINK_ROUTE */
        close_if(report("socket-netlink-route", socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)));
        int sv[2];
        if (report("socketpair-inet", socketpair(AF_INET, SOCK_STREAM, 0, sv)) == 0) {
                close(sv[0]);
                close(sv[1]);
        }
}

/* ---- kernel objects ----------------------------------------------------------------- */
static void e_bpf(void)
{
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.map_type = BPF_MAP_TYPE_ARRAY;
        a.key_size = 4;
        a.value_size = 4;
        a.max_entries = 1;
        close_if(report("bpf-map-create", syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a))));
        struct bpf_insn prog[] = {
                { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
                { .code = BPF_JMP | BPF_EXIT },
        };
        memset(&a, 0, sizeof(a));
        a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
        a.insns = (uint64_t)(uintptr_t)prog;
        a.insn_cnt = 2;
        a.license = (uint64_t)(uintptr_t) "GPL";
        close_if(report("bpf-prog-load", syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a))));
}

static void e_perf(void)
{
        struct perf_event_attr a;
        memset(&a, 0, sizeof(a));
        a.type = PERF_TYPE_SOFTWARE;
        a.size = sizeof(a);
        a.config = PERF_COUNT_SW_TASK_CLOCK;
        a.disabled = 1;
        a.exclude_kernel = 1;
        a.exclude_hv = 1;
        close_if(report("perf_event_open", syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC)));
}

static void e_userfaultfd(void)
{
        close_if(report("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK)));
}

static void e_userfaultfd_dev(void)
{
        int fd = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
        if (report("userfaultfd-dev-open", fd) >= 0) {
                close_if(report("userfaultfd-dev-new", ioctl(fd, USERFAULTFD_IOC_NEW, O_CLOEXEC)));
                close(fd);
        }
}

static void e_kexec(void)
{
        /* 17 segments (> KEXEC_SEGMENT_MAX) and an undefined flag bit: EINVAL natively before
         * anything is loaded; nr_segments != 0 is never the "unload" form */
        report("kexec_load", syscall(SYS_kexec_load, 0UL, 17UL, NULL, 0x8000UL));
        /* fds -1 and an undefined flag (not KEXEC_FILE_UNLOAD): EINVAL/EBADF natively */
        report("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0x8000UL));
}

static void e_modules(void)
{
        /* an empty image: natively ENOEXEC (ENOSYS without module support) */
        report("init_module", syscall(SYS_init_module, NULL, 0UL, ""));
        report("finit_module", syscall(SYS_finit_module, -1, "", 0));
        report("delete_module", syscall(SYS_delete_module, "podtrace_no_such_module", O_NONBLOCK));
}

static void e_keys(void)
{
        /* the thread keyring: private to this thread, gone when it exits */
        long k = report("add_key", syscall(SYS_add_key, "user", "podtrace-escape", "x", 1UL, KEY_SPEC_THREAD_KEYRING));
        report("keyctl", syscall(SYS_keyctl, KEYCTL_DESCRIBE, k > 0 ? k : (long)KEY_SPEC_THREAD_KEYRING, NULL, 0UL));
        report("request_key", syscall(SYS_request_key, "user", "podtrace-no-such-key", NULL, 0L));
}

static void e_handles(void)
{
        struct {
                struct file_handle fh;
                unsigned char buf[MAX_HANDLE_SZ];
        } h;
        int mount_id;
        memset(&h, 0, sizeof(h));
        h.fh.handle_bytes = MAX_HANDLE_SZ;
        if (report("name_to_handle_at", name_to_handle_at(AT_FDCWD, ".", &h.fh, &mount_id, 0)) < 0) {
                h.fh.handle_bytes = 8; /* a made-up handle: natively ESTALE or EINVAL */
                h.fh.handle_type = 1;
        }
        close_if(report("open_by_handle_at", open_by_handle_at(AT_FDCWD, &h.fh, O_RDONLY | O_CLOEXEC)));
}

static void e_fanotify(void)
{
        close_if(report("fanotify_init", fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY)));
        /* no group (fd -1): natively EBADF before the path is looked at */
        report("fanotify_mark", fanotify_mark(-1, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, NOWHERE));
}

static void e_tiocsti(void)
{
        /* never the caller's terminal: a pty of our own (under podtrace, a fd the filter
         * answers for before the kernel looks at it when the pty cannot be opened) */
        int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s = -1;
        if (m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0) {
                const char *name = ptsname(m);
                s = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
        }
        if (s >= 0)
                printf("tiocsti-target: pty\n");
        else
                printf("tiocsti-target: none (%s)\n", errname(errno));
        char c = 'x';
        report("tiocsti", ioctl(s, TIOCSTI, &c));
        char sub = 7; /* TIOCL_GETSHIFTSTATE: natively EINVAL on a pty (not a VT) */
        report("tioclinux", ioctl(s, TIOCLINUX, &sub));
        close_if(s);
        close_if(m);
}

static void e_xattrat(void)
{
        char buf[64];
        struct {
                uint64_t value;
                uint32_t size, flags;
        } xa = { (uint64_t)(uintptr_t)buf, sizeof(buf), 0 };
        report("setxattrat", syscall(__NR_setxattrat, AT_FDCWD, NOWHERE, 0, "user.podtrace", &xa, sizeof(xa)));
        report("getxattrat", syscall(__NR_getxattrat, AT_FDCWD, NOWHERE, 0, "user.podtrace", &xa, sizeof(xa)));
        report("listxattrat", syscall(__NR_listxattrat, AT_FDCWD, NOWHERE, 0, buf, sizeof(buf)));
        report("removexattrat", syscall(__NR_removexattrat, AT_FDCWD, NOWHERE, 0, "user.podtrace"));
        unsigned char fa[64];
        memset(fa, 0, sizeof(fa));
        report("file_getattr", syscall(__NR_file_getattr, AT_FDCWD, NOWHERE, fa, 24UL, 0));
        report("file_setattr", syscall(__NR_file_setattr, AT_FDCWD, NOWHERE, fa, 24UL, 0));
}

static void e_uselib(void)
{
        report("uselib", syscall(NR_uselib, NOWHERE));
}

/* ---- path syscalls with a capability check that comes late, or none ------------------- */
static void e_quota(void)
{
        /* Q_GETQUOTA on a path that does not exist: natively ENOENT (ENOTBLK for one that does:
         * an existence oracle, tests/probes/leak.c) */
        char buf[128];
        report("quotactl", quotactl(QCMD(Q_GETQUOTA, USRQUOTA), NOWHERE, 0, (caddr_t)buf));
}

static void e_acct_swap(void)
{
        /* paths that do not exist: natively ENOENT, nothing switched on */
        report("acct", acct(NOWHERE));
        report("swapon", swapon(NOWHERE, 0));
        report("swapoff", swapoff(NOWHERE));
}

/* ---- Landlock: a layer of the worker's own would not bind the supervisor's emulation ----- */
static void e_landlock(void)
{
        long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
        report("landlock_create_ruleset", abi);
        struct landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE };
        long rs = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
        struct landlock_path_beneath_attr pb = { .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE };
        pb.parent_fd = open("/usr", O_PATH | O_CLOEXEC);
        report("landlock_add_rule", syscall(__NR_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0));
        close_if(pb.parent_fd);
        /* in a child: natively it really confines itself (NO_NEW_PRIVS first) */
        pid_t p = fork();
        if (p == 0) {
                prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                report("landlock_restrict_self", syscall(__NR_landlock_restrict_self, rs, 0));
                _exit(0);
        }
        reap(p, 0);
        close_if(rs);
}

/* ---- helpers for the non-syscall checks --------------------------------------------- */
static int h_open(const char *path)
{
        char c;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char name[300];
        snprintf(name, sizeof(name), "open %s", path);
        if (report(name, fd) >= 0) {
                snprintf(name, sizeof(name), "read1 %s", path);
                ssize_t n = read(fd, &c, 1);
                report(name, n);
                close(fd);
        }
        return 0;
}

static int h_status(void)
{
        FILE *f = fopen("/proc/self/status", "r");
        char line[512];
        if (!f) {
                printf("status: %s\n", errname(errno));
                return 0;
        }
        while (fgets(line, sizeof(line), f)) {
                if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4) || !strncmp(line, "Groups:", 7) ||
                    !strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs:", 11) ||
                    !strncmp(line, "Seccomp:", 8)) {
                        /* one space between fields, so the test can compare whole lines */
                        char out[512];
                        size_t o = 0;
                        int sp = 0;
                        for (char *p = line; *p && *p != '\n' && o < sizeof(out) - 1; p++) {
                                if (*p == ' ' || *p == '\t') {
                                        sp = 1;
                                        continue;
                                }
                                if (sp && o)
                                        out[o++] = ' ';
                                sp = 0;
                                out[o++] = *p;
                        }
                        out[o] = '\0';
                        printf("%s\n", out);
                }
        }
        fclose(f);
        return 0;
}

static int h_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        if (!d) {
                printf("fds: %s\n", errname(errno));
                return 0;
        }
        int own = dirfd(d), fds[1024], n = 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < 1024) {
                if (e->d_name[0] == '.')
                        continue;
                int fd = atoi(e->d_name);
                if (fd != own)
                        fds[n++] = fd;
        }
        closedir(d);
        for (int i = 1; i < n; i++)
                for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
                        int t = fds[j];
                        fds[j] = fds[j - 1];
                        fds[j - 1] = t;
                }
        printf("fds: ");
        for (int i = 0; i < n; i++)
                printf("%s%d", i ? "," : "", fds[i]);
        printf("\n");
        return 0;
}

/* ---- dispatch ----------------------------------------------------------------------- */
static const struct {
        const char *name;
        void (*fn)(void);
} escapes[] = {
        { "io_uring", e_io_uring },
        { "ptrace", e_ptrace },
        { "process_vm", e_process_vm },
        { "pidfd_getfd", e_pidfd_getfd },
        { "kcmp", e_kcmp },
        { "unshare", e_unshare },
        { "clone", e_clone },
        { "setns", e_setns },
        { "clone3", e_clone3 },
        { "mount", e_mount },
        { "newmount", e_newmount },
        { "chroot", e_chroot },
        { "pivot_root", e_pivot_root },
        { "seccomp", e_seccomp },
        { "socket", e_socket },
        { "bpf", e_bpf },
        { "perf_event_open", e_perf },
        { "userfaultfd", e_userfaultfd },
        { "kexec", e_kexec },
        { "modules", e_modules },
        { "keys", e_keys },
        { "handles", e_handles },
        { "fanotify", e_fanotify },
        { "tiocsti", e_tiocsti },
        { "xattrat", e_xattrat },
        { "uselib", e_uselib },
        { "quota", e_quota },
        { "acct_swap", e_acct_swap },
        { "landlock", e_landlock },
};
#define N_ESCAPES (sizeof(escapes) / sizeof(escapes[0]))

static void run_isolated(size_t i)
{
        pid_t p = fork();
        if (p < 0) {
                printf("%s: fork %s\n", escapes[i].name, errname(errno));
                return;
        }
        if (p == 0) {
                escapes[i].fn();
                fflush(stdout);
                _exit(0);
        }
        int st = reap(p, 0);
        if (WIFSIGNALED(st))
                printf("%s: killed by signal %d\n", escapes[i].name, WTERMSIG(st));
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc < 2)
                goto usage;
        const char *cmd = argv[1];
        if (argc >= 3)
                dir_arg = argv[2];
        if (!strcmp(cmd, "all")) {
                for (size_t i = 0; i < N_ESCAPES; i++)
                        run_isolated(i);
                return 0;
        }
        if (!strcmp(cmd, "list")) {
                for (size_t i = 0; i < N_ESCAPES; i++)
                        printf("%s\n", escapes[i].name);
                return 0;
        }
        if (!strcmp(cmd, "umount2") && argc == 3) {
                report("umount2", umount2(argv[2], 0));
                return 0;
        }
        if (!strcmp(cmd, "open") && argc == 3)
                return h_open(argv[2]);
        if (!strcmp(cmd, "status"))
                return h_status();
        if (!strcmp(cmd, "fds"))
                return h_fds();
        if (!strcmp(cmd, "userfaultfd-dev")) {
                e_userfaultfd_dev();
                return 0;
        }
        if ((!strcmp(cmd, "shmstat") || !strcmp(cmd, "msgstat")) && argc == 3) {
                int id = atoi(argv[2]);
                if (cmd[0] == 's') {
                        struct shmid_ds ds;
                        report("shmstat", shmctl(id, IPC_STAT, &ds));
                } else {
                        struct msqid_ds ds;
                        report("msgstat", msgctl(id, IPC_STAT, &ds));
                }
                return 0;
        }
        for (size_t i = 0; i < N_ESCAPES; i++)
                if (!strcmp(cmd, escapes[i].name)) {
                        run_isolated(i);
                        return 0;
                }
usage:
        fprintf(stderr, "usage: escape all DIR | NAME [DIR] | list | umount2 PATH | open PATH | status | fds |\n"
                        "       shmstat ID | msgstat ID | userfaultfd-dev\n");
        return 2;
}
