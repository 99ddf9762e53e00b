/* SPDX-License-Identifier: MIT */
/* Helpers every handler uses: reading arguments, validating the notification, deciding. */
#include "handlers/call.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "log/log.h"

int pt_call_read_str(struct pt_call *c, int slot, int arg)
{
        int r = pt_target_read_string(c->req->pid, c->req->data.args[arg], c->str[slot], sizeof(c->str[slot]));
        if (r < 0)
                return r;
        c->have_str[slot] = true;
        c->str_arg[slot] = arg;
        return 0;
}

int pt_call_valid(struct pt_call *c)
{
        uint64_t id = c->req->id;
        if (ioctl(c->sv->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
                return -ENOENT;
        return 0;
}

bool pt_call_record(struct pt_call *c, const struct pt_decision *d, const char *value)
{
        /* The first denial is what the call is remembered by; allows only fill in. */
        if (c->decided && !c->dec.allow)
                return d->allow;
        c->decided = true;
        c->dec = *d;
        snprintf(c->value, sizeof(c->value), "%s", value);
        if (!d->allow && !c->no_notice)
                pt_log_denied(c->sv->log, c);
        return d->allow;
}

bool pt_call_decide_path(struct pt_call *c, enum pt_perm perm, const char *canon)
{
        struct pt_decision d;
        pt_decide_path(c->sv->policy, perm, canon, &d);
        return pt_call_record(c, &d, canon);
}
