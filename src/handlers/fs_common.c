/* SPDX-License-Identifier: MIT */
#include "handlers/fs_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "handlers/sys_handlers.h"

/* /proc/<pid>/environ or /proc/<pid>/task/<tid>/environ of another process. */
static bool other_environ(const char *canon)
{
        if (strncmp(canon, "/proc/", 6) != 0 || canon[6] < '0' || canon[6] > '9')
                return false;
        const char *p = canon + 6 + strspn(canon + 6, "0123456789");
        if (strncmp(p, "/task/", 6) == 0 && p[6] >= '0' && p[6] <= '9')
                p += 6 + strspn(p + 6, "0123456789");
        return strcmp(p, "/environ") == 0;
}

/*
 * Reading the content of a file that is a fact of the system (/proc/meminfo...) is decided
 * as sys, and another process's environment as env (design 1.4). Returns true when it
 * decided (*ok set), false for an ordinary read.
 */
static bool decide_special_read(struct pt_call *c, const char *canon, bool *ok)
{
        static __thread char fix[64];
        struct pt_decision d;
        int sys = pt_sys_for_path(canon);
        if (sys >= 0) {
                pt_decide_sys(c->sv->policy, (enum pt_sys)sys, &d);
                snprintf(fix, sizeof(fix), "--allow-sys=%s", pt_sys_name((enum pt_sys)sys));
                /* a read rule the user wrote for the file (not the baseline) allows it too */
                struct pt_decision rd;
                pt_decide_path(c->sv->policy, PT_PERM_READ, canon, &rd);
                if (!d.allow && rd.allow && rd.source && strcmp(rd.source, "baseline") != 0)
                        d = rd;
        } else if (other_environ(canon)) {
                pt_decide_env_all(c->sv->policy, &d);
                snprintf(fix, sizeof(fix), "--allow-env");
        } else {
                return false;
        }
        c->fix = fix;
        *ok = pt_call_record(c, &d, canon);
        return true;
}

/*
 * Under bare --allow-run any program may run, so a shell looking for one on PATH (stat,
 * access) must be able to see it: a probe of an executable regular file is a run question.
 */
static void probe_program(struct pt_call *c, struct pt_fs_target *t, struct pt_decision *d)
{
        const struct pt_policy *p = c->sv->policy;
        if (!p->allow[PT_PERM_RUN].all || t->obj < 0 || pt_fs_target_stat(t) < 0)
                return;
        if (!S_ISREG(t->st.st_mode) || !(t->st.st_mode & 0111))
                return;
        struct pt_decision r;
        pt_decide_run(p, t->canon, NULL, &r);
        if (r.allow)
                *d = r;
}

int pt_fs_prepare(struct pt_call *c, int slot, int dirfd, int patharg, unsigned resflags, unsigned need,
                  struct pt_fs_target *t)
{
        t->parent = t->obj = -1;
        t->decidable = false;
        if (c->req->data.args[patharg] == 0 && (resflags & PT_RES_EMPTY_PATH)) {
                /* (fd, NULL, AT_EMPTY_PATH) and utimensat(fd, NULL): the fd itself */
                c->str[slot][0] = '\0';
        } else {
                int r = pt_call_read_str(c, slot, patharg);
                if (r < 0)
                        return r; /* EFAULT, ENAMETOOLONG: nothing about the filesystem leaks */
        }

        int rr = pt_fs_resolve(c, dirfd, c->str[slot], resflags, t);
        /* Everything read from the worker's memory and /proc/<tid> is trusted only now. */
        if (pt_call_valid(c) < 0)
                return -ENOENT;
        if (!t->decidable)
                return rr < 0 ? rr : -EINVAL;
        /* Interpreters probe many paths that do not exist (Python's landmark search): the
         * answer is EACCES all the same, but a notice would only be noise. */
        c->no_notice = (resflags & PT_RES_PROBE) && (rr < 0 || t->obj < 0);

        /* Metadata of an fd the worker already holds (glibc's fstat is newfstatat(fd, "",
         * AT_EMPTY_PATH)): every fd it has came through a decision or was handed over, so
         * looking at it is no new access. Writes through an fd are decided below. The cwd is
         * not such an fd: chdir is let through after its decision and a racing thread can
         * land it in a denied directory (architecture.md, chdir), so AT_FDCWD is decided on
         * its canonical path like any other access. */
        if (c->str[slot][0] == '\0' && (resflags & PT_RES_EMPTY_PATH) && need == PT_NEED_READ && dirfd != AT_FDCWD)
                return rr;

        bool ok = true;
        if (need == PT_NEED_READ && (resflags & PT_RES_PROBE)) {
                struct pt_decision d;
                pt_learn_quiet = c->no_notice; /* --learn: a silent probe needs no rule */
                pt_decide_probe(c->sv->policy, t->canon, &d);
                pt_learn_quiet = false;
                if (!d.allow && !d.source)
                        probe_program(c, t, &d);
                ok = pt_call_record(c, &d, t->canon);
        } else {
                for (unsigned perm = 0; perm < PT_PERM_COUNT; perm++) {
                        if (!(need & (1u << perm)))
                                continue;
                        bool special = false;
                        if (perm == PT_PERM_READ && (resflags & PT_RES_CONTENT))
                                special = decide_special_read(c, t->canon, &ok);
                        if (!special && !pt_call_decide_path(c, perm, t->canon))
                                ok = false;
                }
        }
        if (!ok)
                return -EACCES;
        return rr;
}

int pt_fs_with_umask(struct pt_call *c, mode_t *ret_old)
{
        mode_t mask;
        int r = pt_target_umask(c->req->pid, &mask);
        if (r < 0)
                return r;
        *ret_old = umask(mask);
        return 0;
}

void pt_fs_restore_umask(mode_t old)
{
        umask(old);
}

int pt_fs_copy_out(struct pt_call *c, uint64_t addr, const void *buf, size_t len)
{
        /* Checked again right before writing: if the notification died since it was
         * validated (the thread was killed), its tid may name another thread by now, and
         * process_vm_writev would write into that one. */
        int r = pt_call_valid(c);
        if (r < 0)
                return r;
        return pt_target_write(c->req->pid, addr, buf, len);
}

int pt_fs_prepare_fd(struct pt_call *c, int fd, unsigned need, struct pt_fs_target *t)
{
        t->parent = t->obj = -1;
        t->decidable = false;
        if (fd < 0)
                return -EBADF;
        int r = pt_fs_resolve(c, fd, "", PT_RES_EMPTY_PATH, t);
        if (pt_call_valid(c) < 0)
                return -ENOENT;
        if (r < 0)
                return r == -ENOENT ? -EBADF : r;
        if (t->canon[0] != '/')
                return 0; /* pipe:[..], socket:[..], anon_inode:[..]: no path to decide on */
        bool ok = true;
        for (unsigned perm = 0; perm < PT_PERM_COUNT; perm++)
                if ((need & (1u << perm)) && !pt_call_decide_path(c, perm, t->canon))
                        ok = false;
        return ok ? 0 : -EACCES;
}
