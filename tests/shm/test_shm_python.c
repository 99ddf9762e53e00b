/* SPDX-License-Identifier: MIT */
/*
 * A C host and a Python worker exchange 100,000 messages each way, of random sizes (mostly
 * small, 1% up to the ring's maximum), every one carrying a CRC-32 that the other side
 * checks. The worker is started the way the supervisor will start it: the channel comes
 * from pt_ipc_create(), its descriptor is inherited at a fixed number named by PODSHM_FD,
 * and the parent closes its own copy; the host opens the channel by name.
 *
 * Environment (from ctest): PODSHM_PYTHON (interpreter), PODSHM_LIB, PYTHONPATH, and in the
 * sanitizer build PODSHM_PRELOAD (the sanitizer runtimes Python must load first).
 */
#include "shm_test.h"

#include "shm/ipc_setup.h"
#include "exchange.h"

#define RING (64u * 1024)
#define MESSAGES 100000u
#define WORKER_FD 10

static pid_t start_worker(int fd)
{
        const char *python = getenv("PODSHM_PYTHON");
        const char *script = PY_WORKER;

        if (!python || !*python)
                python = "python3";
        pid_t pid = fork_child();
        if (pid == 0) {
                /* as the supervisor will: the channel at a known number, named in the env */
                if (dup2(fd, WORKER_FD) < 0)
                        _exit(126);
                char num[16];
                snprintf(num, sizeof(num), "%d", WORKER_FD);
                setenv("PODSHM_FD", num, 1);
                /* run by hand, outside ctest: the build tree's library and package */
                setenv("PODSHM_LIB", DEFAULT_LIB, 0);
                setenv("PYTHONPATH", DEFAULT_PYTHONPATH, 0);
                const char *pre = getenv("PODSHM_PRELOAD");
                if (pre && *pre) {
                        setenv("LD_PRELOAD", pre, 1);
                        setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
                }
                execlp(python, python, script, (char *)NULL);
                _exit(127);
        }
        return pid;
}

static void test_python_worker(void **state)
{
        const char *name = test_name("py");
        char *err = NULL;
        int fd;

        assert_int_equal(pt_ipc_create(name, RING, &fd, &err), 0);
        assert_null(err);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

        struct pt_shm *h;
        assert_int_equal(pt_shm_open(name, PT_SHM_HOST, &h), 0);
        pid_t pid = start_worker(fd);
        close(fd); /* the supervisor's copy: only the worker's description is left */

        struct xresult res;
        double t0 = mono_s();
        if (exchange_run(h, MESSAGES, RING, &res) < 0)
                fail_msg("%s", res.why);
        double dt = mono_s() - t0;
        assert_child_ok(pid, 30);
        /* the worker is gone: the host is told, it does not wait */
        char in[64];
        assert_int_equal(pt_shm_recv(h, in, sizeof(in), -1), -EPIPE);
        print_message("%u messages each way in %.2f s: %.1f MB out, %.1f MB in, %.1f us per exchange\n", MESSAGES,
                      dt, (double)res.bytes_out / 1e6, (double)res.bytes_in / 1e6, dt / MESSAGES * 1e6);
        pt_shm_close(h);
        pt_ipc_unlink(name);
        pt_ipc_unlink(name); /* twice: a missing name is ignored */
}

/* The supervisor helpers: errors are one line naming --ipc=NAME, and the paths. */
static void test_ipc_setup(void **state)
{
        const char *name = test_name("ipc");
        char *err = NULL;
        int fd = -1, fd2 = -1;

        assert_int_equal(pt_ipc_create(name, 0, &fd, &err), 0);
        struct stat st;
        assert_int_equal(fstat(fd, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(st.st_size, 4096 + 2 * PT_SHM_RING_DEFAULT);
        assert_int_equal(pt_ipc_create(name, 0, &fd2, &err), -EEXIST);
        assert_non_null(err);
        assert_non_null(strstr(err, "--ipc="));
        assert_null(strchr(err, '\n'));
        free(err);
        err = NULL;
        assert_int_equal(fd2, -1);
        assert_int_equal(pt_ipc_create("a/b", 0, &fd2, &err), -EINVAL);
        free(err);
        err = NULL;
        assert_int_equal(pt_ipc_create("/podshm-x", 1000, &fd2, &err), -EINVAL);
        free(err);
        close(fd);
        pt_ipc_unlink(name);
        assert_int_equal(pt_shm_unlink(name), -ENOENT);
        assert_non_null(strstr(pt_ipc_library_path(), "libshm.so"));
        assert_true(pt_ipc_python_path()[0] == '/');
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ipc_setup),
                cmocka_unit_test(test_python_worker),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
