/* SPDX-License-Identifier: MIT */
/* The supervisor's --ipc=NAME helpers (ipc_setup.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "shm/ipc_setup.h"
#include "shm/shm_internal.h"

#ifndef PT_SHM_INSTALLED_LIB
#define PT_SHM_INSTALLED_LIB "/usr/local/lib/libshm.so.0"
#endif
#ifndef PT_SHM_INSTALLED_PYTHON
#define PT_SHM_INSTALLED_PYTHON "/usr/local/lib/python3/dist-packages"
#endif

static void set_error(char **ret_error, const char *name, int r)
{
        const char *why;
        char *msg = NULL;

        if (!ret_error)
                return;
        switch (r) {
        case -EEXIST:
                why = "a shared-memory object of that name exists (remove /dev/shm/NAME or pick another name)";
                break;
        case -EINVAL:
                why = "invalid name or ring size (a name is [/]NAME without other '/', a size a power of two "
                      "from 4096 to 1 GiB)";
                break;
        default:
                why = strerror(-r);
                break;
        }
        if (asprintf(&msg, "--ipc=%s: cannot create the channel: %s", name ? name : "(null)", why) < 0)
                msg = NULL;
        *ret_error = msg;
}

int pt_ipc_create(const char *name, size_t ring_size, int *ret_fd, char **ret_error)
{
        int fd, r;

        if (!ret_fd) {
                set_error(ret_error, name, -EINVAL);
                return -EINVAL;
        }
        r = pt_shm_create_fd(name, ring_size, &fd);
        if (r < 0) {
                set_error(ret_error, name, r);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

void pt_ipc_unlink(const char *name)
{
        if (pt_shm_check_name(name) == 0)
                shm_unlink(name);
}

const char *pt_ipc_library_path(void)
{
        const char *env = getenv(PT_SHM_ENV_LIB);

        return env && *env ? env : PT_SHM_INSTALLED_LIB;
}

const char *pt_ipc_python_path(void)
{
        return PT_SHM_INSTALLED_PYTHON;
}
