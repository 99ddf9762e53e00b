/* SPDX-License-Identifier: MIT */
/* Command-line parsing: podtrace run|policy show [OPTIONS] [--] [PROGRAM | SCRIPT.py] [ARGS...] */
#include "cli/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

const char pt_usage_text[] =
        "usage: podtrace run [OPTIONS] [--] [PROGRAM | SCRIPT.py] [ARGS...]\n"
        "       podtrace policy show [OPTIONS] [--] [PROGRAM | SCRIPT.py]\n"
        "\n"
        "Runs PROGRAM (or SCRIPT.py under python3, or the built-in demo worker when none is\n"
        "given) in a sandbox where every file, network, exec, env, ffi and sys access is decided\n"
        "against a Deno-style policy. Nothing beyond the runtime baseline is allowed by default.\n"
        "\n"
        "Permissions (LIST is comma separated; without =LIST the whole category):\n"
        "  -R, --allow-read[=PATHS]    --deny-read[=PATHS]\n"
        "  -W, --allow-write[=PATHS]   --deny-write[=PATHS]\n"
        "  -N, --allow-net[=HOSTS]     --deny-net[=HOSTS]    host, host:port, *.domain, IP, [IPv6], CIDR\n"
        "  -E, --allow-env[=NAMES]     --deny-env[=NAMES]    NAME or PREFIX_*\n"
        "      --allow-run[=PROGRAMS]  --deny-run[=PROGRAMS]\n"
        "      --allow-ffi[=PATHS]     --deny-ffi[=PATHS]\n"
        "  -S, --allow-sys[=NAMES]     --deny-sys[=NAMES]    hostname osRelease osUptime loadavg ...\n"
        "  -A, --allow-all             everything (deny flags still apply)\n"
        "      --policy=FILE           a JSON policy file (Deno permission-set shape)\n"
        "      --no-baseline           do not grant the runtime baseline\n"
        "Policy also comes from POD_ALLOW_* / POD_DENY_* and base64 JSON in POD_POLICY_JSON;\n"
        "all sources are merged and deny beats allow. POD_* never reaches the worker.\n"
        "\n"
        "Output:\n"
        "  -v, --verbose               log every intercepted syscall with its decision\n"
        "      --log-format=text|json  format of the verbose log\n"
        "      --log-file=PATH         write the log there instead of stderr\n"
        "  -q, --quiet                 no denial notices\n"
        "      --summary               at exit, per syscall and permission: calls allowed and denied,\n"
        "                              time in the supervisor (like strace -c; to the log's destination)\n"
        "      --backtrace             after each denial notice and denied call in the log, the stack\n"
        "                              of the thread that made the call (native; Python 3.11: file:line)\n"
        "\n"
        "Other:\n"
        "      --python=PATH           interpreter for SCRIPT.py (default: python3 on PATH)\n"
        "      --user=UID[:GID]        the worker's identity (default: the sudo caller, else 65534)\n"
        "      --resolve=HOST:ADDR     the proxy resolves HOST to ADDR (like curl's --resolve)\n"
        "      --no-dns                the proxy sends no DNS query: only --resolve and literal addresses\n"
        "      --no-landlock           emulate every file access (no kernel fast path)\n"
        "  -h, --help                  this text\n"
        "      --version               print the version\n"
        "\n"
        "Exit status: the worker's own; 128+N if it died of signal N; 2 bad usage or policy;\n"
        "125 sandbox setup failed; 126 program not executable; 127 program not found.\n";

struct perm_opt {
        const char *name;
        char short_name;
        enum pt_perm perm;
        bool deny;
};

static const struct perm_opt perm_opts[] = {
        { "allow-read", 'R', PT_PERM_READ, false },   { "deny-read", 0, PT_PERM_READ, true },
        { "allow-write", 'W', PT_PERM_WRITE, false }, { "deny-write", 0, PT_PERM_WRITE, true },
        { "allow-net", 'N', PT_PERM_NET, false },     { "deny-net", 0, PT_PERM_NET, true },
        { "allow-env", 'E', PT_PERM_ENV, false },     { "deny-env", 0, PT_PERM_ENV, true },
        { "allow-run", 0, PT_PERM_RUN, false },       { "deny-run", 0, PT_PERM_RUN, true },
        { "allow-ffi", 0, PT_PERM_FFI, false },       { "deny-ffi", 0, PT_PERM_FFI, true },
        { "allow-sys", 'S', PT_PERM_SYS, false },     { "deny-sys", 0, PT_PERM_SYS, true },
};

static const char *const perm_flag_names[] = {
        "--allow-read", "--deny-read", "--allow-write", "--deny-write", "--allow-net", "--deny-net",
        "--allow-env",  "--deny-env",  "--allow-run",   "--deny-run",   "--allow-ffi", "--deny-ffi",
        "--allow-sys",  "--deny-sys",
};

