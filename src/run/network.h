/* SPDX-License-Identifier: MIT */
/* `podtrace run`'s network: the veth pair, the proxy, and what the worker is told of them. */
#pragma once

#include <sys/types.h>

#include "cli/options.h"
#include "net/netplan.h"
#include "proxy/proxy.h"
#include "sandbox/sandbox.h"

struct pt_run_net {
        struct pt_netplan plan;
        struct pt_proxy_config cfg;
        struct pt_proxy *proxy;
};

/*
 * Create the veth pair for init's namespace, start the proxy on the supervisor's side and
 * fill `late` (the index for init, the proxy variables for the worker). -errno with err set.
 */
int pt_run_net_up(pid_t init_pid, const struct pt_policy *p, struct pt_log *log, const struct pt_options *o,
                  struct pt_late_config *late, struct pt_run_net *ret, char *err, size_t errsize);
void pt_run_net_down(struct pt_run_net *net);

/* envp followed by the proxy variables in `late` (a new array; the strings are not copied). */
char **pt_env_with_proxy(char **envp, struct pt_late_config *late);
