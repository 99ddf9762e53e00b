/* SPDX-License-Identifier: MIT */
#include "run/network.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/host_addrs.h"

int pt_run_net_up(pid_t init_pid, const struct pt_policy *p, struct pt_log *log, const struct pt_options *o,
                  struct pt_late_config *late, struct pt_run_net *ret, char *err, size_t errsize)
{
        memset(ret, 0, sizeof(*ret));
        /* The host's own addresses are read through sockets opened here, in the host's network
         * namespace, before notify threads join the worker's. A failure is logged, and every
         * address then counts as the host's (fail closed): the run goes on. */
        pt_host_addrs_open(log);
        unsigned first = 0;
        for (int attempt = 0;; attempt++) {
                int r = pt_veth_create(init_pid, first, &ret->plan, err, errsize);
                if (r < 0)
                        return r;
                ret->cfg = (struct pt_proxy_config){
                        .policy = p,
                        .log = log,
                        .listen_addr = ret->plan.host_addr,
                        .client_addr = ret->plan.worker_addr,
                        .port = PT_PROXY_PORT,
                        .pins = o->pins,
                        .npins = o->npins,
                        .no_dns = o->no_dns,
                        .max_conns = 256,
                        .idle_secs = 60,
                        .connect_secs = 10,
                };
                r = pt_proxy_start(&ret->cfg, &ret->proxy, err, errsize);
                if (r == 0)
                        break;
                pt_veth_destroy(&ret->plan);
                ret->plan.host_ifindex = 0;
                /* Someone still listens on this address (a run on its way out that has already
                 * given up its veth, or another tool): take the next pair. */
                if (r != -EADDRINUSE || attempt == 7)
                        return r;
                first = ret->plan.index + 1;
                err[0] = '\0';
        }
        char url[64];
        snprintf(url, sizeof(url), "http://%s:%u", inet_ntoa(ret->plan.host_addr), PT_PROXY_PORT);
        static const char *const names[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                             "all_proxy",  "ALL_PROXY" };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                snprintf(late->env[i], sizeof(late->env[i]), "%s=%s", names[i], url);
        snprintf(late->env[6], sizeof(late->env[6]), "NO_PROXY=localhost,127.0.0.1,::1");
        snprintf(late->env[7], sizeof(late->env[7]), "no_proxy=localhost,127.0.0.1,::1");
        late->net_index = (int)ret->plan.index;
        return 0;
}

void pt_run_net_down(struct pt_run_net *net)
{
        /* The listening socket goes first (the next run may take this address as soon as the
         * pair is gone). The pair itself goes with the worker's namespace, in the kernel's
         * deferred clean-up (within ~25 ms here): deleting it now would cost every run 20-25 ms
         * of RTNL and RCU waits at exit. */
        pt_proxy_stop(net->proxy);
        net->proxy = NULL;
}

char **pt_env_with_proxy(char **envp, struct pt_late_config *late)
{
        size_t n = 0;
        while (envp && envp[n])
                n++;
        char **v = calloc(n + PT_LATE_ENV + 1, sizeof(char *));
        if (!v)
                return NULL;
        memcpy(v, envp, n * sizeof(char *));
        for (size_t i = 0; i < PT_LATE_ENV; i++)
                v[n + i] = late->env[i];
        return v;
}
