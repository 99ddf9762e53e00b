/* SPDX-License-Identifier: MIT */
/*
 * Dropping every capability, for good: bounding set, ambient, inheritable, permitted,
 * effective, with securebits locked so that a uid-0 worker regains none at exec. A root
 * worker with CAP_NET_ADMIN in its own netns could rewrite its routes; with CAP_DAC_OVERRIDE
 * it would not need the supervisor to read a file.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/identity.h"
#include "sandbox/sandbox.h"

int pt_caps_drop_all(const struct pt_identity *id)
{
        /* Securebits need CAP_SETPCAP: set them while we still have it. EPERM when not root. */
        unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                             SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                             SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
        if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0 && errno != EPERM)
                return -errno;
        for (int cap = 0;; cap++) {
                if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
                        break; /* past the last capability this kernel knows */
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EPERM)
                        return -errno;
        }
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return -errno;
        /* The identity while CAP_SETUID/CAP_SETGID are still effective (the bounding set does
         * not limit them; NO_SETUID_FIXUP keeps the kernel from clearing them half-way). */
        if (id) {
                int r = pt_identity_take_thread(id);
                if (r < 0)
                        return r;
        }
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[2];
        memset(data, 0, sizeof(data));
        if (syscall(SYS_capset, &hdr, data) < 0)
                return -errno;
        return 0;
}
