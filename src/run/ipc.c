/* SPDX-License-Identifier: MIT */
/* `podtrace run --ipc=NAME` and the demo's channel (run/ipc.h). */
#include "run/ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "podtrace/shm.h"
#include "run/program.h"
#include "shm/ipc_setup.h"

/* A podtrace run from its build tree uses the build tree's library and the source package. */
static bool in_build_tree(void)
{
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n <= 0)
                return false;
        exe[n] = '\0';
        size_t len = strlen(PT_BUILD_DIR);
        return strncmp(exe, PT_BUILD_DIR, len) == 0 && exe[len] == '/';
}

static int find_paths(struct pt_run_ipc *ipc, struct pt_error *err)
{
        const char *lib = pt_ipc_library_path(), *pydir = pt_ipc_python_path();
        const char *env = getenv(PT_SHM_ENV_LIB);
        if (!(env && *env) && in_build_tree()) {
                lib = PT_BUILD_SHM_LIB;
                pydir = PT_SOURCE_DIR "/python";
        }
        ipc->lib = realpath(lib, NULL);
        if (!ipc->lib)
                return pt_error_set(err, -errno, "--ipc: cannot find libshm.so at %s: %s (set PODSHM_LIB)", lib,
                                    strerror(errno));
        ipc->pydir = realpath(pydir, NULL);
        char init[PATH_MAX];
        snprintf(init, sizeof(init), "%s/podshm/__init__.py", ipc->pydir ? ipc->pydir : pydir);
        if (!ipc->pydir || access(init, R_OK) < 0)
                return pt_error_set(err, -ENOENT, "--ipc: cannot find the podshm Python package in %s", pydir);
        return 0;
}

int pt_run_ipc_prepare(const char *name, bool demo, struct pt_run_ipc *ipc, struct pt_error *err)
{
        memset(ipc, 0, sizeof(*ipc));
        ipc->fd = -1;
        if (!name && !demo)
                return 0;
        ipc->on = true;
        ipc->name = name;
        int r = find_paths(ipc, err);
        if (r < 0 && !name) {
                /* the demo without libshm installed: it runs, and says the channel is missing */
                free(ipc->lib);
                free(ipc->pydir);
                memset(ipc, 0, sizeof(*ipc));
                ipc->fd = -1;
                return 0;
        }
        return r;
}

int pt_run_ipc_policy(const struct pt_run_ipc *ipc, struct pt_policy *p, const struct pt_context *ctx,
                      struct pt_error *err)
{
        if (!ipc->on)
                return 0;
        int r = pt_policy_add_value(p, ctx, PT_PERM_READ, false, ipc->lib, "ipc", "--ipc (libshm.so)", err);
        if (r == 0)
                r = pt_policy_add_value(p, ctx, PT_PERM_FFI, false, ipc->lib, "ipc", "--ipc (libshm.so)", err);
        /* the package's directory: Python lists it to find podshm */
        if (r == 0)
                r = pt_policy_add_value(p, ctx, PT_PERM_READ, false, ipc->pydir, "ipc", "--ipc (podshm)", err);
        return r;
}

/* The demo's host side: answer every message, until the run ends. */
static void *echo_main(void *arg)
{
        struct pt_run_ipc *ipc = arg;
        size_t cap = pt_shm_max_recv(ipc->echo);
        char *buf = malloc(cap + 16), *out = malloc(cap + 16);
        while (buf && out && !ipc->echo_stop) {
                ssize_t n = pt_shm_recv(ipc->echo, buf, cap, 100);
                if (n == -ETIMEDOUT || n == -EINTR)
                        continue;
                if (n < 0)
                        break; /* the worker closed it or is gone, or wrote garbage */
                size_t len = (size_t)n < cap - 6 ? (size_t)n : cap - 6;
                memcpy(out, "echo: ", 6);
                memcpy(out + 6, buf, len);
                if (pt_shm_send(ipc->echo, out, len + 6, 1000) < 0)
                        break;
        }
        free(buf);
        free(out);
        return NULL;
}