static int push_flag(struct pt_options *o, const struct perm_opt *po, const char *list, struct pt_error *err)
{
        struct pt_perm_flag *v = realloc(o->flags, (o->nflags + 1) * sizeof(*v));
        if (!v)
                return pt_error_set(err, -ENOMEM, "out of memory");
        o->flags = v;
        v[o->nflags++] = (struct pt_perm_flag){
                .perm = po->perm,
                .deny = po->deny,
                .list = list,
                .flag = perm_flag_names[po - perm_opts],
        };
        return 0;
}

/* Options that take a value: "--name=value" or "--name value". */
/* A numeric id below 2^32-1 ((uid_t)-1 means "unchanged" to the kernel). */
static bool parse_id(const char *s, size_t n, unsigned *ret)
{
        unsigned long long v = 0;
        if (n == 0 || n > 10)
                return false;
        for (size_t k = 0; k < n; k++) {
                if (s[k] < '0' || s[k] > '9')
                        return false;
                v = v * 10 + (unsigned)(s[k] - '0');
        }
        if (v >= 0xffffffffull)
                return false;
        *ret = (unsigned)v;
        return true;
}

static int parse_user(const char *val, struct pt_options *o, struct pt_error *err)
{
        const char *colon = strchr(val, ':');
        size_t n = colon ? (size_t)(colon - val) : strlen(val);
        if (!parse_id(val, n, &o->user_uid) || (colon && !parse_id(colon + 1, strlen(colon + 1), &o->user_gid)))
                return pt_error_set(err, -EINVAL, "--user=%s: expected UID or UID:GID (numbers)", val);
        o->user_set = true;
        o->user_gid_set = colon != NULL;
        return 0;
}

static int take_value(int argc, char **argv, int *i, const char *name, const char *eq, const char **ret,
                      struct pt_error *err)
{
        if (eq) {
                *ret = eq + 1;
        } else {
                if (*i + 1 >= argc)
                        return pt_error_set(err, -EINVAL, "option --%s needs a value", name);
                *ret = argv[++*i];
        }
        if (!**ret)
                return pt_error_set(err, -EINVAL, "option --%s: empty value", name);
        return 0;
}

static int parse_long(int argc, char **argv, int *i, struct pt_options *o, struct pt_error *err)
{
        const char *arg = argv[*i] + 2;
        const char *eq = strchr(arg, '=');
        size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
        const char *val = NULL;

#define IS(s) (n == strlen(s) && strncmp(arg, s, n) == 0)
        for (size_t k = 0; k < ARRAY_SIZE(perm_opts); k++)
                if (IS(perm_opts[k].name))
                        return push_flag(o, &perm_opts[k], eq ? eq + 1 : NULL, err);

        if (IS("allow-all") || IS("verbose") || IS("quiet") || IS("no-baseline") || IS("help") ||
            IS("version") || IS("no-landlock") || IS("no-dns") || IS("backtrace") ||
            IS("summary")) {
                if (eq)
                        return pt_error_set(err, -EINVAL, "option --%.*s takes no value", (int)n, arg);
                if (IS("allow-all"))
                        o->allow_all = true;
                else if (IS("verbose"))
                        o->verbose = true;
                else if (IS("quiet"))
                        o->quiet = true;
                else if (IS("no-baseline"))
                        o->no_baseline = true;
                else if (IS("no-landlock"))
                        o->no_landlock = true;
                else if (IS("no-dns"))
                        o->no_dns = true;
                else if (IS("backtrace"))
                        o->backtrace = true;
                else if (IS("summary"))
                        o->summary = true;
                else if (IS("help"))
                        o->cmd = PT_CMD_HELP;
                else
                        o->cmd = PT_CMD_VERSION;
                return 0;
        }
        if (IS("learn")) {
                o->learn = true;
                o->learn_file = eq ? eq + 1 : NULL;
                if (eq && !eq[1])
                        return pt_error_set(err, -EINVAL, "option --learn: empty file name");
                return 0;
        }
        if (IS("policy")) {
                int r = take_value(argc, argv, i, "policy", eq, &val, err);
                if (r < 0)
                        return r;
                const char **v = realloc(o->policy_files, (o->npolicy_files + 1) * sizeof(*v));
                if (!v)
                        return pt_error_set(err, -ENOMEM, "out of memory");
                o->policy_files = v;
                v[o->npolicy_files++] = val;
                return 0;
        }
        if (IS("log-format")) {
                int r = take_value(argc, argv, i, "log-format", eq, &val, err);
                if (r < 0)
                        return r;
                if (strcmp(val, "text") == 0)
                        o->log_format = PT_LOG_TEXT;
                else if (strcmp(val, "json") == 0)
                        o->log_format = PT_LOG_JSON;
                else
                        return pt_error_set(err, -EINVAL, "option --log-format: \"%s\" is not text or json", val);
                return 0;
        }
        if (IS("resolve")) {
                const char *why = NULL;
                int r = take_value(argc, argv, i, "resolve", eq, &val, err);
                if (r < 0)
                        return r;
                struct pt_resolve_pin *v = realloc(o->pins, (o->npins + 1) * sizeof(*v));
                if (!v)
                        return pt_error_set(err, -ENOMEM, "out of memory");
                o->pins = v;
                if (pt_resolve_pin_parse(val, &v[o->npins], &why) < 0)
                        return pt_error_set(err, -EINVAL, "--resolve=%s: %s", val, why);
                o->npins++;
                return 0;
        }
        if (IS("log-file"))
                return take_value(argc, argv, i, "log-file", eq, &o->log_file, err);
        if (IS("python"))
                return take_value(argc, argv, i, "python", eq, &o->python, err);
        if (IS("ipc"))
                return take_value(argc, argv, i, "ipc", eq, &o->ipc, err);
        if (IS("user")) {
                int r = take_value(argc, argv, i, "user", eq, &val, err);
                if (r < 0)
                        return r;
                return parse_user(val, o, err);
        }
#undef IS
        return pt_error_set(err, -EINVAL, "unknown option \"%s\" (see podtrace --help)", argv[*i]);
}

