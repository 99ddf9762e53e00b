/* SPDX-License-Identifier: MIT */
/* The decision procedure shared by every permission: deny beats allow, default deny. */
#include <stdio.h>
#include <string.h>

#include "policy/rules.h"

static const struct pt_rule *best_cover(const struct pt_rules *rs, pt_covers_fn covers, const void *query)
{
        const struct pt_rule *best = NULL;
        for (size_t i = 0; i < rs->n; i++)
                if (covers(&rs->v[i], query) && (!best || rs->v[i].len > best->len))
                        best = &rs->v[i];
        return best;
}

void pt_decide(const struct pt_policy *p, enum pt_perm perm, pt_covers_fn covers, const void *query,
               struct pt_decision *ret)
{
        const struct pt_rules *deny = &p->deny[perm], *allow = &p->allow[perm];
        const struct pt_rule *r;

        memset(ret, 0, sizeof(*ret));
        ret->perm = perm;
        r = best_cover(deny, covers, query);
        if (r) {
                ret->rule = r;
                ret->source = r->source;
                return;
        }
        if (deny->all) {
                ret->source = deny->all;
                return;
        }
        r = best_cover(allow, covers, query);
        if (r) {
                ret->allow = true;
                ret->rule = r;
                ret->source = r->source;
                return;
        }
        if (allow->all) {
                ret->allow = true;
                ret->source = allow->all;
        }
}

int pt_decision_describe(const struct pt_decision *d, char *buf, size_t size)
{
        const char *what = d->learned ? "(learned)" : d->rule ? d->rule->text : d->source ? "*" : "default";
        return snprintf(buf, size, "%s %s %s%s", d->allow ? "allow" : "deny", pt_perm_name(d->perm), what,
                        d->ancestor ? " (on the way to it)" : "");
}

static bool sys_covers(const struct pt_rule *rule, const void *query)
{
        return rule->sys == *(const enum pt_sys *)query;
}

void pt_decide_sys(const struct pt_policy *p, enum pt_sys sys, struct pt_decision *ret)
{
        pt_decide(p, PT_PERM_SYS, sys_covers, &sys, ret);
        pt_learn_default(p, PT_PERM_SYS, pt_sys_name(sys), ret);
}

_Thread_local bool pt_learn_quiet;

void pt_learn_default(const struct pt_policy *p, enum pt_perm perm, const char *value, struct pt_decision *ret)
{
        const struct pt_learn_hook *h = p->learn;
        if (ret->allow || ret->source || !h || !h->active || pt_learn_quiet)
                return;
        h->record(h->ctx, perm, value);
        ret->allow = true;
        ret->learned = true;
}
