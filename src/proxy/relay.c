/* SPDX-License-Identifier: MIT */
/*
 * Direct TCP connections the policy allows (--allow-net=198.18.0.2:5432) for clients that
 * know nothing of proxies. The worker's namespace has no route out, so the notify thread
 * that emulates connect() asks the loop to connect to the destination from the host's
 * namespace, then connects the worker's own socket to a one-shot listener on the
 * supervisor's side of the veth; the loop splices the two. The worker sees an ordinary
 * connected socket (whose peer address is the relay's).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/log.h"
#include "proxy/proxy_internal.h"

struct relay {
        struct pt_proxy *px;
        struct pt_relay_req *req; /* the waiting notify thread, until answered */
        struct bufferevent *upstream;
        struct evconnlistener *listener;
        struct event *timer;
};

static void answer(struct relay *rl, int result)
{
        struct pt_relay_req *r = rl->req;
        rl->req = NULL;
        pthread_mutex_lock(&r->lock);
        r->result = result;
        r->done = true;
        pthread_cond_signal(&r->cond);
        pthread_mutex_unlock(&r->lock);
}

static void relay_free(struct relay *rl)
{
        if (rl->req)
                answer(rl, -ECONNABORTED);
        if (rl->listener)
                evconnlistener_free(rl->listener);
        if (rl->upstream)
                bufferevent_free(rl->upstream);
        if (rl->timer)
                event_free(rl->timer);
        free(rl);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
        (void)fd;
        (void)what;
        relay_free(arg); /* the worker never came (or the upstream never answered) */
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
        struct relay *rl = arg;
        (void)l;
        (void)salen;
        const struct sockaddr_in *in = (const void *)sa;
        if (sa->sa_family != AF_INET || in->sin_addr.s_addr != rl->px->cfg.client_addr.s_addr) {
                evutil_closesocket(fd);
                return;
        }
        struct pt_conn *c = calloc(1, sizeof(*c));
        if (!c) {
                evutil_closesocket(fd);
                relay_free(rl);
                return;
        }
        c->px = rl->px;
        c->client = bufferevent_socket_new(rl->px->base, fd, BEV_OPT_CLOSE_ON_FREE);
        c->upstream = rl->upstream;
        rl->upstream = NULL;
        if (c->client)
                pt_proxy_nodelay(c->client);
        c->state = PT_CONN_TUNNEL;
        rl->px->nconns++;
        relay_free(rl);
        if (!c->client) {
                evutil_closesocket(fd);
                conn_free(c);
                return;
        }
        pt_proxy_tunnel(c, 0); /* a direct connection may stay quiet as long as it likes (as before) */
}

static void upstream_event(struct bufferevent *bev, short what, void *arg)
{
        struct relay *rl = arg;
        if (!(what & BEV_EVENT_CONNECTED)) {
                int err = EVUTIL_SOCKET_ERROR();
                answer(rl, (what & BEV_EVENT_TIMEOUT) ? -ETIMEDOUT : -(err ? err : ECONNREFUSED));
                relay_free(rl);
                return;
        }
        bufferevent_set_timeouts(bev, NULL, NULL);
        pt_proxy_nodelay(bev);
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = rl->px->cfg.listen_addr };
        rl->listener = evconnlistener_new_bind(rl->px->base, on_accept, rl, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
                                               1, (struct sockaddr *)&sin, sizeof(sin));
        socklen_t len = sizeof(sin);
        if (!rl->listener || getsockname(evconnlistener_get_fd(rl->listener), (struct sockaddr *)&sin, &len) < 0) {
                answer(rl, -EADDRNOTAVAIL);
                relay_free(rl);
                return;
        }
        rl->req->local = sin;
        answer(rl, 0);
}

void pt_relay_start(struct pt_proxy *px, struct pt_relay_req *r)
{
        struct relay *rl = calloc(1, sizeof(*rl));
        if (!rl) {
                pthread_mutex_lock(&r->lock);
                r->result = -ENOMEM;
                r->done = true;
                pthread_cond_signal(&r->cond);
                pthread_mutex_unlock(&r->lock);
                return;
        }
        rl->px = px;
        rl->req = r;
        rl->upstream = bufferevent_socket_new(px->base, -1, BEV_OPT_CLOSE_ON_FREE);
        rl->timer = evtimer_new(px->base, on_timeout, rl);
        if (!rl->upstream || !rl->timer) {
                answer(rl, -ENOMEM);
                relay_free(rl);
                return;
        }
        struct timeval t = { (time_t)px->cfg.connect_secs, 0 };
        evtimer_add(rl->timer, &t);
        bufferevent_set_timeouts(rl->upstream, &t, &t);
        bufferevent_setcb(rl->upstream, NULL, NULL, upstream_event, rl);
        if (bufferevent_socket_connect(rl->upstream, (struct sockaddr *)&r->dest, (int)r->dest_len) < 0) {
                answer(rl, -(errno ? errno : ECONNREFUSED));
                relay_free(rl);
        }
}

int pt_proxy_relay(struct pt_proxy *px, const struct sockaddr *dest, socklen_t len, struct sockaddr_in *ret_local)
{
        struct pt_relay_req r;
        if (!px || len > sizeof(r.dest))
                return -ENETUNREACH;
        memset(&r, 0, sizeof(r));
        memcpy(&r.dest, dest, len);
        r.dest_len = len;
        pthread_mutex_init(&r.lock, NULL);
        pthread_cond_init(&r.cond, NULL);
        struct pt_relay_req *p = &r;
        if (write(px->wake[1], &p, sizeof(p)) != (ssize_t)sizeof(p))
                return -EAGAIN;
        pthread_mutex_lock(&r.lock);
        while (!r.done)
                pthread_cond_wait(&r.cond, &r.lock);
        pthread_mutex_unlock(&r.lock);
        pthread_mutex_destroy(&r.lock);
        pthread_cond_destroy(&r.cond);
        if (r.result == 0)
                *ret_local = r.local;
        return r.result;
}
