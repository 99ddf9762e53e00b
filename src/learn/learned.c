/* SPDX-License-Identifier: MIT */
/*
 * The learned policy from what a --learn run recorded (learn.h): per permission, the values
 * reduced to the smallest sensible set, merged into what the policy file held, and the same
 * policy as flags and as a POD_POLICY_JSON value. Pure: no I/O.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"

/* Directories whose files are never collapsed into the directory itself: a rule on one of
 * them would allow far more than the run touched. */
static const char *const no_collapse[] = {
        "/",     "/bin",  "/boot", "/dev",     "/etc",     "/home",    "/lib",     "/lib64",
        "/media", "/mnt", "/opt",  "/proc",    "/root",    "/run",     "/sbin",    "/srv",
        "/sys",  "/tmp",  "/usr",  "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin", "/var",
        "/var/lib", "/var/tmp", "/usr/share",
};

static bool collapsible(const char *dir, size_t len, const char *home)
{
        for (size_t i = 0; i < sizeof(no_collapse) / sizeof(no_collapse[0]); i++)
                if (strlen(no_collapse[i]) == len && strncmp(no_collapse[i], dir, len) == 0)
                        return false;
        if (home && strlen(home) == len && strncmp(home, dir, len) == 0)
                return false;
        /* the kernel's and the devices' trees: files there are facts, not a data set */
        static const char *const trees[] = { "/proc/", "/sys/", "/dev/" };
        for (size_t i = 0; i < 3; i++)
                if (strncmp(dir, trees[i], strlen(trees[i])) == 0)
                        return false;
        return true;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is b inside a (a directory path, b longer)? */
static bool under(const char *a, const char *b)
{
        size_t n = strlen(a);
        if (n == 1) /* "/" */
                return b[1] != '\0';
        return strncmp(a, b, n) == 0 && b[n] == '/';
}

static size_t parent_len(const char *p)
{
        const char *s = strrchr(p, '/');
        return s == p ? 1 : (size_t)(s - p);
}

/* Sorted, unique, nothing under something else of the list. v[i] may be freed and replaced. */
static size_t reduce(char **v, size_t n)
{
        qsort(v, n, sizeof(*v), cmp_str);
        size_t out = 0;
        for (size_t i = 0; i < n; i++) {
                bool drop = false;
                for (size_t j = 0; j < out && !drop; j++)
                        drop = strcmp(v[j], v[i]) == 0 || under(v[j], v[i]);
                if (drop)
                        free(v[i]);
                else
                        v[out++] = v[i];
        }
        for (size_t i = out; i < n; i++)
                v[i] = NULL;
        return out;
}

/* Many entries of one directory become the directory (where collapsible). */
static size_t collapse(char **v, size_t n, const char *home)
{
        for (size_t i = 0; i < n; i++) {
                size_t pl = parent_len(v[i]), count = 0;
                for (size_t j = 0; j < n; j++)
                        if (parent_len(v[j]) == pl && strncmp(v[j], v[i], pl) == 0)
                                count++;
                if (count < PT_LEARN_COLLAPSE_MIN || !collapsible(v[i], pl, home))
                        continue;
                char *dir = strndup(v[i], pl);
                if (!dir)
                        return n;
                free(v[i]);
                v[i] = dir; /* the others are now under it: reduce() drops them */
        }
        return reduce(v, n);
}

static const char *const perm_order[] = { "read", "write", "net", "env", "run", "ffi", "sys" };

/* The allow side of `key` in the merged object, as a list we may append to (NULL: all). */
static cJSON *allow_list(cJSON *root, const char *key)
{
        cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
        if (!item) {
                item = cJSON_AddArrayToObject(root, key);
                return item;
        }
        if (cJSON_IsTrue(item))
                return NULL;
        if (cJSON_IsArray(item))
                return item;
        if (cJSON_IsFalse(item)) {
                cJSON *arr = cJSON_CreateArray();
                cJSON_ReplaceItemInObjectCaseSensitive(root, key, arr);
                return arr;
        }
        /* { "allow": ..., "deny": ... } */
        cJSON *allow = cJSON_GetObjectItemCaseSensitive(item, "allow");
        if (allow && cJSON_IsTrue(allow))
                return NULL;
        if (allow && cJSON_IsArray(allow))
                return allow;
        cJSON *arr = cJSON_CreateArray();
        if (allow)
                cJSON_ReplaceItemInObjectCaseSensitive(item, "allow", arr);
        else
                cJSON_AddItemToObject(item, "allow", arr);
        return arr;
}

static void set_all(cJSON *root, const char *key)
{
        cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
        if (item && cJSON_IsObject(item)) {
                cJSON *t = cJSON_CreateTrue();
                if (cJSON_GetObjectItemCaseSensitive(item, "allow"))
                        cJSON_ReplaceItemInObjectCaseSensitive(item, "allow", t);
                else
                        cJSON_AddItemToObject(item, "allow", t);
        } else if (item) {
                cJSON_ReplaceItemInObjectCaseSensitive(root, key, cJSON_CreateTrue());
        } else {
                cJSON_AddTrueToObject(root, key);
        }
}

/* Add this permission's learned values; returns how many were new, or -ENOMEM. */
static long add_perm(cJSON *root, enum pt_perm perm, const struct pt_learn_entry *v, size_t n, const char *home)
{
        const char *key = pt_perm_name(perm);
        char **vals = calloc(n + 1, sizeof(char *));
        size_t k = 0;
        bool all = false;
        if (!vals)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                if (v[i].perm != perm)
                        continue;
                if (!v[i].value) {
                        all = true;
                        continue;
                }
                bool path = perm == PT_PERM_READ || perm == PT_PERM_WRITE || perm == PT_PERM_FFI || perm == PT_PERM_RUN;
                if (path && v[i].value[0] != '/')
                        continue; /* pipe:[..], anon_inode: not a thing a rule can name */
                if (!(vals[k] = strdup(v[i].value)))
                        goto oom;
                k++;
        }
        if (perm == PT_PERM_READ || perm == PT_PERM_WRITE)
                k = collapse(vals, k, home);
        else if (perm == PT_PERM_FFI || perm == PT_PERM_RUN)
                k = reduce(vals, k);
        else {
                qsort(vals, k, sizeof(*vals), cmp_str);
        }
        long added = 0;
        if (all) {
                set_all(root, key);
                added = 1;
        } else if (k) {
                cJSON *list = allow_list(root, key);
                for (size_t i = 0; list && i < k; i++) {
                        bool dup = false;
                        const cJSON *e;
                        cJSON_ArrayForEach(e, list) {
                                if (cJSON_IsString(e) && strcmp(e->valuestring, vals[i]) == 0)
                                        dup = true;
                        }
                        if (dup)
                                continue;
                        if (!cJSON_AddItemToArray(list, cJSON_CreateString(vals[i])))
                                goto oom;
                        added++;
                }
        }
        for (size_t i = 0; i < k; i++)
                free(vals[i]);
        free(vals);
        return added;
oom:
        for (size_t i = 0; i < n; i++)
                free(vals[i]);
        free(vals);
        return -ENOMEM;
}

