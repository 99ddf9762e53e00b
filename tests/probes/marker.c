/* SPDX-License-Identifier: MIT */
/*
 * marker: the program that must not run. When it runs it says so on stdout ("marker: ran
 * PID") and, given a FILE, appends the same line there; it exits 42 so that a parent can
 * tell it from any other program. The run-permission tests deny it and count its marks.
 *
 *   marker [FILE]
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        char line[64];
        int n = snprintf(line, sizeof(line), "marker: ran %d\n", (int)getpid());
        /* write(2), not stdio: a parent killed right after still has the line */
        if (write(1, line, (size_t)n) < 0)
                return 43;
        if (argc >= 2) {
                int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
                if (fd >= 0) {
                        if (write(fd, line, (size_t)n) < 0)
                                return 44;
                        close(fd);
                }
        }
        return 42;
}
