/* SPDX-License-Identifier: MIT */
/*
 * Sends a signal as far out as the caller's position allows:
 *   sigout pgrp    kill(0, SIGKILL): the caller's whole process group
 *   sigout stop    kill(0, SIGSTOP): freezes the process group
 *   sigout session kill(-getsid(0), SIGKILL): the session leader's group
 *   sigout all     kill(-1, SIGKILL): every process the caller may signal
 *   sigout ppid    kill(getppid(), SIGKILL)
 * Prints what it is about to do and the result (it may die of its own signal, which is
 * what natively happens).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: sigout pgrp|stop|session|all|ppid\n");
                return 2;
        }
        const char *m = argv[1];
        pid_t target;
        int sig = SIGKILL;
        if (strcmp(m, "pgrp") == 0) {
                target = 0;
        } else if (strcmp(m, "stop") == 0) {
                target = 0;
                sig = SIGSTOP;
        } else if (strcmp(m, "session") == 0) {
                target = -getsid(0);
        } else if (strcmp(m, "all") == 0) {
                target = -1;
        } else if (strcmp(m, "ppid") == 0) {
                target = getppid();
        } else {
                return 2;
        }
        printf("sigout %s: pid %d pgrp %d sid %d -> kill(%d, %d)\n", m, getpid(), getpgrp(), getsid(0), target, sig);
        fflush(stdout);
        int r = kill(target, sig);
        printf("sigout %s: %s\n", m, r == 0 ? "sent" : strerrorname_np(errno));
        return 0;
}
