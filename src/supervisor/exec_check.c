/* SPDX-License-Identifier: MIT */
/*
 * The race-free half of the run permission, at PTRACE_EVENT_EXEC: the new image has not run
 * a single instruction, and /proc/PID/exe names what the kernel really loaded, whatever the
 * worker did to the path after the notification was decided (or with memfd_create +
 * execveat). It must be an allowed program, or the process is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers/exec_handlers.h"
#include "log/log.h"
#include "log/render.h"
#include "supervisor/target.h"
#include "util/cleanup.h"
#include "supervisor/exec_check.h"

#define PENDING 64

static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
        pid_t tid;
        struct pt_exec_grant grant;
} pending[PENDING];

void pt_exec_pending_set(struct pt_supervisor *sv, pid_t tid, const struct pt_exec_grant *grant)
{
        (void)sv;
        pthread_mutex_lock(&pending_lock);
        int free_slot = -1;
        for (int i = 0; i < PENDING; i++) {
                if (pending[i].tid == tid)
                        pending[i].tid = 0;
                if (pending[i].tid == 0 && free_slot < 0)
                        free_slot = i;
        }
        /* A full table only loses interpreter grants: such a script exec is then killed,
         * never allowed by mistake. */
        if (grant && free_slot >= 0) {
                pending[free_slot].tid = tid;
                pending[free_slot].grant = *grant;
        }
        pthread_mutex_unlock(&pending_lock);
}

bool pt_exec_pending_take(struct pt_supervisor *sv, pid_t tid, struct pt_exec_grant *ret)
{
        (void)sv;
        bool found = false;
        pthread_mutex_lock(&pending_lock);
        for (int i = 0; i < PENDING; i++)
                if (pending[i].tid == tid) {
                        *ret = pending[i].grant;
                        pending[i].tid = 0;
                        found = true;
                }
        pthread_mutex_unlock(&pending_lock);
        return found;
}

/*
 * The interpreter of a granted #! exec must have been given exactly what the kernel gives it
 * (fs/binfmt_script.c): argv[0] the #! line's interpreter, then its optional argument, then
 * the name the script was exec'd by -- and that name must lead to the script that was checked.
 * Otherwise a thread racing the exec's path buffer could run the interpreter with arguments of
 * its choosing (python3 -c ...). At PTRACE_EVENT_EXEC the process has one thread and a fresh
 * memory that only the kernel has written, so its cmdline is what the kernel built.
 */
static bool grant_matches(pid_t pid, const struct pt_exec_grant *g)
{
        char path[64], buf[8192];
        snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        if (n <= 0)
                return false;
        buf[n] = '\0';
        const char *arg[3] = { NULL, NULL, NULL };
        size_t off = 0;
        for (int i = 0; i < 3 && off < (size_t)n; i++) {
                arg[i] = buf + off;
                off += strlen(arg[i]) + 1;
        }
        int need = g->sb.has_arg ? 3 : 2;
        if (!arg[need - 1])
                return false;
        int k = 0;
        if (strcmp(arg[k++], g->sb.interp) != 0)
                return false;
        if (g->sb.has_arg && strcmp(arg[k++], g->sb.arg) != 0)
                return false;
        const char *name = arg[k];
        /* resolved in the new process's own view; any spelling that reaches the same inode is it */
        struct stat st;
        char where[PATH_MAX + 64];
        if (strncmp(name, "/dev/fd/", 8) == 0) {
                /* execveat of an fd: the kernel names the script /dev/fd/N[/rel] */
                snprintf(where, sizeof(where), "/proc/%d/fd/%s", pid, name + 8);
                if (stat(where, &st) < 0)
                        return false;
        } else {
                bool abs = name[0] == '/';
                snprintf(where, sizeof(where), "/proc/%d/%s", pid, abs ? "root" : "cwd");
                _cleanup_close_ int base = open(where, O_PATH | O_DIRECTORY | O_CLOEXEC);
                struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = abs ? RESOLVE_IN_ROOT : 0 };
                _cleanup_close_ int obj =
                        base < 0 ? -1 : (int)syscall(SYS_openat2, base, abs ? name + 1 : name, &how, sizeof(how));
                if (obj < 0 || fstat(obj, &st) < 0)
                        return false;
        }
        return st.st_dev == g->script.dev && st.st_ino == g->script.ino;
}

bool pt_exec_check(struct pt_supervisor *sv, const struct pt_exec_rules *rules, pid_t pid, pid_t former_tid)
{
        char link[64], exe[PATH_MAX];
        struct stat st;
        struct pt_exec_grant grant;

        snprintf(link, sizeof(link), "/proc/%d/exe", pid);
        bool have_grant = pt_exec_pending_take(sv, former_tid, &grant);
        if (stat(link, &st) < 0)
                goto kill; /* cannot tell what it became: fail closed */
        if (pt_exec_set_has(&rules->deny, st.st_dev, st.st_ino))
                goto kill;
        if (rules->allow_all || pt_exec_set_has(&rules->allow, st.st_dev, st.st_ino))
                return true;
        if (have_grant && grant.interp.dev == st.st_dev && grant.interp.ino == st.st_ino &&
            grant_matches(pid, &grant))
                return true;
kill:;
        ssize_t n = readlink(link, exe, sizeof(exe) - 1);
        exe[n > 0 ? n : 0] = '\0';
        struct pt_nsids ids = { pid, pid };
        pt_target_nsids(pid, &ids); /* the pid as the sandbox numbers it, like every notice */
        kill(pid, SIGKILL);
        char shown[PATH_MAX + 64];
        struct pt_buf b = { shown, 0, sizeof(shown) };
        pt_buf_quoted(&b, n > 0 ? exe : "?", false); /* the worker names its files */
        pt_log_message(sv->log,
                       "killed process %d: it became %s, which the run permission does not allow "
                       "(the program changed after it was checked, or it was not a file)",
                       ids.tid, shown);
        return false;
}
