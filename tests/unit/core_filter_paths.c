/* SPDX-License-Identifier: MIT */
/*
 * The worker's real seccomp filter (pt_filter_build: the handler table plus the always-denied
 * table), run by a classic-BPF interpreter (bpf_interp.h) over a struct seccomp_data for every
 * syscall number of the architecture:
 *  - every syscall libseccomp knows for x86_64 (and the newer ones listed below) is classified
 *    here as taking a path or not, so a syscall new to libseccomp or to the list fails this
 *    test until someone decides which it is;
 *  - every syscall that takes a path — a `const char __user *` filename or pathname in its
 *    kernel signature, or one reached through its arguments (socket addresses, mount sources,
 *    file handles, io_uring and BPF operations, a uprobe's path) — is notified or refused,
 *    never let through, whatever its arguments look like;
 *  - socket() and socketpair() answer as the socket kinds of docs/policy.md say, through the
 *    filter and, where it notifies, the handler's own verdict (pt_socket_verdict);
 *  - the ABI gate kills foreign architectures and x32 numbers.
 * docs/policy.md has the path table this checks ("Every syscall that takes a path").
 */
#include "unit.h"

#include <linux/audit.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <sys/socket.h>

#include "bpf_interp.h"
#include "handlers/net_handlers.h"
#include "seccomp/filter.h"

#define ARCH_TOKEN SCMP_ARCH_X86_64
#define MAX_NR 1024 /* x86_64 numbers; x32's carry bit 30 and are killed by the gate */

/* A syscall that takes a path: notified (emulated or decided) or denied outright. */
struct path_call {
        const char *name;
        char kind;     /* 'N' notified, 'D' refused by the filter */
        bool dest_arg; /* notified only when the address argument (arg 4) is set: sendto */
};

static const struct path_call path_calls[] = {
        /* a filename or pathname argument: decided on the canonical path (docs/policy.md) */
        { "open", 'N', false }, { "openat", 'N', false }, { "openat2", 'N', false }, { "creat", 'N', false },
        { "stat", 'N', false }, { "lstat", 'N', false }, { "newfstatat", 'N', false }, { "statx", 'N', false }, { "statfs", 'N', false },
        { "access", 'N', false }, { "faccessat", 'N', false }, { "faccessat2", 'N', false },
        { "readlink", 'N', false }, { "readlinkat", 'N', false },
        { "getxattr", 'N', false }, { "lgetxattr", 'N', false }, { "listxattr", 'N', false }, { "llistxattr", 'N', false },
        { "setxattr", 'N', false }, { "lsetxattr", 'N', false }, { "removexattr", 'N', false }, { "lremovexattr", 'N', false },
        { "inotify_add_watch", 'N', false }, { "chdir", 'N', false },
        { "mkdir", 'N', false }, { "mkdirat", 'N', false }, { "mknod", 'N', false }, { "mknodat", 'N', false },
        { "symlink", 'N', false }, { "symlinkat", 'N', false }, { "unlink", 'N', false }, { "unlinkat", 'N', false }, { "rmdir", 'N', false },
        { "rename", 'N', false }, { "renameat", 'N', false }, { "renameat2", 'N', false }, { "link", 'N', false }, { "linkat", 'N', false },
        { "truncate", 'N', false }, { "chmod", 'N', false }, { "fchmodat", 'N', false }, { "fchmodat2", 'N', false },
        { "chown", 'N', false }, { "lchown", 'N', false }, { "fchownat", 'N', false },
        { "utime", 'N', false }, { "utimes", 'N', false }, { "futimesat", 'N', false }, { "utimensat", 'N', false },
        { "execve", 'N', false }, { "execveat", 'N', false },
        /* a socket address that may be an AF_UNIX path */
        { "connect", 'N', false }, { "bind", 'N', false }, { "sendto", 'N', true }, { "sendmsg", 'N', false }, { "sendmmsg", 'N', false },
        /* refused: paths nobody decides */
        { "uselib", 'D', false }, { "chroot", 'D', false }, { "pivot_root", 'D', false }, { "acct", 'D', false },
        { "swapon", 'D', false }, { "swapoff", 'D', false }, { "quotactl", 'D', false }, { "fanotify_mark", 'D', false },
        { "mount", 'D', false }, { "umount2", 'D', false }, { "open_tree", 'D', false }, { "open_tree_attr", 'D', false },
        { "move_mount", 'D', false }, { "fspick", 'D', false }, { "fsconfig", 'D', false }, { "mount_setattr", 'D', false },
        { "name_to_handle_at", 'D', false }, { "open_by_handle_at", 'D', false },
        { "setxattrat", 'D', false }, { "getxattrat", 'D', false }, { "listxattrat", 'D', false }, { "removexattrat", 'D', false },
        { "file_getattr", 'D', false }, { "file_setattr", 'D', false },
        /* paths inside the operations: io_uring's openat/statx/..., BPF_OBJ_PIN/GET, uprobes */
        { "io_uring_setup", 'D', false }, { "io_uring_enter", 'D', false }, { "io_uring_register", 'D', false },
        { "bpf", 'D', false }, { "perf_event_open", 'D', false },
};