/* Append `--NAME[=a,b]` as one shell word. */
static void flag(char **out, size_t *len, size_t *cap, const char *name, const cJSON *list, bool *incomplete)
{
        char word[8192];
        size_t w = (size_t)snprintf(word, sizeof(word), "--%s", name);
        const cJSON *e;
        bool first = true;
        if (list) {
                cJSON_ArrayForEach(e, list) {
                        if (!cJSON_IsString(e))
                                continue;
                        if (strchr(e->valuestring, ','))
                                *incomplete = true;
                        if (w < sizeof(word))
                                w += (size_t)snprintf(word + w, sizeof(word) - w, "%s%s", first ? "=" : ",",
                                                      e->valuestring);
                        first = false;
                }
                if (first)
                        return; /* an empty list allows nothing: no flag */
        }
        if (w >= sizeof(word))
                *incomplete = true;
        bool plain = true;
        for (const char *p = word; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:=,@%[]", *p))
                        plain = false;
        size_t need = *len + strlen(word) * 4 + 8;
        if (need > *cap) {
                size_t c = need * 2;
                char *o = realloc(*out, c);
                if (!o)
                        return;
                *out = o;
                *cap = c;
        }
        if (*len)
                (*out)[(*len)++] = ' ';
        if (!plain)
                (*out)[(*len)++] = '\'';
        for (const char *p = word; *p; p++) {
                if (*p == '\'' && !plain) {
                        memcpy(*out + *len, "'\\''", 4);
                        *len += 4;
                } else {
                        (*out)[(*len)++] = *p;
                }
        }
        if (!plain)
                (*out)[(*len)++] = '\'';
        (*out)[*len] = '\0';
}

static char *flags_of(const cJSON *root, bool *incomplete)
{
        char *out = calloc(1, 64);
        size_t len = 0, cap = 64;
        if (!out)
                return NULL;
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "all")))
                flag(&out, &len, &cap, "allow-all", NULL, incomplete);
        for (size_t i = 0; i < sizeof(perm_order) / sizeof(perm_order[0]); i++) {
                const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, perm_order[i]);
                char allow[32], deny[32];
                snprintf(allow, sizeof(allow), "allow-%s", perm_order[i]);
                snprintf(deny, sizeof(deny), "deny-%s", perm_order[i]);
                if (!item)
                        continue;
                const cJSON *a = item, *d = NULL;
                if (cJSON_IsObject(item)) {
                        a = cJSON_GetObjectItemCaseSensitive(item, "allow");
                        d = cJSON_GetObjectItemCaseSensitive(item, "deny");
                }
                if (a && cJSON_IsTrue(a))
                        flag(&out, &len, &cap, allow, NULL, incomplete);
                else if (a && cJSON_IsArray(a))
                        flag(&out, &len, &cap, allow, a, incomplete);
                if (d && cJSON_IsTrue(d))
                        flag(&out, &len, &cap, deny, NULL, incomplete);
                else if (d && cJSON_IsArray(d))
                        flag(&out, &len, &cap, deny, d, incomplete);
        }
        return out;
}

