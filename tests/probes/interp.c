/* SPDX-License-Identifier: MIT */
/*
 * A #! interpreter for the exec race of the run permission: run as the interpreter of a
 * script whose name ends in "/ok_scr" (argv[1], as the kernel passes it) it exits 0; run any
 * other way -- directly, with arguments of the caller's choosing -- it prints
 * "interp: ran directly" and exits 42.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        size_t n = argc >= 2 ? strlen(argv[1]) : 0;
        if (n >= 7 && strcmp(argv[1] + n - 7, "/ok_scr") == 0)
                return 0;
        printf("interp: ran directly\n");
        return 42;
}
