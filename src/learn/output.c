/* SPDX-License-Identifier: MIT */
/* The end of a --learn run: merge into the file, write it atomically, say what was learned. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "learn/learn.h"

static char *read_file(const char *path, int *err)
{
        FILE *f = fopen(path, "re");
        *err = 0;
        if (!f) {
                *err = errno == ENOENT ? 0 : -errno;
                return NULL;
        }
        char *buf = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
                if (len + 4096 + 1 > cap) {
                        cap = (len + 4096 + 1) * 2;
                        char *b = realloc(buf, cap);
                        if (!b) {
                                *err = -ENOMEM;
                                break;
                        }
                        buf = b;
                }
                size_t got = fread(buf + len, 1, 4096, f);
                len += got;
                if (got < 4096)
                        break;
        }
        if (ferror(f) && !*err)
                *err = -EIO;
        fclose(f);
        if (*err) {
                free(buf);
                return NULL;
        }
        buf[len] = '\0';
        return buf;
}

/* Write `text` to path through a temporary file in the same directory and a rename. */
static int write_atomically(const char *path, const char *text)
{
        char tmp[PATH_MAX];
        if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
                return -ENAMETOOLONG;
        int fd = mkstemp(tmp);
        if (fd < 0)
                return -errno;
        size_t len = strlen(text), off = 0;
        int r = 0;
        while (off < len && r == 0) {
                ssize_t w = write(fd, text + off, len - off);
                if (w < 0 && errno != EINTR)
                        r = -errno;
                else if (w > 0)
                        off += (size_t)w;
        }
        if (r == 0 && (write(fd, "\n", 1) != 1 || fchmod(fd, 0644) < 0 || fsync(fd) < 0))
                r = -errno;
        close(fd);
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                unlink(tmp);
        return r;
}

int pt_learn_finish(struct pt_learner *l, const char *file, int exit_code)
{
        size_t n;
        bool overflow;
        const struct pt_learn_entry *v = pt_learner_entries(l, &n, &overflow);
        int err;
        char *existing = read_file(file, &err);
        if (err < 0) {
                fprintf(stderr, "podtrace: --learn: cannot read %s: %s\n", file, strerror(-err));
                return err;
        }
        struct pt_learned out;
        struct pt_error perr = { "" };
        int r = pt_learn_build(v, n, existing, getenv("HOME"), &out, &perr);
        if (r < 0) {
                fprintf(stderr, "podtrace: --learn: %s: %s\n", file, perr.msg);
                free(existing);
                return r;
        }
        r = write_atomically(file, out.json);
        if (r < 0) {
                fprintf(stderr, "podtrace: --learn: cannot write %s: %s\n", file, strerror(-r));
        } else {
                char counts[256] = "";
                size_t c = 0;
                for (int p = 0; p < PT_PERM_COUNT; p++)
                        if (out.added[p])
                                c += (size_t)snprintf(counts + c, sizeof(counts) - c, "%s%s %zu", c ? ", " : " (",
                                                      pt_perm_name((enum pt_perm)p), out.added[p]);
                if (c)
                        snprintf(counts + c, sizeof(counts) - c, ")");
                fprintf(stderr, "podtrace: --learn: %zu new rule%s%s %s %s\n", out.nadded, out.nadded == 1 ? "" : "s",
                        counts, existing ? "merged into" : "written to", file);
                fprintf(stderr, "podtrace: --learn: as flags: %s%s\n", out.flags[0] ? out.flags : "(none)",
                        out.flags_incomplete ? "  (incomplete: a value holds a comma; use the file)" : "");
                fprintf(stderr, "podtrace: --learn: as POD_POLICY_JSON=%s\n", out.b64);
                fprintf(stderr, "podtrace: --learn: env: which variables the worker reads cannot be seen (getenv "
                                "is not a system call); this run passed the ones the learned policy passes\n");
                if (overflow)
                        fprintf(stderr, "podtrace: --learn: more than %d distinct accesses: the policy is "
                                        "incomplete\n", PT_LEARN_MAX_ENTRIES);
                if (exit_code != 0)
                        fprintf(stderr, "podtrace: --learn: the worker exited with status %d: the policy holds "
                                        "what this run reached\n", exit_code);
        }
        pt_learned_free(&out);
        free(existing);
        return r;
}