/* Everything else: no path reaches the kernel through these (fds, ids, memory, names that are
 * not file paths). Whether they are allowed is another question (the deny table). */
static const char *const not_path[] = {
        /* fds and their files */
        "read", "write", "close", "fstat", "lseek", "pread64", "pwrite64", "readv", "writev", "preadv",
        "pwritev", "preadv2", "pwritev2", "dup", "dup2", "dup3", "fcntl", "flock", "fsync", "fdatasync",
        "ftruncate", "getdents", "getdents64", "fchdir", "fchmod", "fchown", "fstatfs", "fgetxattr",
        "flistxattr", "fsetxattr", "fremovexattr", "fallocate", "fadvise64", "readahead", "sendfile",
        "splice", "tee", "vmsplice", "copy_file_range", "sync_file_range", "syncfs", "sync", "ioctl",
        "close_range", "cachestat", "pipe", "pipe2", "poll", "ppoll", "select", "pselect6", "epoll_create",
        "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl_old",
        "epoll_wait_old", "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create", "timerfd_settime",
        "timerfd_gettime", "inotify_init", "inotify_init1", "inotify_rm_watch", "fanotify_init",
        "memfd_create" /* a label, not a path */, "memfd_secret", "userfaultfd", "getcwd" /* writes one */,
        "quotactl_fd", "finit_module", "kexec_file_load", "fsopen" /* a type name */, "fsmount",
        /* sockets: addresses of other kinds go through connect/bind/send* (notified) */
        "socket", "socketpair", "accept", "accept4", "listen", "shutdown", "getsockname", "getpeername",
        "getsockopt", "setsockopt", "recvfrom", "recvmsg", "recvmmsg",
        /* memory */
        "mmap", "munmap", "mprotect", "pkey_mprotect", "pkey_alloc", "pkey_free", "brk", "mremap", "msync",
        "mincore", "madvise", "process_madvise", "mlock", "mlock2", "munlock", "mlockall", "munlockall",
        "remap_file_pages", "mbind", "set_mempolicy", "get_mempolicy", "set_mempolicy_home_node",
        "migrate_pages", "move_pages", "map_shadow_stack", "mseal",
        /* processes, threads, signals */
        "clone", "clone3", "fork", "vfork", "exit", "exit_group", "wait4", "waitid", "kill", "tkill",
        "tgkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait",
        "rt_sigqueueinfo", "rt_tgsigqueueinfo", "rt_sigsuspend", "sigaltstack", "pause", "restart_syscall",
        "set_tid_address", "set_robust_list", "get_robust_list", "futex", "futex_waitv", "futex_wake",
        "futex_wait", "futex_requeue", "rseq", "pidfd_open", "pidfd_send_signal", "pidfd_getfd",
        "process_mrelease", "process_vm_readv", "process_vm_writev", "ptrace", "kcmp", "prctl",
        "arch_prctl", "personality", "seccomp", "unshare", "setns", "set_thread_area", "get_thread_area",
        "modify_ldt", "uretprobe", "uprobe", "membarrier",
        /* identity, limits, scheduling */
        "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid",
        "getgroups", "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid",
        "setfsgid", "setgroups", "getpgid", "setpgid", "getpgrp", "getsid", "setsid", "capget", "capset",
        "getrlimit", "setrlimit", "prlimit64", "getrusage", "times", "umask", "getpriority", "setpriority",
        "ioprio_get", "ioprio_set", "sched_yield", "sched_setparam", "sched_getparam", "sched_setscheduler",
        "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval",
        "sched_setaffinity", "sched_getaffinity", "sched_setattr", "sched_getattr", "getcpu",
        "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
        /* time */
        "nanosleep", "clock_nanosleep", "clock_gettime", "clock_settime", "clock_getres", "clock_adjtime",
        "gettimeofday", "settimeofday", "adjtimex", "time", "alarm", "getitimer", "setitimer",
        "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete",
        /* System V and POSIX IPC: message queue names live in the IPC namespace's mqueue, not a path */
        "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semctl", "semtimedop", "msgget",
        "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
        "mq_notify", "mq_getsetattr",
        /* the system: names and ids, not paths */
        "uname", "sysinfo", "syslog", "sethostname", "setdomainname", "getrandom", "reboot", "sysfs",
        "ustat", "vhangup", "iopl", "ioperm", "init_module", "delete_module", "kexec_load", "add_key",
        "request_key", "keyctl", "lookup_dcookie", "statmount", "listmount", "listns",
        "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
        /* asynchronous I/O on fds */
        "io_setup", "io_destroy", "io_getevents", "io_pgetevents", "io_submit", "io_cancel",
        /* never implemented on x86_64 (sys_ni_syscall) */
        "_sysctl", "create_module", "get_kernel_syms", "query_module", "nfsservctl", "getpmsg", "putpmsg",
        "afs_syscall", "tuxcall", "security", "vserver",
};

