/* SPDX-License-Identifier: MIT */
/*
 * fsop: performs file operations given on the command line, one after the other, and prints
 * one line for each: "OP ARG: ok[ DETAIL]" or "OP ARG: ERRNO" (e.g. "read /x: EACCES").
 * The integration tests run it under podtrace and compare the lines with the policy.
 *
 *   read PATH              open(O_RDONLY), print the first line of the content
 *   write PATH TEXT        open(O_WRONLY|O_CREAT|O_TRUNC, 0644) and write TEXT
 *   append PATH TEXT       open(O_WRONLY|O_APPEND) (no create) and write TEXT
 *   create PATH            open(O_WRONLY|O_CREAT|O_EXCL, 0644)
 *   trunc PATH             open(O_WRONLY|O_TRUNC)
 *   creat PATH             creat(PATH, 0644)
 *   openrw PATH            open(O_RDWR)
 *   stat|lstat|statx PATH  print the size
 *   access PATH MODE       access(PATH, MODE) (MODE: F R W X RW)
 *   readlink PATH          print the link text
 *   readdir PATH           print the sorted entry names, comma separated
 *   mkdir PATH | rmdir PATH | unlink PATH
 *   rename OLD NEW | link OLD NEW | symlink TARGET PATH
 *   chmod PATH OCTAL | chown PATH UID GID | lchown PATH UID GID
 *   utimes PATH SECONDS    set atime and mtime to SECONDS
 *   truncate PATH LEN
 *   setxattr PATH NAME VALUE | getxattr PATH NAME | removexattr PATH NAME | listxattr PATH
 *   setxattrat PATH NAME VALUE | getxattrat PATH NAME   the raw Linux 6.13 syscalls
 *   bind-unix PATH | connect-unix PATH   an AF_UNIX stream socket bound/connected at PATH
 *                          (@NAME: the abstract name NAME)
 *   chdir PATH
 *   openat2 PATH RESOLVE   raw openat2(AT_FDCWD, PATH, {O_RDONLY, resolve}) (RESOLVE: 0 or beneath)
 *   mkfifo PATH            mknod(S_IFIFO)
 *   exchange A B           renameat2(RENAME_EXCHANGE)
 *   tmpfile DIR            open(DIR, O_TMPFILE|O_WRONLY) and keep the fd
 *   linkfd NEWPATH         linkat("/proc/self/fd/<kept fd>", NEWPATH, AT_SYMLINK_FOLLOW)
 *   opendir PATH           open(O_RDONLY|O_DIRECTORY) and keep the fd; later arguments
 *                          have "{fd}" replaced by its number (dirfd-relative ops below)
 *   openfd PATH MODE       open with MODE r, w, rw or path (O_PATH) and keep the fd likewise
 *   usefd N                keep fd N (e.g. 0, an inherited stdin) as the fd for "{fd}"/at-*
 *   fchdir                 fchdir() to the kept fd
 *   "{pid}" in any argument is replaced by getpid()
 *   at-read NAME | at-stat NAME | at-write NAME TEXT | at-mkdir NAME | at-unlink NAME
 *                          the same operations relative to the kept directory fd
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <linux/openat2.h>
#include <unistd.h>

static int dfd = -1;

#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#define __NR_getxattrat 464
#endif

/* struct xattr_args of Linux 6.13 (not in older headers) */
struct xattr_args_v0 {
        uint64_t value;
        uint32_t size;
        uint32_t flags;
};

static int unix_sock(const char *path, int do_bind)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        socklen_t len = sizeof(sa);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
        if (path[0] == '@') { /* abstract */
                sa.sun_path[0] = '\0';
                len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
        }
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return -1;
        int r = do_bind ? bind(s, (struct sockaddr *)&sa, len) : connect(s, (struct sockaddr *)&sa, len);
        int e = errno;
        close(s);
        errno = e;
        return r;
}

static const char *errname(int e)
{
        const char *n = strerrorname_np(e);
        return n ? n : "E?";
}

/* Replace "{fd}" in arg with the kept fd and "{pid}" with our pid. */
static const char *subst(const char *arg)
{
        static char bufs[4][4096];
        static int which;
        const char *at = strstr(arg, "{fd}");
        int n = dfd, len = 4;
        if (!at) {
                at = strstr(arg, "{pid}");
                n = (int)getpid();
                len = 5;
        }
        if (!at)
                return arg;
        char *b = bufs[which++ % 4];
        snprintf(b, 4096, "%.*s%d%s", (int)(at - arg), arg, n, at + len);
        return subst(b); /* the next placeholder, if any */
}

