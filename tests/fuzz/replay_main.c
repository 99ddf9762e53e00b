/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz corpus without libFuzzer, so any compiler (and the ASan build) runs the
 * committed inputs as a regression test: each argument is a file or a directory of files,
 * each file is one call of LLVMFuzzerTestOneInput. A crash or an oracle abort fails it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
        FILE *f = fopen(path, "rbe");
        if (!f) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -1;
        }
        size_t cap = 4096, len = 0;
        uint8_t *buf = malloc(cap);
        for (;;) {
                if (!buf)
                        break;
                len += fread(buf + len, 1, cap - len, f);
                if (len < cap)
                        break;
                uint8_t *nbuf = realloc(buf, cap * 2);
                if (!nbuf) {
                        free(buf);
                        buf = NULL;
                        break;
                }
                buf = nbuf;
                cap *= 2;
        }
        int bad = ferror(f);
        fclose(f);
        if (!buf || bad) {
                fprintf(stderr, "%s: cannot read\n", path);
                free(buf);
                return -1;
        }
        /* an exact-size copy, so ASan sees reads past the end */
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact) {
                free(buf);
                return -1;
        }
        memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        return 0;
}

static int cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
        DIR *d = opendir(dir);
        if (!d) {
                fprintf(stderr, "%s: %s\n", dir, strerror(errno));
                return -1;
        }
        char **names = NULL;
        size_t n = 0;
        int r = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                char **v = realloc(names, (n + 1) * sizeof(*v));
                if (!v || !(v[n] = strdup(de->d_name))) {
                        names = v ? v : names;
                        r = -1;
                        break;
                }
                names = v;
                n++;
        }
        closedir(d);
        qsort(names, n, sizeof(*names), cmp);
        for (size_t i = 0; i < n && r == 0; i++) {
                char path[4096];
                snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                r = run_file(path);
                (*count)++;
        }
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        return r;
}

int main(int argc, char **argv)
{
        size_t count = 0;
        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        return 1;
                }
                int r = S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) : (count++, run_file(argv[i]));
                if (r < 0)
                        return 1;
        }
        printf("%zu inputs replayed\n", count);
        return count ? 0 : 1;
}