/* Newer than libseccomp 2.5.4's table (which ends at 456), with their x86_64 numbers. */
static const struct {
        int nr;
        const char *name;
} newer[] = {
        { 335, "uretprobe" }, { 336, "uprobe" }, { 457, "statmount" }, { 458, "listmount" },
        { 459, "lsm_get_self_attr" }, { 460, "lsm_set_self_attr" }, { 461, "lsm_list_modules" },
        { 462, "mseal" }, { 463, "setxattrat" }, { 464, "getxattrat" }, { 465, "listxattrat" },
        { 466, "removexattrat" }, { 467, "open_tree_attr" }, { 468, "file_getattr" },
        { 469, "file_setattr" }, { 470, "listns" },
};

static struct sock_fprog prog;

static int setup(void **state)
{
        (void)state;
        return pt_filter_build(&prog);
}

static int teardown(void **state)
{
        (void)state;
        free(prog.filter);
        return 0;
}

static int newer_nr(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(newer); i++)
                if (strcmp(newer[i].name, name) == 0)
                        return newer[i].nr;
        return -1;
}

/* The x86_64 number of a syscall name, or -1. */
static int nr_of(const char *name)
{
        int nr = seccomp_syscall_resolve_name_arch(ARCH_TOKEN, name);
        return nr >= 0 ? nr : newer_nr(name);
}

/* The name of a number: libseccomp's, else ours; NULL for a hole in the table. */
static char *name_of(int nr)
{
        char *s = seccomp_syscall_resolve_num_arch(ARCH_TOKEN, nr);
        if (s)
                return s;
        for (size_t i = 0; i < ARRAY_SIZE(newer); i++)
                if (newer[i].nr == nr)
                        return strdup(newer[i].name);
        return NULL;
}

static const struct path_call *path_call(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(path_calls); i++)
                if (strcmp(path_calls[i].name, name) == 0)
                        return &path_calls[i];
        return NULL;
}