static void result(const char *op, const char *arg, int r, const char *detail)
{
        if (r < 0)
                printf("%s %s: %s\n", op, arg, errname(errno));
        else if (detail && *detail)
                printf("%s %s: ok %s\n", op, arg, detail);
        else
                printf("%s %s: ok\n", op, arg);
        fflush(stdout);
}

static void read_fd(const char *op, const char *arg, int fd)
{
        char buf[512];
        if (fd < 0) {
                result(op, arg, -1, NULL);
                return;
        }
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        int e = errno;
        close(fd);
        if (n < 0) {
                errno = e;
                printf("%s %s: read %s\n", op, arg, errname(e));
                return;
        }
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        result(op, arg, 0, buf);
}

static void write_fd(const char *op, const char *arg, int fd, const char *text)
{
        if (fd < 0) {
                result(op, arg, -1, NULL);
                return;
        }
        ssize_t n = text ? write(fd, text, strlen(text)) : 0;
        int e = errno;
        close(fd);
        if (n < 0) {
                printf("%s %s: write %s\n", op, arg, errname(e));
                return;
        }
        result(op, arg, 0, NULL);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void do_readdir(const char *arg)
{
        DIR *d = opendir(arg);
        if (!d) {
                result("readdir", arg, -1, NULL);
                return;
        }
        char *names[256];
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d)) && n < 256) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                names[n++] = strdup(de->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(names[0]), cmp_str);
        char out[4096] = "";
        for (size_t i = 0; i < n; i++) {
                if (i)
                        strncat(out, ",", sizeof(out) - strlen(out) - 1);
                strncat(out, names[i], sizeof(out) - strlen(out) - 1);
                free(names[i]);
        }
        result("readdir", arg, 0, n ? out : "(empty)");
}

static int access_mode(const char *m)
{
        int mode = 0;
        for (; *m; m++) {
                if (*m == 'R')
                        mode |= R_OK;
                else if (*m == 'W')
                        mode |= W_OK;
                else if (*m == 'X')
                        mode |= X_OK;
        }
        return mode;
}

