/* SPDX-License-Identifier: MIT */
/*
 * The native half of --backtrace: libunwind's ptrace accessors (_UPT_*) on a thread the
 * tracer holds in a ptrace-stop, so every register is known (PTRACE_GETREGS through
 * _UPT_access_reg) and DWARF CFI works through frame-pointer and frameless code alike.
 * Names come from the objects' .symtab/.dynsym (libunwind picks the nearest symbol below
 * the pc); a name is shown only when it starts where the unwind info says the function
 * starts, so a stripped object's static function is "??", not its exported neighbour.
 */
#include "supervisor/stack.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libunwind-ptrace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisor/target.h"
#include "util/cleanup.h"

#define MAPS_MAX_BYTES (4u << 20)
#define MAPS_MAX_LINES 8192

int pt_maps_read(pid_t tid, struct pt_maps *m)
{
        memset(m, 0, sizeof(*m));
        _cleanup_close_ int fd = pt_target_open_proc(tid, "maps", O_RDONLY);
        if (fd < 0)
                return fd;
        size_t cap = 64 * 1024, len = 0;
        char *buf = malloc(cap + 1);
        for (;;) {
                if (!buf)
                        return -ENOMEM;
                ssize_t r = read(fd, buf + len, cap - len);
                if (r < 0) {
                        free(buf);
                        return -errno;
                }
                if (r == 0)
                        break;
                len += (size_t)r;
                if (len == cap) {
                        if (cap >= MAPS_MAX_BYTES)
                                break; /* what fits is enough */
                        cap *= 2;
                        char *nb = realloc(buf, cap + 1);
                        if (!nb)
                                free(buf);
                        buf = nb;
                }
        }
        buf[len] = '\0';
        m->buf = buf;
        m->v = calloc(MAPS_MAX_LINES, sizeof(*m->v));
        if (!m->v) {
                pt_maps_free(m);
                return -ENOMEM;
        }
        for (char *line = buf, *next; line && *line && m->n < MAPS_MAX_LINES; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                /* start-end perms offset dev inode   path */
                unsigned long long start, end, off;
                char perms[8];
                int pos = 0;
                if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off, &pos) < 4 || pos == 0)
                        continue;
                struct pt_map *mp = &m->v[m->n++];
                mp->start = start;
                mp->end = end;
                mp->offset = off;
                mp->exec = perms[2] == 'x';
                mp->path = line + pos;
        }
        return 0;
}

void pt_maps_free(struct pt_maps *m)
{
        free(m->buf);
        free(m->v);
        memset(m, 0, sizeof(*m));
}

const struct pt_map *pt_maps_find(const struct pt_maps *m, uint64_t addr)
{
        for (size_t i = 0; i < m->n; i++)
                if (addr >= m->v[i].start && addr < m->v[i].end)
                        return &m->v[i];
        return NULL;
}

const struct pt_map *pt_maps_base(const struct pt_maps *m, const struct pt_map *mp)
{
        const struct pt_map *base = mp;
        if (!mp->path[0] || mp->path[0] == '[')
                return mp;
        for (size_t i = 0; i < m->n; i++)
                if (m->v[i].start < base->start && strcmp(m->v[i].path, mp->path) == 0)
                        base = &m->v[i];
        return base;
}

static void name_object(const struct pt_maps *m, struct pt_stack_frame *f)
{
        const struct pt_map *mp = pt_maps_find(m, f->pc);
        if (!mp) {
                f->object[0] = '\0';
                f->obj_off = f->pc;
                return;
        }
        snprintf(f->object, sizeof(f->object), "%s", mp->path[0] ? mp->path : "[anon]");
        f->obj_off = f->pc - pt_maps_base(m, mp)->start;
}

void pt_stack_native(pid_t tid, const struct pt_maps *m, struct pt_stack *s)
{
        s->nframes = 0;
        s->native_note[0] = '\0';
        void *ui = _UPT_create(tid);
        unw_addr_space_t as = ui ? unw_create_addr_space(&_UPT_accessors, 0) : NULL;
        unw_cursor_t cur;
        int r;

        if (!ui || !as) {
                snprintf(s->native_note, sizeof(s->native_note), "libunwind could not be set up");
                goto out;
        }
        r = unw_init_remote(&cur, as, ui);
        if (r < 0) {
                snprintf(s->native_note, sizeof(s->native_note), "libunwind: %s", unw_strerror(r));
                goto out;
        }
        for (;;) {
                struct pt_stack_frame *f = &s->frames[s->nframes];
                unw_word_t ip = 0, off = 0;
                unw_proc_info_t pi;

                if (unw_get_reg(&cur, UNW_REG_IP, &ip) < 0 || ip == 0)
                        break;
                memset(f, 0, sizeof(*f));
                f->pc = ip;
                /* A return address may be one past the end of the calling function: look
                 * up the call instruction itself (not for the first frame or signal frames). */
                unw_word_t at = s->nframes > 0 && unw_is_signal_frame(&cur) <= 0 ? ip - 1 : ip;
                if (_UPT_get_proc_name(as, at, f->func, sizeof(f->func), &off, ui) == 0) {
                        unw_word_t sym_start = at - off;
                        if (unw_get_proc_info(&cur, &pi) == 0 && pi.start_ip != 0 && pi.start_ip != sym_start)
                                f->func[0] = '\0'; /* the nearest symbol is another function */
                        else
                                f->off = ip - sym_start;
                } else {
                        f->func[0] = '\0';
                }
                name_object(m, f);
                s->nframes++;
                if (s->nframes == PT_STACK_MAX_FRAMES) {
                        snprintf(s->native_note, sizeof(s->native_note), "more frames not shown");
                        break;
                }
                r = unw_step(&cur);
                if (r == 0)
                        break;
                if (r < 0) {
                        snprintf(s->native_note, sizeof(s->native_note), "unwinding stopped: %s", unw_strerror(r));
                        break;
                }
        }
out:
        if (as)
                unw_destroy_addr_space(as);
        if (ui)
                _UPT_destroy(ui);
}
