/* SPDX-License-Identifier: MIT */
/*
 * Always refused, whatever the policy (design 4.4). Each row says why and what it breaks.
 * The worker also has no capabilities and NO_NEW_PRIVS, so most of these would fail anyway;
 * the table makes the refusal explicit, early and independent of the kernel's cap checks.
 */
#include <errno.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "seccomp/filter.h"
#include "seccomp/nr.h"

#define ANY -1, 0, 0
#define CLONE_NS_ROW(flag)                                                                          \
        { __NR_clone, "clone(" #flag ")", EPERM, 0, flag, flag,                                       \
          "a new namespace would escape the sandbox's mount/pid/net view and the policy's rules",    \
          "nested containers and sandboxes inside the worker" }

/* Most rows are positional and test one argument at most; the trailing fields (ne, a second
 * condition) are left zero there, which is what they mean. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct pt_deny_row rows[] = {
        { __NR_io_uring_setup, "io_uring_setup", ENOSYS, ANY,
          "io_uring operations run in kernel workers that seccomp never sees", "io_uring users fall back to syscalls" },
        { __NR_io_uring_enter, "io_uring_enter", ENOSYS, ANY, "as io_uring_setup", "as io_uring_setup" },
        { __NR_io_uring_register, "io_uring_register", ENOSYS, ANY, "as io_uring_setup", "as io_uring_setup" },
        { __NR_ptrace, "ptrace", EPERM, ANY,
          "a tracer can rewrite a sibling's syscalls after the supervisor decided them", "debuggers, strace inside the sandbox" },
        { __NR_process_vm_readv, "process_vm_readv", EPERM, ANY,
          "reads another worker process's memory without the policy", "debuggers, profilers" },
        { __NR_process_vm_writev, "process_vm_writev", EPERM, ANY,
          "writes another worker process's memory, e.g. a path between check and use", "debuggers" },
        { __NR_pidfd_getfd, "pidfd_getfd", EPERM, ANY,
          "steals file descriptors from another process", "fd-passing tools built on pidfd" },
        { __NR_kcmp, "kcmp", EPERM, ANY, "probes other processes' kernel objects", "CRIU-style checkpointing" },
        { __NR_mount, "mount", EPERM, ANY, "changes the worker's view of the filesystem", "mounting anything" },
        { __NR_umount2, "umount2", EPERM, ANY, "uncovers what the sandbox mounted over (the private /proc)", "unmounting" },
        { __NR_fsopen, "fsopen", EPERM, ANY, "new mount API: as mount", "as mount" },
        { __NR_fsconfig, "fsconfig", EPERM, ANY, "new mount API: as mount", "as mount" },
        { __NR_fsmount, "fsmount", EPERM, ANY, "new mount API: as mount", "as mount" },
        { __NR_fspick, "fspick", EPERM, ANY, "new mount API: as mount", "as mount" },
        { __NR_move_mount, "move_mount", EPERM, ANY, "new mount API: as mount", "as mount" },
        { __NR_open_tree, "open_tree", EPERM, ANY, "opens or clones mount trees by path, unchecked", "as mount" },
        { __NR_open_tree_attr, "open_tree_attr", EPERM, ANY, "as open_tree", "as mount" },
        { __NR_mount_setattr, "mount_setattr", EPERM, ANY, "changes mount flags (read-only /proc/sys)", "as mount" },
        { __NR_chroot, "chroot", EPERM, ANY, "changes the root the supervisor resolves paths in", "chroot jails inside" },
        { __NR_pivot_root, "pivot_root", EPERM, ANY, "as chroot", "container runtimes inside" },
        { __NR_quotactl, "quotactl", EPERM, ANY,
          "its block-device path is looked up before any permission check: ENOTBLK against ENOENT "
          "tells whether a denied file exists",
          "quota(1), repquota inside the sandbox (quotactl_fd, which takes an fd, still works)" },
        { __NR_acct, "acct", EPERM, ANY, "process accounting written to a path nobody decided",
          "nothing: it needs CAP_SYS_PACCT, which the worker lacks" },
        { __NR_swapon, "swapon", EPERM, ANY, "a path nobody decided", "nothing: it needs CAP_SYS_ADMIN" },
        { __NR_swapoff, "swapoff", EPERM, ANY, "as swapon", "as swapon" },
        { __NR_unshare, "unshare", EPERM, ANY,
          "new namespaces (a user namespace regains capabilities inside it)", "unshare(1), nested sandboxes" },
        { __NR_setns, "setns", EPERM, ANY, "joins other namespaces", "nsenter(1)" },
        CLONE_NS_ROW(CLONE_NEWNS),
        CLONE_NS_ROW(CLONE_NEWUTS),
        CLONE_NS_ROW(CLONE_NEWIPC),
        CLONE_NS_ROW(CLONE_NEWUSER),
        CLONE_NS_ROW(CLONE_NEWPID),
        CLONE_NS_ROW(CLONE_NEWNET),
        CLONE_NS_ROW(CLONE_NEWCGROUP),
        { __NR_clone, "clone(CLONE_UNTRACED)", EPERM, 0, CLONE_UNTRACED, CLONE_UNTRACED,
          "a child made untraced escapes the PTRACE_EVENT_EXEC check of the run permission",
          "nothing: only debuggers' helpers ask for it" },
        { __NR_clone3, "clone3", ENOSYS, ANY,
          "its flags live in memory, where the filter cannot check them for CLONE_NEW*",
          "nothing: libc falls back to clone on ENOSYS" },
        { __NR_seccomp, "seccomp(SET_MODE_FILTER)", EPERM, 0, 0xffffffffu, SECCOMP_SET_MODE_FILTER,
          "a newer filter's notifications come first and its CONTINUE overrides ours",
          "programs that sandbox themselves with seccomp (Chromium, Firefox)" },
        { __NR_prctl, "prctl(PR_SET_SECCOMP)", EPERM, 0, 0xffffffffu, PR_SET_SECCOMP, "as seccomp", "as seccomp" },
        { __NR_bpf, "bpf", EPERM, ANY, "kernel programs and maps outside the policy", "eBPF tools" },
        { __NR_perf_event_open, "perf_event_open", EPERM, ANY, "kernel and other-process observation",
          "perf, profilers" },
        { __NR_userfaultfd, "userfaultfd", EPERM, ANY,
          "pauses the supervisor's reads of worker memory at will (stalls, TOCTOU widening)", "live migration tools" },
        { __NR_kexec_load, "kexec_load", EPERM, ANY, "replaces the running kernel", "nothing legitimate" },
        { __NR_kexec_file_load, "kexec_file_load", EPERM, ANY, "as kexec_load", "nothing legitimate" },
        { __NR_init_module, "init_module", EPERM, ANY, "loads kernel code", "nothing legitimate" },
        { __NR_finit_module, "finit_module", EPERM, ANY, "loads kernel code", "nothing legitimate" },
        { __NR_delete_module, "delete_module", EPERM, ANY, "unloads kernel code", "nothing legitimate" },
        { __NR_keyctl, "keyctl", EPERM, ANY, "the kernel keyring is not namespaced", "kernel keyring users" },
        { __NR_add_key, "add_key", EPERM, ANY, "as keyctl", "as keyctl" },
        { __NR_request_key, "request_key", EPERM, ANY, "as keyctl", "as keyctl" },
        { __NR_socket, "socket(AF_PACKET)", EPERM, 0, 0xffffffffu, AF_PACKET,
          "raw link-layer access bypasses the proxy and the address rules", "packet capture" },
        /* raw IP only: netlink sockets are SOCK_RAW too (the other families are refused by
         * the socket row of the handler table, src/handlers/net_family.c) */
        { .nr = __NR_socket, .name = "socket(AF_INET, SOCK_RAW)", .err = EPERM, .arg = 0, .mask = 0xffffffffu,
          .value = AF_INET, .arg2 = 1, .mask2 = 0xf, .value2 = SOCK_RAW,
          .why = "raw IP bypasses the address rules",
          .breaks = "ping, traceroute (ICMP datagram sockets, the unprivileged ping, remain)" },
        { .nr = __NR_socket, .name = "socket(AF_INET6, SOCK_RAW)", .err = EPERM, .arg = 0, .mask = 0xffffffffu,
          .value = AF_INET6, .arg2 = 1, .mask2 = 0xf, .value2 = SOCK_RAW,
          .why = "as socket(AF_INET, SOCK_RAW)", .breaks = "as socket(AF_INET, SOCK_RAW)" },
        { .nr = __NR_socketpair, .name = "socketpair(not AF_UNIX)", .err = EAFNOSUPPORT, .arg = 0, .ne = true,
          .value = AF_UNIX, .why = "a pair of another family (AF_TIPC) is a socket the policy does not govern",
          .breaks = "nothing: only AF_UNIX and AF_TIPC make pairs" },
        { __NR_name_to_handle_at, "name_to_handle_at", EPERM, ANY,
          "file handles reopen files without a path, bypassing path rules", "NFS-style servers" },
        { __NR_open_by_handle_at, "open_by_handle_at", EPERM, ANY, "as name_to_handle_at (the shocker escape)",
          "NFS-style servers" },
        { __NR_fanotify_init, "fanotify_init", EPERM, ANY,
          "filesystem-wide observation by path outside the read rules", "fanotify-based watchers" },
        { __NR_fanotify_mark, "fanotify_mark", EPERM, ANY,
          "takes a path nobody decided (no fanotify group can exist: fanotify_init is refused)",
          "as fanotify_init" },
        { __NR_ioctl, "ioctl(TIOCSTI)", EPERM, 1, 0xffffffffu, TIOCSTI,
          "pushes input into the shared terminal: commands run outside the sandbox", "nothing legitimate" },
        { __NR_ioctl, "ioctl(TIOCLINUX)", EPERM, 1, 0xffffffffu, TIOCLINUX,
          "console selection paste: as TIOCSTI", "nothing legitimate" },
        { __NR_setxattrat, "setxattrat", ENOSYS, ANY, "path-based and not emulated yet (Linux 6.13)",
          "nothing: libc uses setxattr" },
        { __NR_getxattrat, "getxattrat", ENOSYS, ANY, "as setxattrat", "nothing: libc uses getxattr" },
        { __NR_listxattrat, "listxattrat", ENOSYS, ANY, "as setxattrat", "nothing: libc uses listxattr" },
        { __NR_removexattrat, "removexattrat", ENOSYS, ANY, "as setxattrat", "nothing: libc uses removexattr" },
        { __NR_file_getattr, "file_getattr", ENOSYS, ANY, "path-based and not emulated yet (Linux 6.17)",
          "nothing: tools use ioctl(FS_IOC_FSGETXATTR)" },
        { __NR_file_setattr, "file_setattr", ENOSYS, ANY, "as file_getattr", "as file_getattr" },
        { PT_NR_uselib, "uselib", EPERM, ANY, "loads a library by path, unchecked", "nothing (a.out era)" },
        /* podtrace's own Landlock layer is applied before this filter is installed (sandbox/worker.c) */
        { __NR_landlock_create_ruleset, "landlock_create_ruleset", ENOSYS, ANY,
          "a layer of the worker's own binds the kernel's opens but not the supervisor's emulation of "
          "them: the program would believe itself confined when it is not; ENOSYS says Landlock is "
          "unavailable",
          "programs that confine themselves with Landlock run without that layer, as on a kernel without it" },
        { __NR_landlock_add_rule, "landlock_add_rule", ENOSYS, ANY, "as landlock_create_ruleset",
          "as landlock_create_ruleset" },
        { __NR_landlock_restrict_self, "landlock_restrict_self", ENOSYS, ANY, "as landlock_create_ruleset",
          "as landlock_create_ruleset" },
};
#pragma GCC diagnostic pop

const struct pt_deny_row *pt_deny_rows(size_t *ret_n)
{
        *ret_n = sizeof(rows) / sizeof(rows[0]);
        return rows;
}