static int create_demo(struct pt_run_ipc *ipc, struct pt_error *err)
{
        int fd = memfd_create("podtrace-demo-channel", MFD_CLOEXEC);
        if (fd < 0)
                return pt_error_set(err, -errno, "demo channel: memfd_create: %s", strerror(errno));
        int r = pt_shm_format_fd(fd, 64 * 1024);
        /* our side through a description of its own (liveness is a lock per description) */
        char self[64];
        snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
        int mine = r < 0 ? -1 : open(self, O_RDWR | O_CLOEXEC);
        if (r == 0 && mine < 0)
                r = -errno;
        if (r == 0)
                r = pt_shm_open_fd(mine, PT_SHM_HOST, &ipc->echo);
        if (mine >= 0)
                close(mine);
        if (r == 0) {
                pt_shm_set_spin(ipc->echo, 0);
                r = -pthread_create(&ipc->echo_thread, NULL, echo_main, ipc);
                ipc->echo_running = r == 0;
        }
        if (r < 0) {
                close(fd);
                return pt_error_set(err, r, "demo channel: %s", strerror(-r));
        }
        ipc->fd = fd;
        return 0;
}

int pt_run_ipc_create(struct pt_run_ipc *ipc, struct pt_error *err)
{
        if (!ipc->on)
                return 0;
        if (!ipc->name)
                return create_demo(ipc, err);
        char *msg = NULL;
        int r = pt_ipc_create(ipc->name, 0, &ipc->fd, &msg);
        if (r < 0) {
                pt_error_set(err, r, "%s", msg ? msg : "--ipc: cannot create the channel");
                free(msg);
                return r;
        }
        ipc->named = true;
        return 0;
}

static int set_var(char ***envp, const char *name, const char *value)
{
        size_t n = 0, len = strlen(name);
        char **v = *envp;
        while (v && v[n])
                n++;
        for (size_t i = 0; i < n; i++)
                if (strncmp(v[i], name, len) == 0 && v[i][len] == '=') {
                        free(v[i]);
                        memmove(&v[i], &v[i + 1], (n - i) * sizeof(char *)); /* the NULL too */
                        n--;
                        break;
                }
        char *s;
        if (asprintf(&s, "%s=%s", name, value) < 0)
                return -ENOMEM;
        int r = pt_strv_push(envp, &n, s);
        free(s);
        return r;
}

int pt_run_ipc_env(const struct pt_run_ipc *ipc, char ***envp)
{
        if (!ipc->on)
                return 0;
        char num[16], *path = NULL;
        snprintf(num, sizeof(num), "%d", PT_IPC_WORKER_FD);
        int r = set_var(envp, PT_SHM_ENV_FD, num);
        if (r == 0)
                r = set_var(envp, PT_SHM_ENV_LIB, ipc->lib);
        /* the package first, the worker's own PYTHONPATH (if it was passed) after it */
        const char *old = NULL;
        for (char **v = *envp; v && *v; v++)
                if (strncmp(*v, "PYTHONPATH=", 11) == 0)
                        old = *v + 11;
        if (r == 0 && asprintf(&path, "%s%s%s", ipc->pydir, old && *old ? ":" : "", old ? old : "") < 0)
                r = -ENOMEM;
        if (r == 0)
                r = set_var(envp, "PYTHONPATH", path);
        free(path);
        return r;
}

void pt_run_ipc_spawned(struct pt_run_ipc *ipc)
{
        if (ipc->fd >= 0)
                close(ipc->fd);
        ipc->fd = -1;
}

void pt_run_ipc_done(struct pt_run_ipc *ipc)
{
        if (ipc->echo_running) {
                ipc->echo_stop = true;
                pthread_join(ipc->echo_thread, NULL);
        }
        if (ipc->echo)
                pt_shm_close(ipc->echo);
        if (ipc->named)
                pt_ipc_unlink(ipc->name);
        pt_run_ipc_spawned(ipc);
        free(ipc->lib);
        free(ipc->pydir);
        memset(ipc, 0, sizeof(*ipc));
        ipc->fd = -1;
}
