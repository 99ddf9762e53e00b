/* SPDX-License-Identifier: MIT */
/*
 * Finding the Python interpreter and the files it needs to start.
 *
 * python3 on PATH may be a pyenv shim: a shell script that picks an interpreter and execs
 * it. Running the shim inside the sandbox would need bash, pyenv's scripts and several
 * execs; instead podtrace asks the shim once, outside the sandbox, which interpreter it
 * runs (sys.executable, isolated mode, no site), and runs that one directly. An ELF
 * interpreter named pythonX.Y needs no question: its prefix is the directory above bin/.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/program.h"
#include "util/cleanup.h"

extern char **environ;

static bool is_elf(const char *path)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        unsigned char m[4];
        return fd >= 0 && read(fd, m, 4) == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
}

/* "python3.11" -> "3.11" */
static bool version_from_name(const char *path, char *out, size_t size)
{
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        unsigned maj, min;
        char tail;
        if (sscanf(base, "python%u.%u%c", &maj, &min, &tail) != 2)
                return false;
        snprintf(out, size, "%u.%u", maj, min);
        return true;
}

static int find_program(const struct pt_context *ctx, const char *name, char **ret)
{
        if (strchr(name, '/'))
                return pt_path_canonicalize(ctx, name, ret);
        return pt_find_on_path(ctx, name, ret);
}

