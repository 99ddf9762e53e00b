/* SPDX-License-Identifier: MIT */
/*
 * pt_policy_add_json on arbitrary bytes (a --policy file, or decoded POD_POLICY_JSON).
 * The input is placed right before an inaccessible page: the JSON parser is handed a
 * length, not a C string, and a read past it faults even in uninstrumented libcjson.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

#define GUARDED_MAX (2u << 20)

static const char *guarded_copy(const uint8_t *data, size_t size)
{
        static char *region;
        static size_t page;
        if (!region) {
                page = (size_t)sysconf(_SC_PAGESIZE);
                region = mmap(NULL, GUARDED_MAX + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (region == MAP_FAILED || mprotect(region + GUARDED_MAX, page, PROT_NONE) < 0)
                        abort();
        }
        if (size > GUARDED_MAX)
                return NULL;
        char *p = region + GUARDED_MAX - size;
        if (size)
                memcpy(p, data, size);
        return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const prefixes[] = { "--policy=fuzz.json: ", NULL };
        static FILE *devnull;
        struct pt_policy p;
        struct pt_error err = { "" };

        const char *json = guarded_copy(data, size);
        if (!json)
                return 0;
        if (!devnull)
                devnull = fopen("/dev/null", "we");
        pt_policy_init(&p);
        int r = pt_policy_add_json(&p, &fuzz_ctx, json, size, "--policy=fuzz.json", &err);
        if (r < 0) {
                fuzz_check_error(r, &err, prefixes);
        } else {
                fuzz_check_policy(&p);
                if (devnull)
                        pt_policy_print(&p, devnull);
        }
        pt_policy_free(&p);
        return 0;
}
