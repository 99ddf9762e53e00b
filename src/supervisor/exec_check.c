/* SPDX-License-Identifier: MIT */
/*
 * The race-free half of the run permission, at PTRACE_EVENT_EXEC: the new image has not run
 * a single instruction, and /proc/PID/exe names what the kernel really loaded, whatever the
 * worker did to the path after the notification was decided (or with memfd_create +
 * execveat). It must be an allowed program, or the process is killed.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handlers/exec_handlers.h"
#include "log/log.h"
#include "supervisor/target.h"
#include "supervisor/exec_check.h"

#define PENDING 64

static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
        pid_t tid;
        struct pt_exec_id id;
} pending[PENDING];

void pt_exec_pending_set(struct pt_supervisor *sv, pid_t tid, const struct pt_exec_id *interp)
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
        if (interp && free_slot >= 0) {
                pending[free_slot].tid = tid;
                pending[free_slot].id = *interp;
        }
        pthread_mutex_unlock(&pending_lock);
}

bool pt_exec_pending_take(struct pt_supervisor *sv, pid_t tid, struct pt_exec_id *ret)
{
        (void)sv;
        bool found = false;
        pthread_mutex_lock(&pending_lock);
        for (int i = 0; i < PENDING; i++)
                if (pending[i].tid == tid) {
                        *ret = pending[i].id;
                        pending[i].tid = 0;
                        found = true;
                }
        pthread_mutex_unlock(&pending_lock);
        return found;
}

bool pt_exec_check(struct pt_supervisor *sv, const struct pt_exec_rules *rules, pid_t pid, pid_t former_tid)
{
        char link[64], exe[PATH_MAX];
        struct stat st;
        struct pt_exec_id interp = { 0, 0 };

        snprintf(link, sizeof(link), "/proc/%d/exe", pid);
        bool have_interp = pt_exec_pending_take(sv, former_tid, &interp);
        if (stat(link, &st) < 0)
                goto kill; /* cannot tell what it became: fail closed */
        if (pt_exec_set_has(&rules->deny, st.st_dev, st.st_ino))
                goto kill;
        if (rules->allow_all || pt_exec_set_has(&rules->allow, st.st_dev, st.st_ino))
                return true;
        if (have_interp && interp.dev == st.st_dev && interp.ino == st.st_ino)
                return true;
kill:;
        ssize_t n = readlink(link, exe, sizeof(exe) - 1);
        exe[n > 0 ? n : 0] = '\0';
        struct pt_nsids ids = { pid, pid };
        pt_target_nsids(pid, &ids); /* the pid as the sandbox numbers it, like every notice */
        kill(pid, SIGKILL);
        pt_log_message(sv->log,
                       "killed process %d: it became \"%s\", which the run permission does not allow "
                       "(the program changed after it was checked, or it was not a file)",
                       ids.tid, n > 0 ? exe : "?");
        return false;
}
