/* SPDX-License-Identifier: MIT */
/*
 * pt_py311_addr2line against CPython 3.11 itself. stdin, from gen_linetables.py: per code
 * object one line "firstlineno hex(co_linetable) start:end:line ..." (co_lines(), with
 * line -1 for None). Every even byte offset of every range must decode to its line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisor/stack.h"

int main(void)
{
        static char line[1 << 22];
        static uint8_t table[1 << 20];
        long objects = 0, checked = 0, fails = 0;

        while (fgets(line, sizeof(line), stdin)) {
                char *save = NULL, *tok = strtok_r(line, " \n", &save);
                if (!tok)
                        continue;
                int first = atoi(tok);
                char *hex = strtok_r(NULL, " \n", &save);
                if (!hex)
                        continue;
                size_t len = strlen(hex) / 2;
                if (strcmp(hex, "-") == 0)
                        len = 0;
                for (size_t i = 0; i < len; i++) {
                        unsigned b;
                        sscanf(hex + 2 * i, "%2x", &b);
                        table[i] = (uint8_t)b;
                }
                objects++;
                while ((tok = strtok_r(NULL, " \n", &save))) {
                        int start, end, want;
                        if (sscanf(tok, "%d:%d:%d", &start, &end, &want) != 3)
                                continue;
                        for (int a = start; a < end; a += 2) {
                                int got = pt_py311_addr2line(table, len, first, a);
                                checked++;
                                if (got != want && fails++ < 20)
                                        printf("not ok - firstlineno %d, offset %d: line %d, CPython says %d\n", first, a,
                                               got, want);
                        }
                }
        }
        printf("%s - %ld code objects, %ld offsets, %ld wrong\n", fails || !checked ? "not ok" : "ok", objects, checked,
               fails);
        return fails || !checked ? 1 : 0;
}
