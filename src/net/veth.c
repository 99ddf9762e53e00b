/* SPDX-License-Identifier: MIT */
/* The veth pair through libnl-route-3 (see netplan.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <stdio.h>
#include <string.h>

#include "net/netplan.h"

void pt_netplan_for_index(unsigned index, struct pt_netplan *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->index = index;
        if (index == 0) {
                snprintf(ret->host_if, sizeof(ret->host_if), "veth-bun");
                snprintf(ret->worker_if, sizeof(ret->worker_if), "veth-sb");
        } else {
                /* index < PT_NET_MAX_INDEX: at most 5 digits, "veth-bun16000" fits IFNAMSIZ */
                snprintf(ret->host_if, sizeof(ret->host_if), "veth-bun%u", index % 100000);
                snprintf(ret->worker_if, sizeof(ret->worker_if), "veth-sb%u", index % 100000);
        }
        /* 169.254.1.0/30 + 4 * index: 169.254.1.1 / .2 for the first run */
        uint32_t base = (169u << 24) | (254u << 16) | (1u << 8);
        base += 4u * index;
        ret->host_addr.s_addr = htonl(base + 1);
        ret->worker_addr.s_addr = htonl(base + 2);
        ret->prefix = 30;
}

static int nl_err(int e)
{
        switch (-e) {
        case NLE_EXIST:
                return -EEXIST;
        case NLE_PERM:
                return -EPERM;
        case NLE_NOMEM:
                return -ENOMEM;
        case NLE_OPNOTSUPP:
                return -EOPNOTSUPP;
        default:
                return -EIO;
        }
}

/* Address and bring up the link `name` in the namespace of `sk`. */
static int configure(struct nl_sock *sk, const char *name, struct in_addr local, unsigned prefix, int *ifindex_ret)
{
        struct rtnl_link *link = NULL, *change = NULL;
        struct rtnl_addr *addr = NULL;
        struct nl_addr *a = NULL;
        int r = rtnl_link_get_kernel(sk, 0, name, &link);
        if (r < 0)
                return nl_err(r);
        int ifindex = rtnl_link_get_ifindex(link);
        *ifindex_ret = ifindex;
        addr = rtnl_addr_alloc();
        a = nl_addr_build(AF_INET, &local, sizeof(local));
        if (!addr || !a) {
                r = -ENOMEM;
                goto out;
        }
        nl_addr_set_prefixlen(a, (int)prefix);
        rtnl_addr_set_ifindex(addr, ifindex);
        rtnl_addr_set_local(addr, a);
        r = rtnl_addr_add(sk, addr, 0);
        if (r < 0) {
                r = nl_err(r);
                goto out;
        }
        change = rtnl_link_alloc();
        if (!change) {
                r = -ENOMEM;
                goto out;
        }
        rtnl_link_set_flags(change, IFF_UP);
        r = rtnl_link_change(sk, link, change, 0);
        r = r < 0 ? nl_err(r) : 0;
out:
        if (change)
                rtnl_link_put(change);
        if (a)
                nl_addr_put(a);
        if (addr)
                rtnl_addr_put(addr);
        rtnl_link_put(link);
        return r;
}

static struct nl_sock *route_socket(void)
{
        struct nl_sock *sk = nl_socket_alloc();
        if (!sk)
                return NULL;
        if (nl_connect(sk, NETLINK_ROUTE) < 0) {
                nl_socket_free(sk);
                return NULL;
        }
        return sk;
}

int pt_veth_create(pid_t ns_pid, unsigned first_index, struct pt_netplan *ret, char *err, size_t errsize)
{
        struct nl_sock *sk = route_socket();
        int r = -EEXIST;

        if (!sk) {
                snprintf(err, errsize, "cannot open a netlink route socket");
                return -EIO;
        }
        for (unsigned i = first_index; i < PT_NET_MAX_INDEX && r == -EEXIST; i++) {
                struct pt_netplan plan;
                pt_netplan_for_index(i, &plan);
                if (if_nametoindex(plan.host_if) != 0)
                        continue; /* taken by another run: skip without a failed request */
                struct rtnl_link *link = rtnl_link_veth_alloc();
                if (!link) {
                        r = -ENOMEM;
                        break;
                }
                struct rtnl_link *peer = rtnl_link_veth_get_peer(link);
                rtnl_link_set_name(link, plan.host_if);
                rtnl_link_set_name(peer, plan.worker_if);
                rtnl_link_set_ns_pid(peer, ns_pid);
                r = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
                r = r < 0 ? nl_err(r) : 0;
                rtnl_link_put(peer);
                rtnl_link_veth_release(link);
                if (r == 0) {
                        r = configure(sk, plan.host_if, plan.host_addr, plan.prefix, &plan.host_ifindex);
                        if (r < 0)
                                snprintf(err, errsize, "configuring %s", plan.host_if);
                        *ret = plan;
                }
        }
        if (r == -EEXIST)
                snprintf(err, errsize, "no free veth name (veth-bun..veth-bun%u all taken)", PT_NET_MAX_INDEX - 1);
        else if (r < 0 && !err[0])
                snprintf(err, errsize, "creating the veth pair");
        nl_socket_free(sk);
        return r;
}

int pt_veth_configure_inside(const struct pt_netplan *plan)
{
        struct nl_sock *sk = route_socket();
        if (!sk)
                return -EIO;
        int ifindex;
        int r = configure(sk, plan->worker_if, plan->worker_addr, plan->prefix, &ifindex);
        nl_socket_free(sk);
        return r;
}

void pt_veth_destroy(const struct pt_netplan *plan)
{
        if (plan->host_ifindex <= 0)
                return;
        struct nl_sock *sk = route_socket();
        struct rtnl_link *link = rtnl_link_alloc();
        if (sk && link) {
                /* By index, never by name: if the kernel already removed ours, the name may be
                 * another run's by now, but an ifindex is not handed out again. */
                rtnl_link_set_ifindex(link, plan->host_ifindex);
                (void)rtnl_link_delete(sk, link); /* -NLE_OBJ_NOTFOUND: the namespace took it */
        }
        if (link)
                rtnl_link_put(link);
        if (sk)
                nl_socket_free(sk);
}
