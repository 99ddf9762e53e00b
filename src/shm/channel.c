/* SPDX-License-Identifier: MIT */
/*
 * Channels: format a shared file, check a header, attach to one side, create/open/close.
 *
 * The header is only ever trusted as a private snapshot: pread() copies it out of the file,
 * the copy is checked, and the geometry derived from the copy is what the rest of the
 * library uses. The shared header fields are never read again after attaching.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "shm/guard.h"
#include "shm/shm_internal.h"
#include "util/cleanup.h"

#define SHM_DIR "/dev/shm"

int pt_shm_check_name(const char *name)
{
        if (!name)
                return -EINVAL;
        if (name[0] == '/')
                name++;
        size_t len = strlen(name);
        if (len == 0 || len > NAME_MAX || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return -EINVAL;
        return 0;
}

static const char *bare_name(const char *name)
{
        return name[0] == '/' ? name + 1 : name;
}

static bool ring_size_ok(uint64_t size)
{
        return size >= PT_SHM_RING_MIN && size <= PT_SHM_RING_MAX && (size & (size - 1)) == 0;
}

int pt_shm_geometry_for(size_t ring0, size_t ring1, struct pt_shm_geometry *ret_geo)
{
        if (!ring_size_ok(ring0) || !ring_size_ok(ring1))
                return -EINVAL;
        ret_geo->ring_size[0] = (uint32_t)ring0;
        ret_geo->ring_size[1] = (uint32_t)ring1;
        ret_geo->ring_offset[0] = PT_SHM_HDR_SIZE;
        ret_geo->ring_offset[1] = PT_SHM_HDR_SIZE + (uint64_t)ring0;
        ret_geo->total_size = PT_SHM_HDR_SIZE + (uint64_t)ring0 + (uint64_t)ring1;
        return 0;
}

/*
 * Check a private copy of a header. Only one layout exists per pair of ring sizes, so
 * offsets and total are not interpreted: they must be exactly what the sizes imply.
 */
int pt_shm_geometry_check(const struct pt_shm_hdr *snapshot, struct pt_shm_geometry *ret_geo)
{
        struct pt_shm_geometry geo;

        if (snapshot->magic != PT_SHM_MAGIC)
                return -EPROTO;
        if (snapshot->version != PT_SHM_LAYOUT_VERSION)
                return -EPROTONOSUPPORT;
        if (snapshot->hdr_size != PT_SHM_HDR_SIZE || snapshot->flags != 0)
                return -EPROTO;
        if (pt_shm_geometry_for(snapshot->ring_size[0], snapshot->ring_size[1], &geo) < 0)
                return -EPROTO;
        if (snapshot->ring_offset[0] != geo.ring_offset[0] || snapshot->ring_offset[1] != geo.ring_offset[1] ||
            snapshot->total_size != geo.total_size)
                return -EPROTO;
        *ret_geo = geo;
        return 0;
}

void pt_shm_format_mem(void *mem, const struct pt_shm_geometry *geo)
{
        struct pt_shm_hdr *h = mem;

        memset(h, 0, PT_SHM_HDR_SIZE);
        h->version = PT_SHM_LAYOUT_VERSION;
        h->hdr_size = PT_SHM_HDR_SIZE;
        h->flags = 0;
        h->total_size = geo->total_size;
        for (int i = 0; i < 2; i++) {
                h->ring_offset[i] = geo->ring_offset[i];
                h->ring_size[i] = geo->ring_size[i];
        }
        /* last, so a reader that sees the magic sees the rest */
        STORE_RELEASE(&h->magic, PT_SHM_MAGIC);
}

/* Read a ring's two indices once and check them against each other. */
static int read_indices(struct pt_shm_ring_ctl *ctl, uint32_t size, uint32_t *ret_head, uint32_t *ret_tail)
{
        uint32_t head = LOAD_ACQUIRE(&ctl->head);
        uint32_t tail = LOAD_ACQUIRE(&ctl->tail);

        if ((head | tail) % PT_SHM_ALIGN != 0 || head - tail > size)
                return -EPROTO;
        *ret_head = head;
        *ret_tail = tail;
        return 0;
}

static int side_lock(int fd, unsigned side, short type)
{
        struct flock l = { .l_type = type, .l_whence = SEEK_SET, .l_start = side, .l_len = 1 };

        if (fcntl(fd, F_OFD_SETLK, &l) < 0)
                return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
        return 0;
}

/* CPUs this process may run on: sched_getaffinity is a plain syscall, where get_nprocs()
 * reads /sys and /proc files a sandbox may refuse (podtrace's --deny-sys=cpus). */
static unsigned default_spin(void)
{
        cpu_set_t set;
        int n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : get_nprocs();
        return n > 1 ? PT_SHM_SPIN_DEFAULT_NS : 0;
}

/*
 * Take one side of a mapped, checked channel. `fd` (may be -1) and `map` become the
 * channel's on success.
 */
int pt_shm_attach(int fd, void *map, size_t map_size, const struct pt_shm_geometry *geo, unsigned side,
                  struct pt_shm **ret_ch)
{
        struct pt_shm_hdr *h = map;
        uint32_t head[2], tail[2];
        int r;