static bool is_not_path(const char *name)
{
        for (size_t i = 0; i < ARRAY_SIZE(not_path); i++)
                if (strcmp(not_path[i], name) == 0)
                        return true;
        return false;
}

static uint32_t run_filter(int nr, const uint64_t args[6])
{
        struct seccomp_data d;
        memset(&d, 0, sizeof(d));
        d.nr = nr;
        d.arch = AUDIT_ARCH_X86_64;
        d.instruction_pointer = 0x401000;
        for (int i = 0; i < 6; i++)
                d.args[i] = args[i];
        return bpf_interp_run(prog.filter, prog.len, &d);
}

static void verdict_text(uint32_t v, char *buf, size_t size)
{
        uint32_t act = v & SECCOMP_RET_ACTION_FULL;
        if (v == BPF_INTERP_BAD)
                snprintf(buf, size, "a program the kernel would refuse");
        else if (act == SECCOMP_RET_ALLOW)
                snprintf(buf, size, "ALLOW");
        else if (act == SECCOMP_RET_USER_NOTIF)
                snprintf(buf, size, "NOTIFY");
        else if (act == SECCOMP_RET_ERRNO)
                snprintf(buf, size, "ERRNO(%s)", strerrorname_np((int)(v & SECCOMP_RET_DATA)) ?: "?");
        else if (act == SECCOMP_RET_KILL_PROCESS)
                snprintf(buf, size, "KILL_PROCESS");
        else if (act == SECCOMP_RET_KILL_THREAD)
                snprintf(buf, size, "KILL_THREAD");
        else
                snprintf(buf, size, "action %#x", v);
}

/* Every syscall of the architecture is classified, and every classified name exists. */
static void test_every_syscall_classified(void **state)
{
        (void)state;
        int unclassified = 0, known = 0;
        for (int nr = 0; nr < MAX_NR; nr++) {
                char *name = name_of(nr);
                if (!name)
                        continue;
                known++;
                bool p = path_call(name) != NULL, np = is_not_path(name);
                if (!p && !np) {
                        print_error("syscall %d (%s) is in neither list: does it take a path? Classify it "
                                    "in tests/unit/core_filter_paths.c (and docs/policy.md)\n", nr, name);
                        unclassified++;
                }
                if (p && np) {
                        print_error("syscall %d (%s) is in both lists\n", nr, name);
                        unclassified++;
                }
                free(name);
        }
        assert_int_equal(unclassified, 0);
        assert_true(known > 350); /* libseccomp's table was there at all */

        for (size_t i = 0; i < ARRAY_SIZE(path_calls); i++)
                if (nr_of(path_calls[i].name) < 0)
                        fail_msg("path list: no syscall named %s", path_calls[i].name);
        for (size_t i = 0; i < ARRAY_SIZE(not_path); i++)
                if (nr_of(not_path[i]) < 0)
                        fail_msg("not-a-path list: no syscall named %s", not_path[i]);
        /* a libseccomp that learns a newer syscall must agree on its number */
        for (size_t i = 0; i < ARRAY_SIZE(newer); i++) {
                int lib = seccomp_syscall_resolve_name_arch(ARCH_TOKEN, newer[i].name);
                if (lib >= 0 && lib != newer[i].nr)
                        fail_msg("%s: libseccomp says %d, the list %d", newer[i].name, lib, newer[i].nr);
        }
}

/*
 * Every path-taking syscall is notified or refused, with argument patterns a caller could
 * use: plausible pointers, zeros, all ones. sendto without a destination (arg 4 NULL) goes to
 * the connected peer, decided at connect: only its pointer pattern must notify.
 */
