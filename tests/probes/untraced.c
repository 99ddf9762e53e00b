/* SPDX-License-Identifier: MIT */
/*
 * clone(CLONE_UNTRACED | SIGCHLD): a child that a tracer's PTRACE_O_TRACEFORK would not
 * follow, so a PTRACE_EVENT_EXEC check would never see its execs.
 *   untraced [PROGRAM ARGS...]
 * Without arguments the child exits at once; with them it execs PROGRAM. Prints
 * "clone-untraced: ok" (then the child's exit status) or the errno name.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        long pid = syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, NULL, NULL, 0);
        if (pid < 0) {
                printf("clone-untraced: %s\n", strerrorname_np(errno));
                return 0;
        }
        if (pid == 0) {
                if (argc > 1)
                        execv(argv[1], argv + 1);
                _exit(argc > 1 ? 127 : 0);
        }
        int status;
        waitpid((pid_t)pid, &status, 0);
        printf("clone-untraced: ok\n");
        printf("child: %s %d\n", WIFEXITED(status) ? "exit" : "signal",
               WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return 0;
}
