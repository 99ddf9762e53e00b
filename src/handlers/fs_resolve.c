/* SPDX-License-Identifier: MIT */
/*
 * Resolving a worker's path the way the kernel would for the worker, from the supervisor.
 *
 * Fast path: one openat2() of the directory part, from the worker's root with
 * RESOLVE_IN_ROOT (absolute paths) or from its cwd/dirfd with RESOLVE_BENEATH (relative
 * paths), never through magic links. Anything that path cannot do (".." above a dirfd, an
 * absolute symlink under a dirfd, /proc/self, /proc/<pid>/fd/N) fails with a distinct error
 * and falls back to the component walker below, which does the full job.
 */
#include "handlers/fs_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

#define MAX_LINKS 40

bool pt_fs_force_walk;

static int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
        struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = resolve };
        int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        return fd < 0 ? -errno : fd;
}

/* The canonical path of an fd we hold: the kernel's d_path in the worker's mount namespace. */
static int fd_path(int fd, char *buf, size_t size)
{
        char link[32];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, buf, size - 1);
        if (n < 0)
                return -errno;
        if ((size_t)n >= size - 1)
                return -ENAMETOOLONG;
        buf[n] = '\0';
        return 0;
}

static void copy_bounded(char *dst, const char *src, size_t size)
{
        size_t n = strnlen(src, size - 1);
        memcpy(dst, src, n);
        dst[n] = '\0';
}