int pt_learn_build(const struct pt_learn_entry *v, size_t n, const char *existing, const char *home,
                   struct pt_learned *ret, struct pt_error *err)
{
        memset(ret, 0, sizeof(*ret));
        cJSON *root = existing ? cJSON_Parse(existing) : cJSON_CreateObject();
        if (!root || !cJSON_IsObject(root)) {
                cJSON_Delete(root);
                return pt_error_set(err, -EINVAL, "the policy file is not a JSON object");
        }
        for (int perm = 0; perm < PT_PERM_COUNT; perm++) {
                long added = add_perm(root, (enum pt_perm)perm, v, n, home);
                if (added < 0) {
                        cJSON_Delete(root);
                        return pt_error_set(err, -ENOMEM, "out of memory");
                }
                ret->added[perm] = (size_t)added;
                ret->nadded += (size_t)added;
        }
        /* keys in design 1.3 order, whatever order the file had */
        for (size_t i = 0; i < sizeof(perm_order) / sizeof(perm_order[0]); i++) {
                cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(root, perm_order[i]);
                if (item && cJSON_IsArray(item) && cJSON_GetArraySize(item) == 0 && !existing) {
                        cJSON_Delete(item);
                        continue;
                }
                if (item)
                        cJSON_AddItemToObject(root, perm_order[i], item);
        }
        ret->json = cJSON_Print(root);
        char *compact = cJSON_PrintUnformatted(root);
        ret->flags = flags_of(root, &ret->flags_incomplete);
        ret->b64 = compact ? pt_base64_encode((const unsigned char *)compact, strlen(compact)) : NULL;
        free(compact);
        cJSON_Delete(root);
        if (!ret->json || !ret->flags || !ret->b64) {
                pt_learned_free(ret);
                return pt_error_set(err, -ENOMEM, "out of memory");
        }
        return 0;
}

void pt_learned_free(struct pt_learned *l)
{
        free(l->json);
        free(l->flags);
        free(l->b64);
        memset(l, 0, sizeof(*l));
}