        if (side > PT_SHM_WORKER || map_size < geo->total_size)
                return -EINVAL;
        _cleanup_free_ struct pt_shm *ch = calloc(1, sizeof(*ch));
        if (!ch)
                return -ENOMEM;
        if (fd >= 0) {
                r = side_lock(fd, side, F_WRLCK);
                if (r < 0)
                        return r;
        }
        for (unsigned i = 0; i < 2; i++) {
                r = read_indices(&h->ring[i], geo->ring_size[i], &head[i], &tail[i]);
                if (r < 0)
                        goto fail;
        }
        ch->fd = fd;
        ch->map = map;
        ch->map_size = map_size;
        ch->hdr = h;
        ch->side = side;
        ch->spin_ns = default_spin();
        ch->guard_slot = -1;

        unsigned t = side, x = 1 - side;
        ch->tx = (struct pt_ring){ .ctl = &h->ring[t],
                                   .data = (uint8_t *)map + geo->ring_offset[t],
                                   .size = geo->ring_size[t],
                                   .mask = geo->ring_size[t] - 1,
                                   .pos = head[t],
                                   .peer = tail[t] };
        ch->rx = (struct pt_ring){ .ctl = &h->ring[x],
                                   .data = (uint8_t *)map + geo->ring_offset[x],
                                   .size = geo->ring_size[x],
                                   .mask = geo->ring_size[x] - 1,
                                   .pos = tail[x],
                                   .peer = head[x] };
        /* flags a dead predecessor on this side may have left set */
        STORE_RELAXED(&ch->rx.ctl->data_waiting, 0);
        STORE_RELAXED(&ch->tx.ctl->space_waiting, 0);
        STORE_RELAXED(&h->side[side].pid, (uint32_t)getpid());
        uint32_t gen = (LOAD_RELAXED(&h->side[side].state) & ~PT_SIDE_MASK) + PT_SIDE_GEN_ONE;
        STORE_SEQ(&h->side[side].state, gen | PT_SIDE_ATTACHED);
        *ret_ch = TAKE_PTR(ch);
        return 0;
fail:
        if (fd >= 0)
                side_lock(fd, side, F_UNLCK);
        return r;
}

/* Attach through an fd the caller hands over (closed on failure). */
static int attach_fd(int fd, unsigned side, struct pt_shm **ret_ch)
{
        _cleanup_close_ int owned = fd;
        struct pt_shm_hdr snap;
        struct pt_shm_geometry geo;
        struct stat st;
        int r;

        if (side > PT_SHM_WORKER)
                return -EINVAL;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        ssize_t n = pread(fd, &snap, sizeof(snap), 0);
        if (n < 0)
                return -errno;
        if ((size_t)n < sizeof(snap))
                return -EPROTO;
        r = pt_shm_geometry_check(&snap, &geo);
        if (r < 0)
                return r;
        if ((uint64_t)st.st_size < geo.total_size)
                return -EPROTO;
        void *map = mmap(NULL, geo.total_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED)
                return -errno;
        /* from here on the peer may shrink the file under us: see guard.c */
        int slot = pt_shm_guard_add(map, geo.total_size);
        struct pt_shm *ch;
        r = pt_shm_attach(fd, map, geo.total_size, &geo, side, &ch);
        if (r < 0) {
                pt_shm_guard_remove(slot);
                munmap(map, geo.total_size);
                return r;
        }
        ch->own_map = true;
        ch->guard_slot = slot;
        owned = -1;
        *ret_ch = ch;
        return 0;
}

static int format_fd(int fd, size_t ring_size)
{
        struct pt_shm_geometry geo;
        int r;

        if (ring_size == 0)
                ring_size = PT_SHM_RING_DEFAULT;
        r = pt_shm_geometry_for(ring_size, ring_size, &geo);
        if (r < 0)
                return r;
        if (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)geo.total_size) < 0)
                return -errno;
        void *hdr = mmap(NULL, PT_SHM_HDR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (hdr == MAP_FAILED)
                return -errno;
        pt_shm_format_mem(hdr, &geo);
        munmap(hdr, PT_SHM_HDR_SIZE);
        return 0;
}

int pt_shm_format_fd(int fd, size_t ring_size)
{
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        return format_fd(fd, ring_size);
}

/*
 * Create NAME atomically: an unnamed file in /dev/shm is sized and formatted first, then
 * linked under its name, which fails if the name exists (the O_EXCL of shm_open). A reader
 * that finds the name finds a complete header.
 */