static bool on_procfs(int fd)
{
        struct statfs sfs;
        return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

static bool is_root(const struct pt_call *c, const struct stat *st)
{
        return st->st_dev == c->sv->root_st.st_dev && st->st_ino == c->sv->root_st.st_ino;
}

/* Length of the run of digits at s (a pid in a /proc path), 0 when there is none. */
static size_t pid_len(const char *s)
{
        return strspn(s, "0123456789");
}

/* Is tid (a number in the worker's pid namespace) a thread of the calling thread's process?
 * Looked up in the worker's own /proc, where both are numbered the same way. */
static bool own_thread(const struct pt_call *c, const char *tid, size_t n)
{
        char path[64];
        struct stat st;
        if (n > 10 || snprintf(path, sizeof(path), "proc/%d/task/%.*s", c->ids.tgid, (int)n, tid) >= (int)sizeof(path))
                return false;
        return fstatat(c->sv->rootfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/*
 * The spelling the policy decides /proc paths on. /proc/<own tgid> is the worker's own process:
 * spelled /proc/self so a /proc/self rule covers it; so is /proc/<tid> of one of its other
 * threads. A per-thread directory is decided as the per-process one it mirrors:
 * /proc/<pid>/task/<tid>/X as /proc/<pid>/X, so /proc/thread-self/X (the walker reaches
 * /proc/<tgid>/task/<tid>/X) is /proc/self/X. Otherwise /proc/thread-self/net/dev would show
 * what the networkInterfaces fact denies at /proc/self/net/dev, and a deny rule on
 * /proc/self/environ would miss /proc/self/task/<tid>/environ. Other pids stay as they are.
 */
static void normalize_proc_self(const struct pt_call *c, char *canon)
{
        if (strncmp(canon, "/proc/", 6) != 0)
                return;
        char *p = canon + 6;
        size_t n = pid_len(p);
        if (n > 0 && (p[n] == '\0' || p[n] == '/')) {
                char own[16];
                int k = snprintf(own, sizeof(own), "%d", c->ids.tgid);
                if (((size_t)k == n && strncmp(p, own, n) == 0) || own_thread(c, p, n)) {
                        memmove(p + 4, p + n, strlen(p + n) + 1);
                        memcpy(p, "self", 4);
                        n = 4;
                }
        } else if (strncmp(p, "self", 4) == 0 && (p[4] == '\0' || p[4] == '/')) {
                n = 4;
        } else {
                return;
        }
        /* /proc/<pid or self>/task/<tid>[/X] -> /proc/<pid or self>[/X] */
        char *task = p + n;
        if (strncmp(task, "/task/", 6) != 0)
                return;
        size_t t = pid_len(task + 6);
        if (t == 0 || (task[6 + t] != '\0' && task[6 + t] != '/'))
                return;
        memmove(task, task + 6 + t, strlen(task + 6 + t) + 1);
}

static int join_canon(char *out, const char *dir, const char *name)
{
        int n;
        if (!name || !*name || strcmp(name, ".") == 0)
                n = snprintf(out, PATH_MAX, "%s", dir);
        else if (strcmp(dir, "/") == 0)
                n = snprintf(out, PATH_MAX, "/%s", name);
        else
                n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
        return n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Split path into its directory part (in place) and final name. Trailing slashes are noted. */
static void split_last(char *path, const char **ret_dir, const char **ret_last, bool *ret_slash)
{
        size_t n = strlen(path);
        *ret_slash = false;
        while (n > 1 && path[n - 1] == '/') {
                path[--n] = '\0';
                *ret_slash = true;
        }
        char *slash = strrchr(path, '/');
        if (!slash) {
                *ret_dir = "";
                *ret_last = path;
        } else if (slash == path) {
                *ret_dir = "/";
                *ret_last = path[1] ? path + 1 : "";
        } else {
                *slash = '\0';
                *ret_dir = path;
                *ret_last = slash + 1;
        }
}


static bool is_proc_root(int fd)
{
        struct stat st;
        return on_procfs(fd) && fstat(fd, &st) == 0 && st.st_ino == 1;
}

/* In the worker's procfs "self" means the worker, which the kernel cannot know when we look:
 * spell its pid the way its namespace numbers it. Returns comp or the substitute. */
static const char *proc_self_name(const struct pt_call *c, bool in_proc_root, const char *comp, char *buf,
                                  size_t size)
{
        if (!in_proc_root)
                return comp;
        if (strcmp(comp, "self") == 0)
                snprintf(buf, size, "%d", c->ids.tgid);
        else if (strcmp(comp, "thread-self") == 0)
                snprintf(buf, size, "%d/task/%d", c->ids.tgid, c->ids.tid);
        else
                return comp;
        return buf;
}

/*
 * A symlink `name` in dirfd (linkfd is it, O_PATH|O_NOFOLLOW). Ordinary links give their
 * text in target (returns 1). Procfs magic links (fd/N, cwd, root, exe, ns/...) name an
 * object, not a path: the kernel follows them for us and we hold the object (returns 2,
 * *ret_obj). Procfs's own ordinary links ("mounts" -> "self/mounts") are relative and have
 * no ':', unlike "pipe:[12]" or the absolute text of a magic link.
 */
static int follow_link(int dirfd, const char *name, int linkfd, char *target, size_t size, int *ret_obj)
{
        ssize_t n = readlinkat(linkfd, "", target, size - 1);
        bool proc = on_procfs(linkfd);
        if (n < 0 && !proc)
                return -errno;
        if (n >= 0) {
                target[n] = '\0';
                if (!proc || (target[0] != '/' && !strchr(target, ':')))
                        return 1;
        }
        int obj = openat(dirfd, name, O_PATH | O_CLOEXEC);
        if (obj < 0)
                return -errno;
        *ret_obj = obj;
        return 2;
}

/*
 * The component walker. Resolves `path` (a directory path) from start, following every
 * symlink like the kernel, handling /proc/self and magic links. On failure *ret_fail_dir
 * is the deepest directory reached and *ret_rest the unresolved remainder.
 */
static int walk_dir(struct pt_call *c, int start, const char *path, int *links, int *ret_fd, char *rest_out)
{
        char buf[PATH_MAX * 2];
        _cleanup_close_ int cur = -1;
        bool cur_proc_root = false;

        if (strlen(path) >= PATH_MAX)
                return -ENAMETOOLONG;
        snprintf(buf, sizeof(buf), "%s", path);
        if (buf[0] == '/') {
                cur = dup(c->sv->rootfd);
        } else {
                cur = dup(start);
        }
        if (cur < 0)
                return -errno;
        cur_proc_root = is_proc_root(cur);

        char *p = buf;
        for (;;) {
                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                char *e = strchrnul(p, '/');
                char saved = *e;
                *e = '\0';
                const char *comp = p;
                char procname[48];

                if (strcmp(comp, ".") == 0) {
                        *e = saved;
                        p = e;
                        continue;
                }
                if (strcmp(comp, "..") == 0) {
                        struct stat st;
                        if (fstat(cur, &st) < 0)
                                return -errno;
                        if (!is_root(c, &st)) {
                                int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                if (up < 0)
                                        return -errno;
                                close(cur);
                                cur = up;
                        }
                        cur_proc_root = false;
                        *e = saved;
                        p = e;
                        continue;
                }
                comp = proc_self_name(c, cur_proc_root, comp, procname, sizeof(procname));
                int nxt = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (nxt < 0) {
                        int err = -errno;
                        *e = saved;
                        if (rest_out)
                                copy_bounded(rest_out, p, PATH_MAX);
                        *ret_fd = TAKE_FD(cur);
                        return err;
                }
                struct stat st;
                if (fstat(nxt, &st) < 0) {
                        int err = -errno;
                        close(nxt);
                        return err;
                }
                if (S_ISLNK(st.st_mode)) {
                        if (++*links > MAX_LINKS) {
                                close(nxt);
                                *e = saved;
                                if (rest_out)
                                        copy_bounded(rest_out, p, PATH_MAX);
                                *ret_fd = TAKE_FD(cur);
                                return -ELOOP;
                        }
                        char target[PATH_MAX];
                        int obj = -1;
                        int kind = follow_link(cur, comp, nxt, target, sizeof(target), &obj);
                        close(nxt);
                        if (kind < 0)
                                return kind;
                        if (kind == 2) {
                                /* we hold the object the magic link names from now on */
                                close(cur);
                                cur = obj;
                                cur_proc_root = false;
                                *e = saved;
                                p = e;
                                continue;
                        }
                        *e = saved;
                        /* Splice: target + remaining path. */
                        char rest[PATH_MAX];
                        if (snprintf(rest, sizeof(rest), "%s", e) >= (int)sizeof(rest))
                                return -ENAMETOOLONG;
                        if (snprintf(buf, sizeof(buf), "%s/%s", target, rest) >= (int)sizeof(buf))
                                return -ENAMETOOLONG;
                        p = buf;
                        if (target[0] == '/') {
                                int r = dup(c->sv->rootfd);
                                if (r < 0)
                                        return -errno;
                                close(cur);
                                cur = r;
                        }
                        cur_proc_root = is_proc_root(cur);
                        continue;
                }
                if (!S_ISDIR(st.st_mode)) {
                        close(nxt);
                        *e = saved;
                        if (rest_out)
                                copy_bounded(rest_out, p, PATH_MAX);
                        *ret_fd = TAKE_FD(cur);
                        return -ENOTDIR;
                }
                close(cur);
                cur = nxt;
                cur_proc_root = st.st_ino == 1 && on_procfs(cur);
                *e = saved;
                p = e;
        }
        *ret_fd = TAKE_FD(cur);
        return 0;
}

/* Resolve the directory part. Returns an O_PATH fd, or an error with *fail_fd/fail_rest set. */
static int resolve_dir(struct pt_call *c, int start, const char *dir, int *links, int *fail_fd, char *fail_rest)
{
        if (!pt_fs_force_walk) {
                int fd;
                if (dir[0] == '/')
                        fd = sys_openat2(c->sv->rootfd, dir[1] ? dir + 1 : ".", O_PATH | O_DIRECTORY,
                                         RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
                else
                        fd = sys_openat2(start, *dir ? dir : ".", O_PATH | O_DIRECTORY,
                                         RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
                /* Landing in procfs needs the walker's /proc/self handling; errors may be
                 * artefacts of the fast path's limits: the walker has the final word. */
                if (fd >= 0 && !on_procfs(fd))
                        return fd;
                if (fd >= 0)
                        close(fd);
        }
        int out = -1;
        int r = walk_dir(c, start, dir, links, &out, fail_rest);
        if (r < 0) {
                *fail_fd = out;
                return r;
        }
        return out;
}

void pt_fs_target_release(struct pt_fs_target *t)
{
        if (t->parent >= 0)
                close(t->parent);
        if (t->obj >= 0)
                close(t->obj);
        t->parent = t->obj = -1;
}

int pt_fs_target_stat(struct pt_fs_target *t)
{
        if (t->st_valid)
                return 0;
        if (t->obj < 0)
                return -ENOENT;
        if (fstat(t->obj, &t->st) < 0)
                return -errno;
        t->st_valid = true;
        return 0;
}

/*
 * The fast path: one openat2() of the whole path from the worker's root with
 * RESOLVE_NO_SYMLINKS. When it gets anywhere without meeting a symlink, the path as
 * written, folded lexically, is the canonical path (no symlink can have redirected any
 * component before the point it reached), so no readlink is needed. Returns 1 when it
 * answered (t filled: an object, or an error with a decidable canon), 0 to fall back.
 */
static bool has_dotdot(const char *p)
{
        for (const char *s = p; (s = strstr(s, "..")); s += 2)
                if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
                        return true;
        return false;
}

/*
 * The path as an absolute string in the worker's view: relative paths are joined to the cwd
 * or dirfd as the worker has it. False (use the full resolver) for a deleted or unreachable
 * base, a bad dirfd, or ".." anywhere: with "..", an error past a missing component would be
 * decided on a name the kernel never reached ("/a/X/../b" probing whether /a/X exists).
 */
static bool fast_abs_path(struct pt_call *c, int dirfd, const char *path, char *joined, const char **ret_abs)
{
        if (has_dotdot(path))
                return false;
        if (path[0] == '/') {
                *ret_abs = path;
                return true;
        }
        char what[32], base[PATH_MAX];
        if (dirfd == AT_FDCWD)
                snprintf(what, sizeof(what), "/proc/%d/cwd", c->req->pid);
        else if (dirfd >= 0)
                snprintf(what, sizeof(what), "/proc/%d/fd/%d", c->req->pid, dirfd);
        else
                return false;
        ssize_t n = readlink(what, base, sizeof(base) - 1);
        if (n <= 0 || base[0] != '/')
                return false;
        base[n] = '\0';
        if (n > 10 && strcmp(base + n - 10, " (deleted)") == 0)
                return false;
        if (snprintf(joined, PATH_MAX, "%s/%s", base, path) >= PATH_MAX)
                return false;
        *ret_abs = joined;
        return true;
}

static int open_no_symlinks(struct pt_call *c, const char *abs, uint64_t oflags)
{
        while (*abs == '/')
                abs++;
        return sys_openat2(c->sv->rootfd, *abs ? abs : ".", oflags,
                           RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

/* Errors the fast path can answer: anything else (ELOOP: a symlink) goes to the full resolver. */
static bool fast_error(int fd)
{
        return fd == -ENOENT || fd == -ENOTDIR || fd == -EACCES;
}

static int resolve_fast(struct pt_call *c, int dirfd, const char *path, unsigned flags, struct pt_fs_target *t,
                        int *ret_err)
{
        char joined[PATH_MAX];
        const char *abs;

        if (!fast_abs_path(c, dirfd, path, joined, &abs) || pt_path_fold_lexically(abs, t->canon) < 0)
                return 0;
        int fd = open_no_symlinks(c, abs, O_PATH | ((flags & PT_RES_FOLLOW) ? 0 : O_NOFOLLOW));
        if (fd < 0 && !fast_error(fd))
                return 0;
        normalize_proc_self(c, t->canon);
        t->decidable = true;
        t->obj = fd < 0 ? -1 : fd;
        *ret_err = fd < 0 ? fd : 0;
        return 1;
}

/*
 * The fast path for callers that act on (parent, last) — creating, removing, renaming: the
 * directory part is opened the same way, and the final name looked up without following.
 * A final symlink that must be followed, "/", a trailing slash or /proc take the full path.
 */
static int resolve_fast_parent(struct pt_call *c, int dirfd, const char *path, unsigned flags,
                               struct pt_fs_target *t, int *ret_err)
{
        char joined[PATH_MAX], dir[PATH_MAX];
        const char *abs;
        size_t n = strlen(path);

        if (n == 0 || path[n - 1] == '/' || !fast_abs_path(c, dirfd, path, joined, &abs) ||
            pt_path_fold_lexically(abs, t->canon) < 0 || strcmp(t->canon, "/") == 0 ||
            strncmp(t->canon, "/proc", 5) == 0)
                return 0;
        const char *slash = strrchr(t->canon, '/');
        const char *last = slash + 1;
        if (strlen(last) > NAME_MAX)
                return 0;
        memcpy(dir, t->canon, (size_t)(slash - t->canon));
        dir[slash - t->canon] = '\0';
        int parent = open_no_symlinks(c, dir, O_PATH | O_DIRECTORY);
        if (parent < 0 && !fast_error(parent))
                return 0;
        t->decidable = true;
        if (parent < 0) {
                *ret_err = parent;
                return 1;
        }
        int obj = openat(parent, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (obj < 0 && errno != ENOENT) {
                close(parent);
                t->decidable = false;
                return 0;
        }
        if (obj >= 0 && (flags & PT_RES_FOLLOW)) {
                if (fstat(obj, &t->st) < 0 || S_ISLNK(t->st.st_mode)) {
                        close(obj);
                        close(parent);
                        t->decidable = false;
                        return 0; /* follow it the full way */
                }
                t->st_valid = true;
        }
        t->parent = parent;
        t->obj = obj;
        snprintf(t->last, sizeof(t->last), "%s", last);
        *ret_err = 0;
        return 1;
}

void pt_fs_obj_path(const struct pt_fs_target *t, char buf[static 32])
{
        snprintf(buf, 32, "/proc/self/fd/%d", t->obj);
}

/* After a failed resolution: canonical(deepest dir) + the unresolved rest, for the decision. */
static void failure_canon(struct pt_call *c, struct pt_fs_target *t, int fail_fd, const char *rest,
                          const char *last)
{
        char dir[PATH_MAX];
        if (fail_fd < 0 || fd_path(fail_fd, dir, sizeof(dir)) < 0) {
                snprintf(t->canon, sizeof(t->canon), "/");
                return;
        }
        normalize_proc_self(c, dir);
        char tmp[PATH_MAX];
        if (join_canon(tmp, dir, rest) < 0 || join_canon(t->canon, tmp, last) < 0)
                snprintf(t->canon, sizeof(t->canon), "%s", dir);
        /* fold "." and ".." the lexical way: the remainder did not exist */
        char *s;
        while ((s = strstr(t->canon, "/./")))
                memmove(s, s + 2, strlen(s + 2) + 1);
}

int pt_fs_resolve(struct pt_call *c, int dirfd, const char *path, unsigned flags, struct pt_fs_target *t)
{
        char buf[PATH_MAX];
        _cleanup_close_ int start = -1;
        int links = 0, r;

        t->parent = t->obj = -1;
        t->decidable = false;
        t->st_valid = false;
        t->last[0] = '\0';
        snprintf(t->canon, sizeof(t->canon), "/");

        if (strlen(path) >= PATH_MAX)
                return -ENAMETOOLONG;
        if (!pt_fs_force_walk && path[0] != '\0') {
                int err = 0;
                if ((flags & PT_RES_PARENT) ? resolve_fast_parent(c, dirfd, path, flags, t, &err)
                                            : resolve_fast(c, dirfd, path, flags, t, &err))
                        return err;
                t->decidable = false;
        }

        /* Where relative resolution starts: the cwd or the dirfd, as the worker has them. */
        if (path[0] != '/') {
                if (dirfd == AT_FDCWD) {
                        start = pt_target_open_proc(c->req->pid, "cwd", O_PATH);
                } else if (dirfd < 0) {
                        return -EBADF;
                } else {
                        char what[32];
                        snprintf(what, sizeof(what), "fd/%d", dirfd);
                        start = pt_target_open_proc(c->req->pid, what, O_PATH);
                        if (start == -ENOENT)
                                return -EBADF;
                }
                if (start < 0)
                        return start;
        }

        if (path[0] == '\0') {
                if (!(flags & PT_RES_EMPTY_PATH))
                        return -ENOENT;
                /* The object is the fd itself. */
                t->obj = TAKE_FD(start);
                if (fstat(t->obj, &t->st) < 0)
                        return -errno;
                t->st_valid = true;
                r = fd_path(t->obj, t->canon, sizeof(t->canon));
                if (r < 0)
                        return r;
                normalize_proc_self(c, t->canon);
                t->decidable = true;
                return 0;
        }

        snprintf(buf, sizeof(buf), "%s", path);
        if (path[0] != '/' && dirfd != AT_FDCWD) {
                struct stat st;
                if (fstat(start, &st) < 0)
                        return -errno;
                if (!S_ISDIR(st.st_mode))
                        return -ENOTDIR;
        }
        t->decidable = true;

        for (;;) {
                const char *dir, *last;
                bool slash;
                char fail_rest[PATH_MAX] = "";
                int fail_fd = -1;

                split_last(buf, &dir, &last, &slash);
                int parent = resolve_dir(c, start, dir, &links, &fail_fd, fail_rest);
                if (parent < 0) {
                        failure_canon(c, t, fail_fd, fail_rest, last);
                        if (fail_fd >= 0)
                                close(fail_fd);
                        return parent;
                }
                if (*last == '\0' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
                        /* The object is a directory reached by name: "/", "x/.", "x/..". */
                        if (strcmp(last, "..") == 0) {
                                struct stat st;
                                if (fstat(parent, &st) == 0 && !is_root(c, &st)) {
                                        int up = openat(parent, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                        close(parent);
                                        if (up < 0)
                                                return -errno;
                                        parent = up;
                                }
                        }
                        t->parent = parent;
                        snprintf(t->last, sizeof(t->last), ".");
                        t->obj = dup(parent);
                        if (t->obj < 0 || fstat(t->obj, &t->st) < 0)
                                return -errno;
                        t->st_valid = true;
                        break;
                }
                if (strlen(last) > NAME_MAX) {
                        close(parent);
                        return -ENAMETOOLONG;
                }
                char procname[48];
                const char *sub = proc_self_name(c, is_proc_root(parent), last, procname, sizeof(procname));
                if (sub != last) {
                        /* /proc/self as the final name: continue with the worker's pid */
                        if (start >= 0)
                                close(start);
                        start = parent;
                        snprintf(buf, sizeof(buf), "%s%s", sub, slash ? "/" : "");
                        continue;
                }
                snprintf(t->last, sizeof(t->last), "%s", last);
                t->parent = parent;
                int obj = openat(parent, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (obj < 0) {
                        if (errno == ENOENT)
                                break; /* does not exist: parent + last */
                        r = -errno;
                        goto out_canon;
                }
                if (fstat(obj, &t->st) < 0) {
                        close(obj);
                        return -errno;
                }
                t->st_valid = true;
                if (S_ISLNK(t->st.st_mode) && ((flags & PT_RES_FOLLOW) || slash)) {
                        if (++links > MAX_LINKS) {
                                /* decided on the link that looped, then ELOOP */
                                close(obj);
                                r = -ELOOP;
                                goto out_canon;
                        }
                        char target[PATH_MAX];
                        int mobj = -1;
                        int kind = follow_link(parent, last, obj, target, sizeof(target), &mobj);
                        close(obj);
                        if (kind < 0) {
                                r = kind;
                                goto out_canon;
                        }
                        if (kind == 2) {
                                /* An object with no directory we can name it in. */
                                close(t->parent);
                                t->parent = -1;
                                t->obj = mobj;
                                t->last[0] = '\0';
                                if (fstat(mobj, &t->st) < 0)
                                        return -errno;
                                t->st_valid = true;
                                r = fd_path(mobj, t->canon, sizeof(t->canon));
                                if (r < 0)
                                        return r;
                                normalize_proc_self(c, t->canon);
                                return 0;
                        }
                        if (slash && strlen(target) + 1 < sizeof(target))
                                strcat(target, "/");
                        /* Continue from the link's directory (or the root for absolute links). */
                        if (start >= 0)
                                close(start);
                        start = t->parent;
                        t->parent = -1;
                        snprintf(buf, sizeof(buf), "%s", target);
                        continue;
                }
                if (slash && !S_ISDIR(t->st.st_mode)) {
                        close(obj);
                        r = -ENOTDIR;
                        goto out_canon;
                }
                t->obj = obj;
                break;
        }
        r = 0;
out_canon:;
        char dir[PATH_MAX];
        int q = fd_path(t->parent, dir, sizeof(dir));
        if (q < 0)
                return q;
        normalize_proc_self(c, dir);
        q = join_canon(t->canon, dir, t->last);
        if (q < 0)
                return q;
        return r;
}
