/* SPDX-License-Identifier: MIT */
/*
 * JSON policies, Deno's permission-set shape (design 1.3):
 *   { "read": true | false | ["a", ...] | { "allow": true|false|[...], "deny": true|false|[...] }, ... }
 * plus "all": true|false (Deno's -A). Unknown keys and wrong types are errors.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/rules.h"
#include "util/cleanup.h"

static int add_side(struct pt_policy *p, const struct pt_context *ctx, enum pt_perm perm, bool deny,
                    const cJSON *v, const char *source, const char *where, struct pt_error *err)
{
        char item_where[PT_ERROR_MAX / 2];

        if (cJSON_IsTrue(v)) {
                int r = pt_policy_add_all(p, perm, deny, source);
                return r < 0 ? pt_error_set(err, r, "%s: %s: out of memory", source, where) : 0;
        }
        if (cJSON_IsFalse(v))
                return 0;
        if (!cJSON_IsArray(v))
                return pt_error_set(err, -EINVAL, "%s: %s: expected true, false or a list of strings", source,
                                    where);
        int i = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, v) {
                snprintf(item_where, sizeof(item_where), "%s: %s[%d]", source, where, i++);
                if (!cJSON_IsString(e))
                        return pt_error_set(err, -EINVAL, "%s: expected a string", item_where);
                int r = pt_policy_add_value(p, ctx, perm, deny, e->valuestring, source, item_where, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_key(struct pt_policy *p, const struct pt_context *ctx, const cJSON *item, const char *source,
                   struct pt_error *err)
{
        enum pt_perm perm;
        const char *key = item->string;

        if (strcmp(key, "all") == 0) {
                if (cJSON_IsFalse(item))
                        return 0;
                if (!cJSON_IsTrue(item))
                        return pt_error_set(err, -EINVAL, "%s: all: expected true or false", source);
                for (unsigned i = 0; i < PT_PERM_COUNT; i++)
                        if (pt_policy_add_all(p, i, false, source) < 0)
                                return pt_error_set(err, -ENOMEM, "%s: out of memory", source);
                return 0;
        }
        if (pt_perm_from_name(key, &perm) < 0)
                return pt_error_set(err, -EINVAL,
                                    "%s: unknown key \"%s\" (known: all read write net env run ffi sys)", source,
                                    key);
        if (!cJSON_IsObject(item))
                return add_side(p, ctx, perm, false, item, source, key, err);

        const cJSON *side;
        cJSON_ArrayForEach(side, item) {
                char where[128];
                bool deny;
                if (strcmp(side->string, "allow") == 0)
                        deny = false;
                else if (strcmp(side->string, "deny") == 0)
                        deny = true;
                else
                        return pt_error_set(err, -EINVAL, "%s: %s: unknown key \"%s\" (known: allow deny)",
                                            source, key, side->string);
                snprintf(where, sizeof(where), "%s.%s", key, side->string);
                int r = add_side(p, ctx, perm, deny, side, source, where, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int pt_policy_add_json(struct pt_policy *p, const struct pt_context *ctx, const char *json, size_t len,
                       const char *source, struct pt_error *err)
{
        const char *end = NULL;

        if (memchr(json, '\0', len))
                return pt_error_set(err, -EINVAL, "%s: invalid JSON: NUL byte", source);
        cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
        if (!root) {
                size_t off = end && end >= json && end <= json + len ? (size_t)(end - json) : 0;
                return pt_error_set(err, -EINVAL, "%s: invalid JSON at byte %zu", source, off);
        }
        /* Only whitespace may follow the value. */
        for (const char *c = end; c && c < json + len; c++)
                if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r') {
                        cJSON_Delete(root);
                        return pt_error_set(err, -EINVAL, "%s: invalid JSON: trailing data at byte %zu", source,
                                            (size_t)(c - json));
                }
        int r = 0;
        if (!cJSON_IsObject(root)) {
                r = pt_error_set(err, -EINVAL, "%s: expected a JSON object", source);
        } else {
                const cJSON *item;
                cJSON_ArrayForEach(item, root) {
                        r = add_key(p, ctx, item, source, err);
                        if (r < 0)
                                break;
                }
        }
        cJSON_Delete(root);
        return r;
}

#define POLICY_FILE_MAX (1 << 20)

int pt_policy_add_file(struct pt_policy *p, const struct pt_context *ctx, const char *path, struct pt_error *err)
{
        _cleanup_free_ char *source = NULL, *buf = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        size_t len = 0;

        if (asprintf(&source, "--policy=%s", path) < 0) {
                source = NULL;
                return pt_error_set(err, -ENOMEM, "--policy: out of memory");
        }
        f = fopen(path, "re");
        if (!f)
                return pt_error_set(err, -errno, "%s: cannot open: %s", source, strerror(errno));
        buf = malloc(POLICY_FILE_MAX + 1);
        if (!buf)
                return pt_error_set(err, -ENOMEM, "%s: out of memory", source);
        len = fread(buf, 1, POLICY_FILE_MAX + 1, f);
        if (ferror(f))
                return pt_error_set(err, -EIO, "%s: cannot read: %s", source, strerror(errno));
        if (len > POLICY_FILE_MAX)
                return pt_error_set(err, -EFBIG, "%s: larger than %d bytes", source, POLICY_FILE_MAX);
        return pt_policy_add_json(p, ctx, buf, len, source, err);
}
