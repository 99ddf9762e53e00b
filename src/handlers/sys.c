/* SPDX-License-Identifier: MIT */
/*
 * The sys permission (Deno's names) for a native process. docs/policy.md has the table of
 * what each name covers, and what cannot be enforced for native code.
 *
 * - uname: hostname comes from the sandbox's own UTS namespace (a neutral "podtrace" unless
 *   hostname is allowed, set by init); release and version are replaced by neutral values
 *   when osRelease is denied. The call succeeds: failing uname breaks too much.
 * - sysinfo: uptime, load averages, memory and swap are zeroed when their name is denied;
 *   the host's process count always is.
 * - getpriority/setpriority: EACCES when denied (their arguments are registers: an allowed
 *   call is let through unchanged).
 * - the /proc and /sys files behind the same facts are decided as sys, not read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include "handlers/fs_common.h"
#include "handlers/sys_handlers.h"

static bool decide(struct pt_call *c, enum pt_sys sys, char *fixbuf, size_t size)
{
        struct pt_decision d;
        /* uname and sysinfo answer neutral values rather than failing: log, no notice */
        c->no_notice = c->row->variant == PT_SYS_ROW_UNAME || c->row->variant == PT_SYS_ROW_SYSINFO;
        /* --learn keeps those neutral too (glibc's qsort calls sysinfo): not a need to learn */
        pt_learn_quiet = c->no_notice;
        pt_decide_sys(c->sv->policy, sys, &d);
        pt_learn_quiet = false;
        snprintf(fixbuf, size, "--allow-sys=%s", pt_sys_name(sys));
        c->fix = fixbuf;
        return pt_call_record(c, &d, pt_sys_name(sys));
}

void pt_handle_sys(struct pt_call *c)
{
        static __thread char fix[64];
        const __u64 *a = c->req->data.args;

        switch (c->row->variant) {
        case PT_SYS_ROW_UNAME: {
                if (decide(c, PT_SYS_OS_RELEASE, fix, sizeof(fix))) {
                        pt_reply_continue(c); /* the hostname is the namespace's own already */
                        return;
                }
                struct utsname u;
                if (uname(&u) < 0) {
                        pt_reply_error(c, errno);
                        return;
                }
                /* nodename: this thread is in the worker's UTS namespace (notify.c) */
                snprintf(u.release, sizeof(u.release), "0.0.0-podtrace");
                snprintf(u.version, sizeof(u.version), "#1 podtrace");
                /* validated right before the write (pt_fs_copy_out) */
                pt_reply_result(c, pt_fs_copy_out(c, a[0], &u, sizeof(u)));
                return;
        }
        case PT_SYS_ROW_SYSINFO: {
                bool up = decide(c, PT_SYS_OS_UPTIME, fix, sizeof(fix));
                static __thread char fix2[64], fix3[64];
                bool load = decide(c, PT_SYS_LOADAVG, fix2, sizeof(fix2));
                bool mem = decide(c, PT_SYS_SYSTEM_MEMORY_INFO, fix3, sizeof(fix3));
                struct sysinfo si;
                if (sysinfo(&si) < 0) {
                        pt_reply_error(c, errno);
                        return;
                }
                if (!up)
                        si.uptime = 0;
                if (!load)
                        memset(si.loads, 0, sizeof(si.loads));
                if (!mem) {
                        si.totalram = si.freeram = si.sharedram = si.bufferram = 0;
                        si.totalswap = si.freeswap = si.totalhigh = si.freehigh = 0;
                }
                si.procs = 0; /* the host's process count is no business of the worker's */
                pt_reply_result(c, pt_fs_copy_out(c, a[0], &si, sizeof(si)));
                return;
        }
        case PT_SYS_ROW_GETPRIORITY:
        case PT_SYS_ROW_SETPRIORITY: {
                enum pt_sys sys = c->row->variant == PT_SYS_ROW_GETPRIORITY ? PT_SYS_GET_PRIORITY : PT_SYS_SET_PRIORITY;
                if (decide(c, sys, fix, sizeof(fix)))
                        pt_reply_continue(c);
                else
                        pt_reply_error(c, EACCES);
                return;
        }
        }
        pt_reply_error(c, ENOSYS);
}

struct sys_path {
        const char *path;
        bool subtree;
        enum pt_sys sys;
};

static const struct sys_path sys_paths[] = {
        { "/proc/uptime", false, PT_SYS_OS_UPTIME },
        { "/proc/loadavg", false, PT_SYS_LOADAVG },
        { "/proc/meminfo", false, PT_SYS_SYSTEM_MEMORY_INFO },
        { "/proc/vmstat", false, PT_SYS_SYSTEM_MEMORY_INFO },
        { "/proc/swaps", false, PT_SYS_SYSTEM_MEMORY_INFO },
        { "/proc/version", false, PT_SYS_OS_RELEASE },
        { "/proc/sys/kernel/osrelease", false, PT_SYS_OS_RELEASE },
        { "/proc/sys/kernel/version", false, PT_SYS_OS_RELEASE },
        { "/proc/sys/kernel/hostname", false, PT_SYS_HOSTNAME },
        { "/proc/sys/kernel/domainname", false, PT_SYS_HOSTNAME },
        { "/proc/cpuinfo", false, PT_SYS_CPUS },
        { "/proc/stat", false, PT_SYS_CPUS },
        { "/sys/devices/system/cpu", true, PT_SYS_CPUS },
        { "/proc/self/net", true, PT_SYS_NETWORK_INTERFACES },
        { "/sys/class/net", true, PT_SYS_NETWORK_INTERFACES },
        { "/etc/passwd", false, PT_SYS_USER_INFO },
        { "/etc/group", false, PT_SYS_USER_INFO },
};

static bool covers(const struct sys_path *e, const char *canon)
{
        size_t n = strlen(e->path);
        return strncmp(canon, e->path, n) == 0 && (canon[n] == '\0' || (e->subtree && canon[n] == '/'));
}

int pt_sys_for_path(const char *canon)
{
        /* /proc/<pid>/net of any process of the sandbox shows the same network namespace as
         * /proc/self/net: one fact, whatever the spelling (per-thread spellings are folded to
         * these by the resolver, fs_resolve.c) */
        const char *after_pid = NULL;
        size_t d = strncmp(canon, "/proc/", 6) == 0 ? strspn(canon + 6, "0123456789") : 0;
        if (d > 0 && canon[6 + d] == '/')
                after_pid = canon + 6 + d;
        for (size_t i = 0; i < sizeof(sys_paths) / sizeof(sys_paths[0]); i++) {
                const struct sys_path *e = &sys_paths[i];
                if (covers(e, canon))
                        return (int)e->sys;
                if (after_pid && strncmp(e->path, "/proc/self/", 11) == 0) {
                        struct sys_path rest = { e->path + 10, e->subtree, e->sys };
                        if (covers(&rest, after_pid))
                                return (int)e->sys;
                }
        }
        return -1;
}
