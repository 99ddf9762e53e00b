/* SPDX-License-Identifier: MIT */
/* `podtrace policy show`: the effective policy, one rule a line, with where it came from. */
#include <stdio.h>

#include "policy/policy.h"

static void print_side(const struct pt_rules *rs, enum pt_perm perm, const char *side, FILE *out)
{
        if (rs->all)
                fprintf(out, "%-6s %-6s %-40s %s\n", pt_perm_name(perm), side, "*", rs->all);
        for (size_t i = 0; i < rs->n; i++) {
                const struct pt_rule *r = &rs->v[i];
                if (perm == PT_PERM_RUN && r->resolved && !r->prefix && r->resolved[0] && r->text[0] != '/')
                        fprintf(out, "%-6s %-6s %-40s %s (found at %s)\n", pt_perm_name(perm), side, r->text,
                                r->source, r->resolved);
                else if (perm == PT_PERM_RUN && !r->resolved)
                        fprintf(out, "%-6s %-6s %-40s %s (not on PATH)\n", pt_perm_name(perm), side, r->text,
                                r->source);
                else
                        fprintf(out, "%-6s %-6s %-40s %s\n", pt_perm_name(perm), side, r->text, r->source);
        }
}

void pt_policy_print(const struct pt_policy *p, FILE *out)
{
        fprintf(out, "# podtrace effective policy: deny beats allow; whatever no rule allows is denied\n");
        fprintf(out, "%-6s %-6s %-40s %s\n", "#perm", "rule", "value", "source");
        for (unsigned i = 0; i < PT_PERM_COUNT; i++) {
                if (!p->allow[i].all && !p->allow[i].n && !p->deny[i].all && !p->deny[i].n) {
                        fprintf(out, "%-6s %-6s %-40s %s\n", pt_perm_name(i), "deny", "*", "default");
                        continue;
                }
                print_side(&p->deny[i], i, "deny", out);
                print_side(&p->allow[i], i, "allow", out);
        }
}