static int need(int argc, int i, int n, const char *op)
{
        if (i + n >= argc) {
                fprintf(stderr, "fsop: %s needs %d argument(s)\n", op, n);
                exit(2);
        }
        return 1;
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IOLBF, 0);
        for (int i = 1; i < argc;) {
                const char *op = argv[i];
                char detail[256] = "";
                int r;
                if (strcmp(op, "fchdir") != 0)
                        need(argc, i, 1, op);
                const char *a = i + 1 < argc ? subst(argv[i + 1]) : "";

                if (strcmp(op, "read") == 0) {
                        read_fd(op, a, open(a, O_RDONLY));
                        i += 2;
                } else if (strcmp(op, "write") == 0) {
                        need(argc, i, 2, op);
                        write_fd(op, a, open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644), argv[i + 2]);
                        i += 3;
                } else if (strcmp(op, "append") == 0) {
                        need(argc, i, 2, op);
                        write_fd(op, a, open(a, O_WRONLY | O_APPEND), argv[i + 2]);
                        i += 3;
                } else if (strcmp(op, "create") == 0) {
                        write_fd(op, a, open(a, O_WRONLY | O_CREAT | O_EXCL, 0644), NULL);
                        i += 2;
                } else if (strcmp(op, "trunc") == 0) {
                        write_fd(op, a, open(a, O_WRONLY | O_TRUNC), NULL);
                        i += 2;
                } else if (strcmp(op, "creat") == 0) {
                        write_fd(op, a, creat(a, 0644), NULL);
                        i += 2;
                } else if (strcmp(op, "openrw") == 0) {
                        write_fd(op, a, open(a, O_RDWR), NULL);
                        i += 2;
                } else if (strcmp(op, "stat") == 0 || strcmp(op, "lstat") == 0) {
                        struct stat st;
                        r = op[0] == 's' ? stat(a, &st) : lstat(a, &st);
                        if (r == 0)
                                snprintf(detail, sizeof(detail), "size=%lld", (long long)st.st_size);
                        result(op, a, r, detail);
                        i += 2;
                } else if (strcmp(op, "statx") == 0) {
                        struct statx stx;
                        r = statx(AT_FDCWD, a, 0, STATX_BASIC_STATS, &stx);
                        if (r == 0)
                                snprintf(detail, sizeof(detail), "size=%llu", (unsigned long long)stx.stx_size);
                        result(op, a, r, detail);
                        i += 2;
                } else if (strcmp(op, "access") == 0) {
                        need(argc, i, 2, op);
                        result(op, a, access(a, access_mode(argv[i + 2])), NULL);
                        i += 3;
                } else if (strcmp(op, "readlink") == 0) {
                        ssize_t n = readlink(a, detail, sizeof(detail) - 1);
                        if (n >= 0)
                                detail[n] = '\0';
                        result(op, a, n < 0 ? -1 : 0, detail);
                        i += 2;
                } else if (strcmp(op, "readdir") == 0) {
                        do_readdir(a);
                        i += 2;
                } else if (strcmp(op, "mkdir") == 0) {
                        result(op, a, mkdir(a, 0755), NULL);
                        i += 2;
                } else if (strcmp(op, "rmdir") == 0) {
                        result(op, a, rmdir(a), NULL);
                        i += 2;
                } else if (strcmp(op, "unlink") == 0) {
                        result(op, a, unlink(a), NULL);
                        i += 2;
                } else if (strcmp(op, "rename") == 0 || strcmp(op, "link") == 0 ||
                           strcmp(op, "symlink") == 0) {
                        need(argc, i, 2, op);
                        const char *b = subst(argv[i + 2]);
                        char both[8300];
                        snprintf(both, sizeof(both), "%s %s", a, b);
                        r = op[0] == 'r' ? rename(a, b) : op[0] == 'l' ? link(a, b) : symlink(a, b);
                        result(op, both, r, NULL);
                        i += 3;
                } else if (strcmp(op, "chmod") == 0) {
                        need(argc, i, 2, op);
                        result(op, a, chmod(a, (mode_t)strtoul(argv[i + 2], NULL, 8)), NULL);
                        i += 3;
                } else if (strcmp(op, "chown") == 0 || strcmp(op, "lchown") == 0) {
                        need(argc, i, 3, op);
                        uid_t u = (uid_t)strtoul(argv[i + 2], NULL, 10);
                        gid_t g = (gid_t)strtoul(argv[i + 3], NULL, 10);
                        result(op, a, op[0] == 'c' ? chown(a, u, g) : lchown(a, u, g), NULL);
                        i += 4;
                } else if (strcmp(op, "utimes") == 0) {
                        need(argc, i, 2, op);
                        struct timeval tv[2] = { { atol(argv[i + 2]), 0 }, { atol(argv[i + 2]), 0 } };
                        result(op, a, utimes(a, tv), NULL);
                        i += 3;
                } else if (strcmp(op, "truncate") == 0) {
                        need(argc, i, 2, op);
                        result(op, a, truncate(a, atol(argv[i + 2])), NULL);
                        i += 3;
                } else if (strcmp(op, "setxattr") == 0) {
                        need(argc, i, 3, op);
                        result(op, a, setxattr(a, argv[i + 2], argv[i + 3], strlen(argv[i + 3]), 0), NULL);
                        i += 4;
                } else if (strcmp(op, "getxattr") == 0) {
                        need(argc, i, 2, op);
                        ssize_t n = getxattr(a, argv[i + 2], detail, sizeof(detail) - 1);
                        if (n >= 0)
                                detail[n] = '\0';
                        result(op, a, n < 0 ? -1 : 0, detail);
                        i += 3;
                } else if (strcmp(op, "removexattr") == 0) {
                        need(argc, i, 2, op);
                        result(op, a, removexattr(a, argv[i + 2]), NULL);
                        i += 3;
                } else if (strcmp(op, "listxattr") == 0) {
                        ssize_t n = listxattr(a, detail, sizeof(detail) - 1);
                        for (ssize_t k = 0; k + 1 < n; k++)
                                if (!detail[k])
                                        detail[k] = ',';
                        if (n >= 0)
                                detail[n > 0 ? n - 1 : 0] = '\0';
                        result(op, a, n < 0 ? -1 : 0, detail);
                        i += 2;
                } else if (strcmp(op, "setxattrat") == 0) {
                        need(argc, i, 3, op);
                        struct xattr_args_v0 xa = { (uintptr_t)argv[i + 3], (uint32_t)strlen(argv[i + 3]), 0 };
                        r = (int)syscall(__NR_setxattrat, AT_FDCWD, a, 0, argv[i + 2], &xa, sizeof(xa));
                        result(op, a, r, NULL);
                        i += 4;
                } else if (strcmp(op, "getxattrat") == 0) {
                        need(argc, i, 2, op);
                        struct xattr_args_v0 xa = { (uintptr_t)detail, sizeof(detail) - 1, 0 };
                        long n = syscall(__NR_getxattrat, AT_FDCWD, a, 0, argv[i + 2], &xa, sizeof(xa));
                        if (n >= 0)
                                detail[n] = '\0';
                        result(op, a, n < 0 ? -1 : 0, detail);
                        i += 3;
                } else if (strcmp(op, "bind-unix") == 0 || strcmp(op, "connect-unix") == 0) {
                        result(op, a, unix_sock(a, op[0] == 'b'), NULL);
                        i += 2;
                } else if (strcmp(op, "openat2") == 0) {
                        need(argc, i, 2, op);
                        struct open_how how = { .flags = O_RDONLY,
                                                .resolve = strcmp(argv[i + 2], "beneath") == 0 ? RESOLVE_BENEATH : 0 };
                        read_fd(op, a, (int)syscall(SYS_openat2, AT_FDCWD, a, &how, sizeof(how)));
                        i += 3;
                } else if (strcmp(op, "mkfifo") == 0) {
                        result(op, a, mknod(a, S_IFIFO | 0644, 0), NULL);
                        i += 2;
                } else if (strcmp(op, "exchange") == 0) {
                        need(argc, i, 2, op);
                        const char *b = subst(argv[i + 2]);
                        char both[8300];
                        snprintf(both, sizeof(both), "%s %s", a, b);
                        result(op, both, renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE), NULL);
                        i += 3;
                } else if (strcmp(op, "tmpfile") == 0) {
                        int fd = open(a, O_TMPFILE | O_WRONLY, 0644);
                        if (fd >= 0) {
                                if (dfd >= 0)
                                        close(dfd);
                                dfd = fd;
                                snprintf(detail, sizeof(detail), "fd=%d", fd);
                        }
                        result(op, a, fd, detail);
                        i += 2;
                } else if (strcmp(op, "linkfd") == 0) {
                        char src[64];
                        snprintf(src, sizeof(src), "/proc/self/fd/%d", dfd);
                        result(op, a, linkat(AT_FDCWD, src, AT_FDCWD, a, AT_SYMLINK_FOLLOW), NULL);
                        i += 2;
                } else if (strcmp(op, "chdir") == 0) {
                        result(op, a, chdir(a), NULL);
                        i += 2;
                } else if (strcmp(op, "opendir") == 0) {
                        int fd = open(a, O_RDONLY | O_DIRECTORY);
                        if (fd >= 0) {
                                if (dfd >= 0)
                                        close(dfd);
                                dfd = fd;
                                snprintf(detail, sizeof(detail), "fd=%d", fd);
                        }
                        result(op, a, fd, detail);
                        i += 2;
                } else if (strcmp(op, "openfd") == 0) {
                        need(argc, i, 2, op);
                        const char *m = argv[i + 2];
                        int fl = strcmp(m, "w") == 0 ? O_WRONLY : strcmp(m, "rw") == 0 ? O_RDWR
                                 : strcmp(m, "path") == 0 ? O_PATH : O_RDONLY;
                        int fd = open(a, fl);
                        if (fd >= 0) {
                                if (dfd >= 0)
                                        close(dfd);
                                dfd = fd;
                                snprintf(detail, sizeof(detail), "fd=%d", fd);
                        }
                        result(op, a, fd, detail);
                        i += 3;
                } else if (strcmp(op, "usefd") == 0) {
                        dfd = atoi(a);
                        result(op, a, 0, NULL);
                        i += 2;
                } else if (strcmp(op, "fchdir") == 0) {
                        result(op, "fd", fchdir(dfd), NULL);
                        i += 1;
                } else if (strcmp(op, "at-read") == 0) {
                        read_fd(op, a, openat(dfd, a, O_RDONLY));
                        i += 2;
                } else if (strcmp(op, "at-stat") == 0) {
                        struct stat st;
                        r = fstatat(dfd, a, &st, 0);
                        if (r == 0)
                                snprintf(detail, sizeof(detail), "size=%lld", (long long)st.st_size);
                        result(op, a, r, detail);
                        i += 2;
                } else if (strcmp(op, "at-write") == 0) {
                        need(argc, i, 2, op);
                        write_fd(op, a, openat(dfd, a, O_WRONLY | O_CREAT | O_TRUNC, 0644), argv[i + 2]);
                        i += 3;
                } else if (strcmp(op, "at-mkdir") == 0) {
                        result(op, a, mkdirat(dfd, a, 0755), NULL);
                        i += 2;
                } else if (strcmp(op, "at-unlink") == 0) {
                        result(op, a, unlinkat(dfd, a, 0), NULL);
                        i += 2;
                } else {
                        fprintf(stderr, "fsop: unknown operation %s\n", op);
                        return 2;
                }
        }
        return 0;
}