int pt_shm_create_fd(const char *name, size_t ring_size, int *ret_fd)
{
        char path[sizeof(SHM_DIR) + NAME_MAX + 2], proc[64];
        int r = pt_shm_check_name(name);

        if (r < 0)
                return r;
        snprintf(path, sizeof(path), SHM_DIR "/%s", bare_name(name));
        _cleanup_close_ int fd = open(SHM_DIR, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0) {
                /* no O_TMPFILE here: create in place; an early opener may see -EPROTO */
                fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
                if (fd < 0)
                        return -errno;
                r = format_fd(fd, ring_size);
                if (r < 0) {
                        shm_unlink(name);
                        return r;
                }
                *ret_fd = TAKE_FD(fd);
                return 0;
        }
        r = format_fd(fd, ring_size);
        if (r < 0)
                return r;
        if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) < 0) {
                if (errno == EEXIST)
                        return -EEXIST;
                /* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH before Linux 6.10 */
                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
                if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0)
                        return -errno;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int pt_shm_create(const char *name, size_t ring_size, enum pt_shm_side side, struct pt_shm **ret_ch)
{
        int fd, r;

        if (!ret_ch || (unsigned)side > PT_SHM_WORKER)
                return -EINVAL;
        r = pt_shm_create_fd(name, ring_size, &fd);
        if (r < 0)
                return r;
        r = attach_fd(fd, side, ret_ch);
        if (r < 0)
                shm_unlink(name);
        return r;
}

int pt_shm_open(const char *name, enum pt_shm_side side, struct pt_shm **ret_ch)
{
        int r = pt_shm_check_name(name);

        if (r < 0)
                return r;
        if (!ret_ch)
                return -EINVAL;
        /* shm_open adds O_NOFOLLOW and O_CLOEXEC */
        int fd = shm_open(name, O_RDWR, 0);
        if (fd < 0)
                return -errno;
        return attach_fd(fd, side, ret_ch);
}

int pt_shm_open_fd(int fd, enum pt_shm_side side, struct pt_shm **ret_ch)
{
        if (!ret_ch)
                return -EINVAL;
        if (fd < 0)
                return -EBADF;
        int own = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (own < 0)
                return -errno;
        return attach_fd(own, side, ret_ch);
}

int pt_shm_open_env(enum pt_shm_side side, struct pt_shm **ret_ch)
{
        const char *s = getenv(PT_SHM_ENV_FD);
        char *end;

        if (!s)
                return -ENOENT;
        errno = 0;
        long fd = strtol(s, &end, 10);
        if (errno || end == s || *end || fd < 0 || fd > INT_MAX)
                return -EINVAL;
        return pt_shm_open_fd((int)fd, side, ret_ch);
}

int pt_shm_unlink(const char *name)
{
        int r = pt_shm_check_name(name);

        if (r < 0)
                return r;
        return shm_unlink(name) < 0 ? -errno : 0;
}

void pt_shm_close(struct pt_shm *ch)
{
        if (!ch)
                return;
        /* Tell the peer, then wake it wherever it may sleep: both futex words change. */
        if (!pt_shm_guard_lost(ch->guard_slot)) {
                uint32_t gen = LOAD_RELAXED(&ch->hdr->side[ch->side].state) & ~PT_SIDE_MASK;
                STORE_SEQ(&ch->hdr->side[ch->side].state, gen | PT_SIDE_CLOSED);
                pt_shm_wake_all(&ch->tx.ctl->data_seq);
                pt_shm_wake_all(&ch->rx.ctl->space_seq);
        }
        if (ch->fd >= 0) {
                /* other descriptors may share the open file description: unlock explicitly */
                side_lock(ch->fd, ch->side, F_UNLCK);
                close(ch->fd);
        }
        pt_shm_guard_remove(ch->guard_slot);
        if (ch->own_map)
                munmap(ch->map, ch->map_size);
        free(ch);
}

size_t pt_shm_max_message(const struct pt_shm *ch)
{
        return ch->tx.size - PT_SHM_FRAME_OVERHEAD;
}

size_t pt_shm_max_recv(const struct pt_shm *ch)
{
        return ch->rx.size - PT_SHM_FRAME_OVERHEAD;
}

int pt_shm_fd(const struct pt_shm *ch)
{
        return ch->fd;
}

void pt_shm_set_spin(struct pt_shm *ch, unsigned spin_ns)
{
        ch->spin_ns = spin_ns;
}

void pt_shm_get_stats(const struct pt_shm *ch, struct pt_shm_stats *ret_stats)
{
        *ret_stats = ch->stats;
}

int pt_shm_mem_format(void *mem, size_t size, size_t ring0, size_t ring1)
{
        struct pt_shm_geometry geo;
        int r = pt_shm_geometry_for(ring0, ring1, &geo);

        if (r < 0)
                return r;
        if (size < geo.total_size)
                return -EINVAL;
        pt_shm_format_mem(mem, &geo);
        return 0;
}

int pt_shm_mem_attach(void *mem, size_t size, unsigned side, struct pt_shm **ret_ch)
{
        struct pt_shm_hdr snap;
        struct pt_shm_geometry geo;
        int r;

        if (size < sizeof(snap))
                return -EPROTO;
        memcpy(&snap, mem, sizeof(snap));
        r = pt_shm_geometry_check(&snap, &geo);
        if (r < 0)
                return r;
        if (size < geo.total_size)
                return -EPROTO;
        return pt_shm_attach(-1, mem, size, &geo, side, ret_ch);
}