/* Ask the interpreter (or shim) about itself, outside the sandbox, without POD_*. */
static int query(const char *exe, struct pt_python *py)
{
        static const char code[] = "import sys;print(sys.executable);print(sys.prefix);print(sys.exec_prefix);"
                                   "print('%d.%d' % sys.version_info[:2])";
        char *argv[] = { (char *)exe, "-I", "-S", "-c", (char *)code, NULL };
        char **env = NULL;
        size_t n = 0;
        int pipefd[2], r;

        for (char **e = environ; e && *e; e++)
                if (strncmp(*e, "POD_", 4) != 0 && pt_strv_push(&env, &n, *e) < 0) {
                        pt_strv_free(env);
                        return -ENOMEM;
                }
        if (pipe2(pipefd, O_CLOEXEC) < 0) {
                pt_strv_free(env);
                return -errno;
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        pid_t pid;
        r = posix_spawn(&pid, exe, &fa, NULL, argv, env ? env : (char *[]){ NULL });
        posix_spawn_file_actions_destroy(&fa);
        pt_strv_free(env);
        close(pipefd[1]);
        if (r != 0) {
                close(pipefd[0]);
                return -r;
        }
        char out[4 * PATH_MAX];
        size_t got = 0;
        ssize_t k;
        while (got < sizeof(out) - 1 && (k = read(pipefd[0], out + got, sizeof(out) - 1 - got)) > 0)
                got += (size_t)k;
        out[got] = '\0';
        close(pipefd[0]);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return -ENOEXEC;

        char *lines[4], *save = NULL, *s = out;
        for (int i = 0; i < 4; i++) {
                lines[i] = strtok_r(s, "\n", &save);
                s = NULL;
                if (!lines[i])
                        return -ENOEXEC;
        }
        char real[PATH_MAX];
        if (!realpath(lines[0], real))
                return -errno;
        py->exe = strdup(real);
        py->prefix = strdup(lines[1]);
        py->exec_prefix = strdup(lines[2]);
        snprintf(py->version, sizeof(py->version), "%s", lines[3]);
        return py->exe && py->prefix && py->exec_prefix ? 0 : -ENOMEM;
}

int pt_python_resolve(const char *requested, const struct pt_context *ctx, struct pt_python *ret,
                      struct pt_error *err)
{
        const char *name = requested ? requested : "python3";
        _cleanup_free_ char *found = NULL;
        struct pt_python py = { 0 };
        int r = find_program(ctx, name, &found);

        if (r == -EACCES)
                return pt_error_set(err, -EACCES, "%s: not executable (%s)", name, strerror(-r));
        if (r < 0)
                return pt_error_set(err, -ENOENT, "%s: Python interpreter not found%s", name,
                                    requested ? "" : " on PATH (use --python=PATH)");
        if (faccessat(AT_FDCWD, found, X_OK, AT_EACCESS) < 0)
                return pt_error_set(err, -EACCES, "%s: not executable", found);

        if (is_elf(found) && version_from_name(found, py.version, sizeof(py.version))) {
                char dir[PATH_MAX];
                snprintf(dir, sizeof(dir), "%s", found);
                char *slash = strrchr(dir, '/');
                if (slash)
                        *slash = '\0';
                slash = strrchr(dir, '/');
                if (slash && slash != dir)
                        *slash = '\0';
                else
                        snprintf(dir, sizeof(dir), "/");
                py.exe = strdup(found);
                py.prefix = strdup(dir);
                py.exec_prefix = strdup(dir);
                if (!py.exe || !py.prefix || !py.exec_prefix) {
                        pt_python_free(&py);
                        return pt_error_set(err, -ENOMEM, "out of memory");
                }
        } else {
                r = query(found, &py);
                /* the shim's answer must be runnable by the worker too (fs identity of main) */
                if (r == 0 && faccessat(AT_FDCWD, py.exe, X_OK, AT_EACCESS) < 0)
                        r = -errno;
                if (r < 0) {
                        pt_python_free(&py);
                        return pt_error_set(err, -ENOEXEC, "%s: cannot ask it which interpreter it runs (%s)",
                                            found, strerror(-r));
                }
        }
        *ret = py;
        return 0;
}

void pt_python_free(struct pt_python *py)
{
        free(py->exe);
        free(py->prefix);
        free(py->exec_prefix);
        memset(py, 0, sizeof(*py));
}

static bool system_prefix(const char *p)
{
        return strcmp(p, "/usr") == 0 || strcmp(p, "/usr/local") == 0 || strcmp(p, "/") == 0;
}

static int push_startup_probes(const struct pt_python *py, char ***vec, size_t *n)
{
        char dir[PATH_MAX], buf[PATH_MAX + 32];
        snprintf(dir, sizeof(dir), "%s", py->exe);
        char *slash = strrchr(dir, '/');
        if (!slash)
                return 0;
        *slash = '\0';
        snprintf(buf, sizeof(buf), "%s/pyvenv.cfg", dir);
        int r = pt_strv_push(vec, n, buf);
        snprintf(buf, sizeof(buf), "%s/pybuilddir.txt", dir);
        if (r == 0)
                r = pt_strv_push(vec, n, buf);
        snprintf(buf, sizeof(buf), "%s._pth", py->exe);
        if (r == 0)
                r = pt_strv_push(vec, n, buf);
        slash = strrchr(dir, '/');
        if (slash) {
                *slash = '\0';
                snprintf(buf, sizeof(buf), "%s/pyvenv.cfg", dir[0] ? dir : "");
                if (r == 0)
                        r = pt_strv_push(vec, n, buf);
        }
        unsigned maj = 0, min = 0;
        if (sscanf(py->version, "%u.%u", &maj, &min) == 2) {
                snprintf(buf, sizeof(buf), "%s/lib/python%u%u.zip", py->prefix, maj, min);
                if (r == 0)
                        r = pt_strv_push(vec, n, buf);
        }
        if (r == 0 && system_prefix(py->prefix)) {
                snprintf(buf, sizeof(buf), "/etc/python%s", py->version);
                r = pt_strv_push(vec, n, buf);
        }
        return r;
}

int pt_python_baseline(const struct pt_python *py, char ***vec, size_t *n)
{
        char buf[PATH_MAX];
        int r = pt_strv_push(vec, n, py->exe);
        const char *prefixes[2] = { py->prefix, py->exec_prefix };

        for (int i = 0; r == 0 && i < 2; i++) {
                if (i == 1 && strcmp(prefixes[0], prefixes[1]) == 0)
                        break;
                if (!system_prefix(prefixes[i])) {
                        /* a private installation (pyenv, /opt, a venv's base): all of it */
                        r = pt_strv_push(vec, n, prefixes[i]);
                        continue;
                }
                /* a distribution's Python: its library directories only */
                snprintf(buf, sizeof(buf), "/usr/lib/python%s", py->version);
                r = pt_strv_push(vec, n, buf);
                if (r == 0)
                        r = pt_strv_push(vec, n, "/usr/lib/python3");
                snprintf(buf, sizeof(buf), "/usr/local/lib/python%s", py->version);
                if (r == 0)
                        r = pt_strv_push(vec, n, buf);
        }
        /*
         * What the interpreter's start-up (getpath, site) always looks for, mostly absent:
         * a venv's pyvenv.cfg beside the executable or one level up, the ._pth file,
         * pybuilddir.txt, the zipped stdlib, and a distribution's /etc/pythonX.Y (Debian's
         * sitecustomize.py). Allowed, they get the kernel's own answer (ENOENT), as natively,
         * and no notice.
         */
        if (r == 0)
                r = push_startup_probes(py, vec, n);
        /* the user site directory Python probes at start-up */
        const char *home = getenv("HOME");
        if (r == 0 && home && home[0] == '/') {
                snprintf(buf, sizeof(buf), "%s/.local/lib/python%s", home, py->version);
                r = pt_strv_push(vec, n, buf);
        }
        return r;
}
