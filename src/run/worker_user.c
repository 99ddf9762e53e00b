/* SPDX-License-Identifier: MIT */
#include "run/worker_user.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A decimal id from the environment, or false (unset, empty, junk, out of range). */
static bool env_id(const char *name, unsigned *ret)
{
        const char *s = getenv(name);
        if (!s || !*s || strlen(s) > 10)
                return false;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *end || s[0] < '0' || s[0] > '9' || v >= 0xffffffffull)
                return false;
        *ret = (unsigned)v;
        return true;
}

int pt_worker_user_choose(const struct pt_options *o, struct pt_identity *ret, const char **ret_why,
                          struct pt_error *err)
{
        unsigned uid, gid;

        if (o->user_set) {
                ret->uid = o->user_uid;
                if (o->user_gid_set) {
                        ret->gid = o->user_gid;
                } else {
                        struct passwd *pw = getpwuid(o->user_uid);
                        ret->gid = pw ? pw->pw_gid : o->user_uid;
                }
                *ret_why = "--user";
                return 0;
        }
        if (getuid() != 0) {
                ret->uid = getuid();
                ret->gid = getgid();
                *ret_why = "the caller";
                return 0;
        }
        if (env_id("SUDO_UID", &uid) && uid != 0) {
                if (!env_id("SUDO_GID", &gid))
                        return pt_error_set(err, -EINVAL, "SUDO_UID=%u is set but SUDO_GID is not a number: "
                                            "use --user=UID:GID", uid);
                ret->uid = uid;
                ret->gid = gid;
                *ret_why = "sudo's caller";
                return 0;
        }
        ret->uid = PT_NOBODY_ID;
        ret->gid = PT_NOBODY_ID;
        *ret_why = "the default for root";
        return 0;
}