static void test_path_calls_never_allowed(void **state)
{
        (void)state;
        static const uint64_t patterns[][6] = {
                { 0x7ffc10000000ull, 0x7ffc10001000ull, 0x7ffc10002000ull, 0x7ffc10003000ull, 0x7ffc10004000ull,
                  0x7ffc10005000ull },
                { 0, 0, 0, 0, 0, 0 },
                { ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull },
                { (uint64_t)-100 /* AT_FDCWD */, 0x7ffc10001000ull, 0, 0, 0x7ffc10004000ull, 0 },
        };
        int bad = 0;
        print_message("%-20s %-5s %s\n", "syscall", "nr", "filter answer");
        for (size_t i = 0; i < ARRAY_SIZE(path_calls); i++) {
                const struct path_call *pc = &path_calls[i];
                int nr = nr_of(pc->name);
                char text[64];
                for (size_t k = 0; k < ARRAY_SIZE(patterns); k++) {
                        if (pc->dest_arg && patterns[k][4] == 0)
                                continue;
                        uint32_t v = run_filter(nr, patterns[k]);
                        uint32_t act = v & SECCOMP_RET_ACTION_FULL;
                        verdict_text(v, text, sizeof(text));
                        bool notified = act == SECCOMP_RET_USER_NOTIF;
                        bool refused = v != BPF_INTERP_BAD &&
                                       (act == SECCOMP_RET_ERRNO || act == SECCOMP_RET_KILL_PROCESS ||
                                        act == SECCOMP_RET_KILL_THREAD);
                        if (!(pc->kind == 'N' ? notified : refused)) {
                                print_error("%s (%d), argument pattern %zu: %s, expected %s\n", pc->name, nr, k, text,
                                            pc->kind == 'N' ? "NOTIFY" : "refused (ERRNO or KILL)");
                                bad++;
                        }
                }
                uint32_t v = run_filter(nr, patterns[0]);
                verdict_text(v, text, sizeof(text));
                print_message("%-20s %-5d %s\n", pc->name, nr, text);
        }
        assert_int_equal(bad, 0);
}

