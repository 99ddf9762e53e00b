/* SPDX-License-Identifier: MIT */
/*
 * A tunnel (CONNECT, or a relayed direct connection) on the two raw sockets. The bufferevents
 * that read the request head hand over their sockets and whatever they still hold (the
 * "200 Connection Established" line, bytes the client sent after the CONNECT head); that is
 * written first, in order.
 *
 * Then each direction reads until its source is dry and writes at once: splice() from the
 * source into the proxy's one pipe and straight on to the destination, so the proxy copies
 * nothing. The pipe is empty again after every step (one thread, one pipe for all tunnels):
 * what the destination did not take is read out of it into the direction's own buffer
 * (CHUNK bytes at most, allocated only while it holds something), the destination is watched
 * for writability, and the source is not read until that buffer has been written. Without
 * the pipe (it could not be made) every direction copies through its buffer.
 *
 * One side's EOF becomes shutdown(SHUT_WR) on the other once everything before it is written;
 * the tunnel closes when both directions have ended, on any error, or after idle_secs without
 * a byte moved either way.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log/log.h"
#include "proxy/proxy_internal.h"

#define CHUNK (64 * 1024) /* read at once, and held at most, per direction */
#define TURN_MAX 16       /* chunks one direction moves per wake-up before the others' turn */

struct dir {
        int src, dst;
        struct evbuffer *pending; /* what the bufferevents held; written before anything else */
        char *buf;                /* not yet written: buf[off..len) */
        size_t off, len;
        bool eof, shut;
};

struct pt_tunnel {
        struct pt_conn *c;
        int fd[2]; /* 0: client, 1: upstream; direction i reads fd[i] and writes fd[1 - i] */
        struct dir dir[2];
        struct event *rd[2], *wr[2], *idle;
        unsigned idle_secs;
        time_t last; /* the last time a byte moved */
};

void pt_tunnel_free(struct pt_tunnel *t)
{
        for (int i = 0; i < 2; i++) {
                if (t->rd[i])
                        event_free(t->rd[i]);
                if (t->wr[i])
                        event_free(t->wr[i]);
                if (t->fd[i] >= 0)
                        close(t->fd[i]);
                free(t->dir[i].buf);
                if (t->dir[i].pending)
                        evbuffer_free(t->dir[i].pending);
        }
        if (t->idle)
                event_free(t->idle);
        free(t);
}

static void pipe_close(struct pt_proxy *px)
{
        if (px->pipe[0] >= 0) {
                close(px->pipe[0]);
                close(px->pipe[1]);
        }
        px->pipe[0] = px->pipe[1] = -1;
}

