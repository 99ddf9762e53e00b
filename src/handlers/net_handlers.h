/* SPDX-License-Identifier: MIT */
/* The net-permission handlers. */
#pragma once

#include "handlers/call.h"

#include <sys/socket.h>
#include <sys/un.h>

#include "handlers/fs_resolve.h"

enum { PT_NET_CONNECT, PT_NET_BIND, PT_NET_SENDTO, PT_NET_SENDMSG, PT_NET_SENDMMSG };

/* A destination address read from the worker, decided, and what to use instead of it. */
struct pt_net_dest {
        struct sockaddr_storage ss; /* the worker's copy, read once */
        socklen_t len;
        const struct sockaddr *use; /* what the supervisor passes to the kernel */
        socklen_t use_len;
        struct sockaddr_un via;     /* an AF_UNIX path as /proc/self/fd/N of the resolved object */
        struct pt_fs_target t;      /* released by the caller */
        bool relay;                 /* allowed, but off the veth link: TCP goes through the relay */
};

/* Read the address (addr, len) of the thread into d. */
int pt_net_dest_read(struct pt_call *c, uint64_t addr, uint64_t len, struct pt_net_dest *d);
/* Decide it (validates the notification): 0 allowed, -EACCES denied, other errors. */
int pt_net_dest_decide(struct pt_call *c, struct pt_net_dest *d, bool is_bind);
/* An allowed TCP destination off the veth link: connect sock to it through the relay. */
int pt_net_relay_connect(struct pt_call *c, int sock, const struct pt_net_dest *d);

void pt_handle_connect_bind(struct pt_call *c);
void pt_handle_send(struct pt_call *c);
void pt_handle_socket(struct pt_call *c);

/* socket(family, type, protocol) as the kernel reads them: 0 when the worker may create such a
 * socket, else the errno that refuses it (net_family.c). Pure: the filter's tests use it. */
int pt_socket_verdict(int family, int type, int protocol);
