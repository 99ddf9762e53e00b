/* SPDX-License-Identifier: MIT */
/* Internal to the policy library: per-kind value parsers and the shared decision walk. */
#pragma once

#include "policy/policy.h"

struct pt_rules *pt_rules_of(struct pt_policy *p, enum pt_perm perm, bool deny);
int pt_rules_push(struct pt_rules *rs, struct pt_rule *rule);

int pt_path_rule_parse(const struct pt_context *ctx, const char *value, struct pt_rule *rule, const char **why);
int pt_env_rule_parse(const char *value, struct pt_rule *rule, const char **why);
int pt_run_rule_parse(const struct pt_context *ctx, const char *value, struct pt_rule *rule, const char **why);

/* Does rule cover the query? Used by pt_decide() for every kind. */
typedef bool (*pt_covers_fn)(const struct pt_rule *rule, const void *query);

/*
 * The one decision procedure: a deny rule (or a whole-category deny) that covers the query
 * wins; otherwise the most specific covering allow rule (largest len), then a whole-category
 * allow; otherwise the default deny.
 */
void pt_decide(const struct pt_policy *p, enum pt_perm perm, pt_covers_fn covers, const void *query,
               struct pt_decision *ret);

/* --learn: turn a default deny into a recorded, learned allow (see struct pt_learn_hook). */
void pt_learn_default(const struct pt_policy *p, enum pt_perm perm, const char *value, struct pt_decision *ret);
