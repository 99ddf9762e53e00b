/* SPDX-License-Identifier: MIT */
/*
 * The --learn recorder: the policy's learn hook lands here from any notify thread or the
 * proxy. Distinct (permission, value) pairs only, so memory grows with what was accessed,
 * not with how often; bounded by PT_LEARN_MAX_ENTRIES.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"

#define SLOTS (1u << 18) /* > 2 x PT_LEARN_MAX_ENTRIES: open addressing stays short */

struct pt_learner {
        struct pt_learn_hook hook;
        pthread_mutex_t lock;
        struct pt_learn_entry *v;
        size_t n, cap;
        uint32_t *slot; /* index + 1 into v, 0 = empty */
        bool overflow;
};

static uint64_t hash(enum pt_perm perm, const char *value)
{
        uint64_t h = 1469598103934665603ull ^ (uint64_t)(perm + 1);
        for (const unsigned char *p = (const unsigned char *)(value ? value : ""); *p; p++)
                h = (h ^ *p) * 1099511628211ull;
        return value ? h : h ^ 0x9e3779b97f4a7c15ull;
}

static bool same(const struct pt_learn_entry *e, enum pt_perm perm, const char *value)
{
        if (e->perm != perm || !e->value != !value)
                return false;
        return !value || strcmp(e->value, value) == 0;
}

static void record(void *ctx, enum pt_perm perm, const char *value)
{
        struct pt_learner *l = ctx;
        pthread_mutex_lock(&l->lock);
        size_t i = hash(perm, value) & (SLOTS - 1);
        while (l->slot[i]) {
                if (same(&l->v[l->slot[i] - 1], perm, value))
                        goto out;
                i = (i + 1) & (SLOTS - 1);
        }
        if (l->n >= PT_LEARN_MAX_ENTRIES) {
                l->overflow = true;
                goto out;
        }
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 256;
                struct pt_learn_entry *v = realloc(l->v, cap * sizeof(*v));
                if (!v) {
                        l->overflow = true;
                        goto out;
                }
                l->v = v;
                l->cap = cap;
        }
        char *copy = value ? strdup(value) : NULL;
        if (value && !copy) {
                l->overflow = true;
                goto out;
        }
        l->v[l->n] = (struct pt_learn_entry){ perm, copy };
        l->slot[i] = (uint32_t)++l->n;
out:
        pthread_mutex_unlock(&l->lock);
}

struct pt_learner *pt_learner_new(void)
{
        struct pt_learner *l = calloc(1, sizeof(*l));
        if (!l)
                return NULL;
        l->slot = calloc(SLOTS, sizeof(*l->slot));
        if (!l->slot) {
                free(l);
                return NULL;
        }
        pthread_mutex_init(&l->lock, NULL);
        l->hook.record = record;
        l->hook.ctx = l;
        return l;
}

struct pt_learn_hook *pt_learner_hook(struct pt_learner *l)
{
        return &l->hook;
}

const struct pt_learn_entry *pt_learner_entries(struct pt_learner *l, size_t *n, bool *overflow)
{
        pthread_mutex_lock(&l->lock);
        *n = l->n;
        *overflow = l->overflow;
        pthread_mutex_unlock(&l->lock);
        return l->v;
}

void pt_learner_free(struct pt_learner *l)
{
        if (!l)
                return;
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i].value);
        free(l->v);
        free(l->slot);
        pthread_mutex_destroy(&l->lock);
        free(l);
}
