/* SPDX-License-Identifier: MIT */
/* NULL-terminated string vectors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run/program.h"

int pt_strv_push(char ***vec, size_t *n, const char *s)
{
        char **v = realloc(*vec, (*n + 2) * sizeof(char *));
        if (!v)
                return -ENOMEM;
        *vec = v;
        v[*n] = strdup(s);
        if (!v[*n])
                return -ENOMEM;
        v[++*n] = NULL;
        return 0;
}

void pt_strv_free(char **v)
{
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}
