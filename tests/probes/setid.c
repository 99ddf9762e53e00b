/* SPDX-License-Identifier: MIT */
/*
 * Tries every way a process can leave a set-user-ID / set-group-ID file or a setgid directory
 * in DIR, and prints the mode each one ended with:
 *   setid DIR
 * Lines: "<way>: <octal mode>" or "<way>: <errno name>". Natively (as the file's owner) the
 * bits stick; under podtrace none may.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static const char *dir;

static void report(const char *way, const char *name, int r)
{
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (r < 0) {
                printf("%s: %s\n", way, strerrorname_np(errno));
                return;
        }
        if (lstat(path, &st) < 0) {
                printf("%s: stat %s\n", way, strerrorname_np(errno));
                return;
        }
        printf("%s: %04o\n", way, (unsigned)(st.st_mode & 07777));
}

static int in_dir(char *buf, size_t size, const char *name)
{
        return snprintf(buf, size, "%s/%s", dir, name);
}

int main(int argc, char **argv)
{
        char p[4096];
        int fd;

        if (argc != 2) {
                fprintf(stderr, "usage: setid DIR\n");
                return 2;
        }
        dir = argv[1];
        umask(0);

        in_dir(p, sizeof(p), "chmod");
        fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0755);
        if (fd >= 0)
                close(fd);
        report("chmod", "chmod", chmod(p, 04755));

        in_dir(p, sizeof(p), "fchmod");
        fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0755);
        report("fchmod", "fchmod", fd < 0 ? -1 : fchmod(fd, 06755));
        if (fd >= 0)
                close(fd);

        in_dir(p, sizeof(p), "fchmodat");
        fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0755);
        if (fd >= 0)
                close(fd);
        report("fchmodat", "fchmodat", fchmodat(AT_FDCWD, p, 02755, 0));

        in_dir(p, sizeof(p), "fchmodat2");
        fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0755);
        if (fd >= 0)
                close(fd);
        report("fchmodat2", "fchmodat2", (int)syscall(SYS_fchmodat2, AT_FDCWD, p, 04755, 0));

        in_dir(p, sizeof(p), "open-creat");
        fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 04755);
        report("open-creat", "open-creat", fd);
        if (fd >= 0)
                close(fd);

        in_dir(p, sizeof(p), "creat");
        fd = creat(p, 06755);
        report("creat", "creat", fd);
        if (fd >= 0)
                close(fd);

        in_dir(p, sizeof(p), "mknod");
        report("mknod", "mknod", mknod(p, S_IFREG | 04755, 0));

        in_dir(p, sizeof(p), "mkdir");
        report("mkdir", "mkdir", mkdir(p, 02755));

        /* a directory inside a setgid directory inherits the bit from the kernel */
        in_dir(p, sizeof(p), "sgid-parent/child");
        report("mkdir-in-setgid-dir", "sgid-parent/child", mkdir(p, 0755));
        return 0;
}
