/* SPDX-License-Identifier: MIT */
#include "log/seen.h"

void pt_seen_init(struct pt_seen *s)
{
        pthread_mutex_init(&s->lock, NULL);
        for (size_t i = 0; i < PT_SEEN_SLOTS; i++)
                s->slot[i] = 0;
}

void pt_seen_destroy(struct pt_seen *s)
{
        pthread_mutex_destroy(&s->lock);
}

static uint64_t hash_pair(enum pt_perm perm, const char *value)
{
        uint64_t h = 1469598103934665603ull ^ (uint64_t)perm; /* FNV-1a */
        for (const unsigned char *p = (const unsigned char *)value; *p; p++)
                h = (h ^ *p) * 1099511628211ull;
        return h ? h : 1;
}

bool pt_seen_first(struct pt_seen *s, enum pt_perm perm, const char *value)
{
        uint64_t h = hash_pair(perm, value);
        bool first = true;
        pthread_mutex_lock(&s->lock);
        for (size_t i = 0; i < 32; i++) {
                size_t k = (h + i) % PT_SEEN_SLOTS;
                if (s->slot[k] == h) {
                        first = false;
                        break;
                }
                if (s->slot[k] == 0) {
                        s->slot[k] = h;
                        break;
                }
        }
        pthread_mutex_unlock(&s->lock);
        return first;
}