static int parse_short(const char *arg, struct pt_options *o, struct pt_error *err)
{
        char c = arg[1];
        const char *rest = arg + 2;

        for (size_t k = 0; k < ARRAY_SIZE(perm_opts); k++)
                if (perm_opts[k].short_name && perm_opts[k].short_name == c) {
                        if (*rest && *rest != '=')
                                break;
                        return push_flag(o, &perm_opts[k], *rest ? rest + 1 : NULL, err);
                }
        if (*rest == '\0') {
                switch (c) {
                case 'A':
                        o->allow_all = true;
                        return 0;
                case 'v':
                        o->verbose = true;
                        return 0;
                case 'q':
                        o->quiet = true;
                        return 0;
                case 'h':
                        o->cmd = PT_CMD_HELP;
                        return 0;
                }
        }
        return pt_error_set(err, -EINVAL, "unknown option \"%s\" (see podtrace --help)", arg);
}

int pt_options_parse(int argc, char **argv, struct pt_options *ret, struct pt_error *err)
{
        struct pt_options o = { 0 };
        int i = 1, r = 0;

        if (argc < 2)
                return pt_error_set(err, -EINVAL, "missing command (see podtrace --help)");
        if (strcmp(argv[1], "run") == 0) {
                o.cmd = PT_CMD_RUN;
                i = 2;
                /* "podtrace run run x.py" is "podtrace run x.py": the container's entrypoint is
                 * `podtrace run`, and the seed's `docker run IMAGE run custom_worker.py` names
                 * the subcommand again. A program called "run": `podtrace run -- run`. */
                if (argc > 2 && strcmp(argv[2], "run") == 0)
                        i = 3;
        } else if (strcmp(argv[1], "policy") == 0) {
                if (argc < 3 || strcmp(argv[2], "show") != 0)
                        return pt_error_set(err, -EINVAL, "unknown policy command (only \"policy show\")");
                o.cmd = PT_CMD_POLICY_SHOW;
                i = 3;
        } else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                *ret = (struct pt_options){ .cmd = PT_CMD_HELP, .argv = argv + argc };
                return 0;
        } else if (strcmp(argv[1], "--version") == 0) {
                *ret = (struct pt_options){ .cmd = PT_CMD_VERSION, .argv = argv + argc };
                return 0;
        } else {
                return pt_error_set(err, -EINVAL, "unknown command \"%s\" (see podtrace --help)", argv[1]);
        }

        enum pt_command cmd = o.cmd;
        for (; i < argc; i++) {
                const char *a = argv[i];
                if (strcmp(a, "--") == 0) {
                        i++;
                        break;
                }
                if (a[0] != '-' || a[1] == '\0')
                        break;
                r = a[1] == '-' ? parse_long(argc, argv, &i, &o, err) : parse_short(a, &o, err);
                if (r < 0)
                        break;
        }
        if (r < 0) {
                pt_options_free(&o);
                return r;
        }
        if (o.cmd == PT_CMD_RUN || o.cmd == PT_CMD_POLICY_SHOW)
                o.cmd = cmd;
        o.argv = argv + i;
        o.argc = argc - i;
        *ret = o;
        return 0;
}

void pt_options_free(struct pt_options *o)
{
        free(o->flags);
        free(o->policy_files);
        free(o->pins);
        o->flags = NULL;
        o->policy_files = NULL;
        o->pins = NULL;
}

int pt_options_apply(const struct pt_options *o, struct pt_policy *p, const struct pt_context *ctx,
                     struct pt_error *err)
{
        if (o->allow_all)
                for (unsigned k = 0; k < PT_PERM_COUNT; k++)
                        if (pt_policy_add_all(p, k, false, "--allow-all") < 0)
                                return pt_error_set(err, -ENOMEM, "out of memory");
        for (size_t k = 0; k < o->nflags; k++) {
                const struct pt_perm_flag *f = &o->flags[k];
                int r = pt_policy_add_list(p, ctx, f->perm, f->deny, f->list, f->flag, err);
                if (r < 0)
                        return r;
        }
        return 0;
}
