/* SPDX-License-Identifier: MIT */
/* --summary: counts and supervisor time per syscall and permission (summary.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pt_call;
struct pt_summary;

struct pt_summary *pt_summary_new(void);
void pt_summary_free(struct pt_summary *s);
/* One handled notification; ns: from its arrival to its reply. Thread-safe. */
void pt_summary_add(struct pt_summary *s, const struct pt_call *c, uint64_t ns);
/* One request the proxy decided. Thread-safe. */
void pt_summary_add_proxy(struct pt_summary *s, bool allowed);
/* The table as text (strace -c style) or as one JSON object; malloc'd, NULL on failure. */
char *pt_summary_text(const struct pt_summary *s);
char *pt_summary_json(const struct pt_summary *s);