/* Control: the interpreter can say ALLOW, and the gate kills what is not native. */
static void test_controls_and_gate(void **state)
{
        (void)state;
        const uint64_t none[6] = { 0 };
        assert_int_equal(run_filter(nr_of("getpid"), none), SECCOMP_RET_ALLOW);
        assert_int_equal(run_filter(nr_of("exit_group"), none), SECCOMP_RET_ALLOW); /* never notified */
        assert_int_equal(run_filter(nr_of("read"), none), SECCOMP_RET_ALLOW);
        assert_int_equal(run_filter(nr_of("openat"), none) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_USER_NOTIF);
        /* an x32 number of openat */
        assert_int_equal(run_filter(0x40000000 | nr_of("openat"), none), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(run_filter(0x40000000 | nr_of("getpid"), none), SECCOMP_RET_KILL_PROCESS);
        struct seccomp_data d;
        memset(&d, 0, sizeof(d));
        d.nr = 5; /* i386 open */
        d.arch = AUDIT_ARCH_I386;
        assert_int_equal(bpf_interp_run(prog.filter, prog.len, &d), SECCOMP_RET_KILL_PROCESS);
}

/* docs/policy.md (net): the kinds of socket the policy governs, and what the rest get. */
static int expected_socket(int family, int type, int protocol)
{
        int kind = type & 0xf;
        switch (family) {
        case AF_UNIX:
                return 0;
        case AF_PACKET:
                return EPERM;
        case AF_NETLINK:
                return protocol == NETLINK_ROUTE ? 0 : EPROTONOSUPPORT;
        case AF_INET:
        case AF_INET6:
                if (kind == SOCK_RAW)
                        return EPERM;
                if (kind == SOCK_STREAM)
                        return protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP ? 0 : EPROTONOSUPPORT;
                if (kind == SOCK_DGRAM)
                        return protocol == 0 || protocol == IPPROTO_UDP || protocol == IPPROTO_UDPLITE ||
                                               protocol == (family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6)
                                       ? 0
                                       : EPROTONOSUPPORT;
                return ESOCKTNOSUPPORT;
        default:
                return EAFNOSUPPORT;
        }
}

/* What the worker gets: the filter's answer, or the handler's where the filter notifies. */
static int socket_answer(const uint64_t a[6], bool *ret_notified)
{
        uint32_t v = run_filter(nr_of("socket"), a);
        uint32_t act = v & SECCOMP_RET_ACTION_FULL;
        *ret_notified = act == SECCOMP_RET_USER_NOTIF;
        if (act == SECCOMP_RET_ALLOW)
                return 0;
        if (act == SECCOMP_RET_ERRNO)
                return (int)(v & SECCOMP_RET_DATA);
        if (*ret_notified)
                return pt_socket_verdict((int)a[0], (int)a[1], (int)a[2]);
        return -1;
}

static void test_socket_kinds(void **state)
{
        (void)state;
        static const uint64_t extra_families[] = { 99, 255, 0x10000, (uint64_t)-1, 1ull << 32 | AF_UNIX,
                                                   1ull << 32 | AF_INET, 1ull << 32 | AF_PACKET };
        uint64_t families[64 + ARRAY_SIZE(extra_families)];
        size_t nf = 0;
        for (int f = 0; f < 64; f++)
                families[nf++] = (uint64_t)f;
        for (size_t i = 0; i < ARRAY_SIZE(extra_families); i++)
                families[nf++] = extra_families[i];
        int bad = 0;
        for (size_t fi = 0; fi < nf; fi++)
                for (int type = 0; type < 16; type++)
                        for (int flags = 0; flags < 2; flags++)
                                for (int proto = -1; proto < 300; proto++) {
                                        uint64_t a[6] = { families[fi],
                                                          (uint64_t)(type | (flags ? SOCK_CLOEXEC | SOCK_NONBLOCK : 0)),
                                                          (uint64_t)(int64_t)proto, 0, 0, 0 };
                                        bool notified;
                                        int got = socket_answer(a, &notified);
                                        int want = expected_socket((int)a[0], (int)a[1], proto);
                                        if (got != want && bad++ < 20)
                                                print_error("socket(%#llx, %#llx, %d): %d, expected %d\n",
                                                            (unsigned long long)a[0], (unsigned long long)a[1], proto,
                                                            got, want);
                                }
        assert_int_equal(bad, 0);

        /* where it is decided: AF_UNIX in the filter (no notification); AF_PACKET and raw IP by
         * the deny table's rows in the filter itself, whatever the notified row says */
        bool notified;
        uint64_t unix_stream[6] = { AF_UNIX, SOCK_STREAM, 0 };
        assert_int_equal(socket_answer(unix_stream, &notified), 0);
        assert_false(notified);
        uint64_t packet[6] = { AF_PACKET, SOCK_RAW, 0x300 };
        assert_int_equal(run_filter(nr_of("socket"), packet), SECCOMP_RET_ERRNO | EPERM);
        uint64_t raw4[6] = { AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP };
        assert_int_equal(run_filter(nr_of("socket"), raw4), SECCOMP_RET_ERRNO | EPERM);
        uint64_t raw6[6] = { AF_INET6, SOCK_RAW, IPPROTO_RAW };
        assert_int_equal(run_filter(nr_of("socket"), raw6), SECCOMP_RET_ERRNO | EPERM);
        uint64_t uevent[6] = { AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT };
        assert_int_equal(socket_answer(uevent, &notified), EPROTONOSUPPORT);
        assert_true(notified);
        uint64_t route[6] = { AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE };
        assert_int_equal(socket_answer(route, &notified), 0);

        /* socketpair: AF_UNIX only, in the filter */
        for (size_t fi = 0; fi < nf; fi++) {
                uint64_t a[6] = { families[fi], SOCK_STREAM, 0 };
                uint32_t v = run_filter(nr_of("socketpair"), a);
                uint32_t want = families[fi] == AF_UNIX ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EAFNOSUPPORT;
                if (v != want)
                        fail_msg("socketpair(%#llx): %#x, expected %#x", (unsigned long long)families[fi], v, want);
        }
}

int main(void)
{
#if !defined(__x86_64__)
        printf("1..0 # SKIP the syscall lists are x86_64's\n");
        return 0;
#endif
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_syscall_classified),
                cmocka_unit_test(test_controls_and_gate),
                cmocka_unit_test(test_path_calls_never_allowed),
                cmocka_unit_test(test_socket_kinds),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