static bool is_again(void)
{
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* Write what this direction holds: 1 all of it, 0 the destination is full, -1 error. */
static int flush(struct dir *x)
{
        while (x->pending && evbuffer_get_length(x->pending))
                if (evbuffer_write(x->pending, x->dst) < 0)
                        return is_again() ? 0 : -1;
        while (x->off < x->len) {
                ssize_t n = write(x->dst, x->buf + x->off, x->len - x->off);
                if (n < 0)
                        return is_again() ? 0 : -1;
                x->off += (size_t)n;
        }
        free(x->buf); /* nothing held: nothing allocated */
        x->buf = NULL;
        x->off = x->len = 0;
        return 1;
}

static int hold(struct dir *x)
{
        if (!x->buf && !(x->buf = malloc(CHUNK)))
                return -1;
        return 0;
}

/*
 * Read from the source and pass it on: bytes moved, 0 at EOF, -1 with errno. What the
 * destination did not take ends in x->buf (errno EAGAIN when that is all that went wrong).
 */
static ssize_t move(struct pt_proxy *px, struct dir *x)
{
        ssize_t n;
        if (px->pipe[0] < 0) { /* no pipe: copy */
                if (hold(x) < 0)
                        return -1;
                while ((n = read(x->src, x->buf, CHUNK)) < 0 && errno == EINTR)
                        ;
                if (n > 0)
                        x->len = (size_t)n;
                else {
                        free(x->buf); /* holds nothing */
                        x->buf = NULL;
                }
                return n;
        }
        while ((n = splice(x->src, NULL, px->pipe[1], NULL, CHUNK, SPLICE_F_NONBLOCK | SPLICE_F_MOVE)) < 0 &&
               errno == EINTR)
                ;
        if (n <= 0)
                return n;
        size_t left = (size_t)n;
        int err = 0;
        while (left) {
                ssize_t m = splice(px->pipe[0], NULL, x->dst, NULL, left, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
                if (m < 0 && errno == EINTR)
                        continue;
                if (m <= 0) {
                        err = m < 0 ? errno : EPIPE;
                        break;
                }
                left -= (size_t)m;
        }
        if (!left)
                return n;
        /* the rest leaves the pipe, which the next tunnel finds empty */
        if (hold(x) == 0)
                while (x->len < left) {
                        ssize_t m = read(px->pipe[0], x->buf + x->len, left - x->len);
                        if (m <= 0 && !(m < 0 && errno == EINTR))
                                break;
                        if (m > 0)
                                x->len += (size_t)m;
                }
        if (x->len < left) { /* cannot happen; if it did, a new pipe, and this tunnel ends */
                pipe_close(px);
                if (pipe2(px->pipe, O_NONBLOCK | O_CLOEXEC) < 0)
                        px->pipe[0] = px->pipe[1] = -1;
                err = EIO;
        }
        errno = err == EAGAIN || err == EWOULDBLOCK ? EAGAIN : err;
        return -1;
}

static void watch(struct event *ev, bool on)
{
        if (on && !event_pending(ev, EV_READ | EV_WRITE, NULL))
                event_add(ev, NULL);
        else if (!on && event_pending(ev, EV_READ | EV_WRITE, NULL))
                event_del(ev);
}

/* Move what direction d can move now. Returns false when the tunnel is gone. */
static bool pump(struct pt_tunnel *t, int d)
{
        struct dir *x = &t->dir[d];
        bool moved = false, blocked = false;
        for (int turn = 0;; turn++) {
                int r = flush(x);
                if (r < 0)
                        goto close;
                if (r == 0) {
                        blocked = true;
                        break;
                }
                if (x->eof || turn == TURN_MAX)
                        break; /* at TURN_MAX the source stays watched: the loop comes back */
                ssize_t n = move(t->c->px, x);
                if (n > 0) {
                        moved = true;
                        continue;
                }
                if (n == 0)
                        x->eof = true;
                else if (errno != EAGAIN)
                        goto close;
                else if (x->off < x->len)
                        blocked = moved = true; /* read, not all written */
                break;
        }
        if (moved) {
                struct timeval now;
                event_base_gettimeofday_cached(t->c->px->base, &now);
                t->last = now.tv_sec;
        }
        watch(t->wr[1 - d], blocked);
        watch(t->rd[d], !blocked && !x->eof);
        if (x->eof && !blocked && !x->shut) {
                x->shut = true;
                if (shutdown(x->dst, SHUT_WR) < 0 && errno != ENOTCONN)
                        goto close;
                if (t->dir[1 - d].shut)
                        goto close;
        }
        return true;
close:
        conn_free(t->c); /* frees t */
        return false;
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
        struct pt_tunnel *t = arg;
        pump(t, fd == t->fd[0] ? 0 : 1);
}

static void on_writable(evutil_socket_t fd, short what, void *arg)
{
        struct pt_tunnel *t = arg;
        pump(t, fd == t->fd[0] ? 1 : 0); /* fd is the destination of the other direction */
}

static void on_idle(evutil_socket_t fd, short what, void *arg)
{
        struct pt_tunnel *t = arg;
        struct timeval now;
        event_base_gettimeofday_cached(t->c->px->base, &now);
        time_t quiet = now.tv_sec - t->last;
        if (quiet >= (time_t)t->idle_secs) {
                conn_free(t->c);
                return;
        }
        struct timeval left = { (time_t)t->idle_secs - quiet, 0 };
        evtimer_add(t->idle, &left);
}

/* Take the socket and what the bufferevent still holds, and free it without closing the socket. */
static int take(struct bufferevent *bev, struct evbuffer *out_pending, struct evbuffer *in_pending)
{
        int fd = (int)bufferevent_getfd(bev);
        bufferevent_setfd(bev, -1); /* unfreezes its buffers; CLOSE_ON_FREE now closes nothing */
        evbuffer_add_buffer(out_pending, bufferevent_get_output(bev)); /* still to go out on fd */
        evbuffer_add_buffer(in_pending, bufferevent_get_input(bev));   /* read from fd, for the other side */
        bufferevent_free(bev);
        return fd;
}

void pt_proxy_tunnel(struct pt_conn *c, unsigned idle_secs)
{
        struct pt_proxy *px = c->px;
        struct pt_tunnel *t = calloc(1, sizeof(*t));
        c->state = PT_CONN_TUNNEL;
        if (!t) {
                conn_free(c);
                return;
        }
        c->tunnel = t;
        t->c = c;
        t->idle_secs = idle_secs;
        t->fd[0] = t->fd[1] = -1;
        if (px->pipe[0] < 0 && pipe2(px->pipe, O_NONBLOCK | O_CLOEXEC) < 0)
                px->pipe[0] = px->pipe[1] = -1; /* copy, then; tried again for the next tunnel */
        if (!(t->dir[0].pending = evbuffer_new()) || !(t->dir[1].pending = evbuffer_new()))
                goto fail;
        /* to the client: the 200 line, then what upstream already sent; to upstream: the client's bytes */
        t->fd[0] = take(c->client, t->dir[1].pending, t->dir[0].pending);
        c->client = NULL;
        t->fd[1] = take(c->upstream, t->dir[0].pending, t->dir[1].pending);
        c->upstream = NULL;
        for (int i = 0; i < 2; i++) {
                t->dir[i].src = t->fd[i];
                t->dir[i].dst = t->fd[1 - i];
                if (evutil_make_socket_nonblocking(t->fd[i]) < 0 ||
                    !(t->rd[i] = event_new(px->base, t->fd[i], EV_READ | EV_PERSIST, on_readable, t)) ||
                    !(t->wr[i] = event_new(px->base, t->fd[i], EV_WRITE | EV_PERSIST, on_writable, t)))
                        goto fail;
        }
        if (idle_secs) {
                struct timeval now, tv = { (time_t)idle_secs, 0 };
                event_base_gettimeofday_cached(px->base, &now);
                t->last = now.tv_sec;
                if (!(t->idle = evtimer_new(px->base, on_idle, t)) || evtimer_add(t->idle, &tv) < 0)
                        goto fail;
        }
        if (pump(t, 0))
                pump(t, 1);
        return;
fail:
        pt_log_line(px->cfg.log, "[proxy] cannot set up a tunnel: out of memory");
        conn_free(c);
}
