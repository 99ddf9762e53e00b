/* SPDX-License-Identifier: MIT */
/* Shared helpers for the policy unit tests: cmocka, temp trees, and error assertions. */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/policy.h"

#define UNUSED_HELPER __attribute__((unused))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Fail unless `hay` contains `needle`, showing both. */
#define assert_contains(hay, needle)                                                              \
        do {                                                                                      \
                const char *h_ = (hay), *n_ = (needle);                                           \
                if (!h_ || !strstr(h_, n_))                                                       \
                        fail_msg("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_);       \
        } while (0)

#define assert_starts_with(s, prefix)                                                             \
        do {                                                                                      \
                const char *s_ = (s), *p_ = (prefix);                                             \
                if (!s_ || strncmp(s_, p_, strlen(p_)) != 0)                                      \
                        fail_msg("\"%s\" does not start with \"%s\"", s_ ? s_ : "(null)", p_);    \
        } while (0)

/* An error message is one non-empty line: no control characters at all. */
#define assert_one_line(s)                                                                        \
        do {                                                                                      \
                const char *l_ = (s);                                                             \
                assert_true(l_[0] != '\0');                                                       \
                for (const char *c_ = l_; *c_; c_++)                                              \
                        if ((unsigned char)*c_ < 0x20 || *c_ == 0x7f)                             \
                                fail_msg("error message has control byte 0x%02x: \"%s\"",         \
                                         (unsigned char)*c_, l_);                                 \
        } while (0)

/* Assert a failed call: negative return, and a one-line message that starts with `prefix`. */
#define assert_error(r, err, prefix)                                                              \
        do {                                                                                      \
                int r_ = (r);                                                                     \
                if (r_ >= 0)                                                                      \
                        fail_msg("expected an error starting with \"%s\", got %d", prefix, r_);   \
                assert_starts_with((err).msg, prefix);                                            \
                assert_one_line((err).msg);                                                       \
        } while (0)

static UNUSED_HELPER int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        return remove(path);
}

/* mkdtemp under /tmp, returned canonical (the rule side resolves symlinks, so must we). */
static UNUSED_HELPER char *make_tmpdir(void)
{
        char tmpl[] = "/tmp/pt-unit-XXXXXX";
        assert_non_null(mkdtemp(tmpl));
        char *canon = realpath(tmpl, NULL);
        assert_non_null(canon);
        return canon;
}

static UNUSED_HELPER void remove_tree(char *dir)
{
        if (dir)
                nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(dir);
}

/* "<dir>/<rel>" in a static ring of buffers, enough for one assertion's worth of paths. */
static UNUSED_HELPER const char *path_in(const char *dir, const char *rel)
{
        static char bufs[8][PATH_MAX];
        static unsigned next;
        char *b = bufs[next++ % 8];
        snprintf(b, PATH_MAX, "%s/%s", dir, rel);
        return b;
}

static UNUSED_HELPER void make_dir(const char *dir, const char *rel)
{
        assert_int_equal(mkdir(path_in(dir, rel), 0755), 0);
}

static UNUSED_HELPER void write_file(const char *path, const char *content, size_t len, mode_t mode)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, len), (ssize_t)len);
        assert_int_equal(fchmod(fd, mode), 0);
        close(fd);
}

static UNUSED_HELPER void make_symlink(const char *target, const char *dir, const char *rel)
{
        assert_int_equal(symlink(target, path_in(dir, rel)), 0);
}
