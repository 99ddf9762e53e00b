/* SPDX-License-Identifier: MIT */
/*
 * leak: ways to learn about files and facts the policy denies, performed for real, one line per
 * attempt: "NAME: ok DETAIL" or "NAME: ERRNO". Natively (in a throwaway namespace) they work;
 * under podtrace each must fail the way the test expects.
 *
 *   leak quotactl PATH...       quotactl(Q_GETQUOTA, PATH): natively ENOTBLK for a file that
 *                               exists, ENOENT for one that does not (an existence oracle)
 *   leak cwdstat                newfstatat/statx/faccessat2/readlinkat(AT_FDCWD, "",
 *                               AT_EMPTY_PATH): the cwd's metadata without naming it
 *   leak cwdrace ALLOWED DENIED N   a thread rewrites chdir's path between ALLOWED and DENIED
 *                               while another chdir()s to it, up to N times, until getcwd() says
 *                               DENIED; then newfstatat(AT_FDCWD, "", AT_EMPTY_PATH) there
 *   leak proc FILE              /proc/<spelling>/FILE read from a second thread, for each way
 *                               to name the own process or thread: self, thread-self,
 *                               self/task/<tid>, <pid>/task/<tid>, <tid> (the thread's own
 *                               /proc/<tid>); prints the number of lines read
 *
 * Exits 0 (the test judges), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/quota.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *errname(int e)
{
        const char *n = strerrorname_np(e);
        return n ? n : "E?";
}

static void quotactl_paths(int argc, char **argv)
{
        for (int i = 0; i < argc; i++) {
                struct dqblk q;
                /* a read-only query: the path is looked up as a block device before anything else */
                if (quotactl(QCMD(Q_GETQUOTA, USRQUOTA), argv[i], 0, (caddr_t)&q) == 0)
                        printf("quotactl %s: ok\n", argv[i]);
                else
                        printf("quotactl %s: %s\n", argv[i], errname(errno));
        }
}

/* The cwd through every call that takes (AT_FDCWD, "", AT_EMPTY_PATH). */
static void cwd_stat(const char *prefix)
{
        struct stat st;
        if (fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH) == 0)
                printf("%snewfstatat: ok ino=%lu mode=%o\n", prefix, (unsigned long)st.st_ino, st.st_mode & 07777);
        else
                printf("%snewfstatat: %s\n", prefix, errname(errno));
        struct statx stx;
        if (statx(AT_FDCWD, "", AT_EMPTY_PATH, STATX_INO, &stx) == 0)
                printf("%sstatx: ok ino=%llu\n", prefix, (unsigned long long)stx.stx_ino);
        else
                printf("%sstatx: %s\n", prefix, errname(errno));
        if (syscall(SYS_faccessat2, AT_FDCWD, "", F_OK, AT_EMPTY_PATH) == 0)
                printf("%sfaccessat2: ok\n", prefix);
        else
                printf("%sfaccessat2: %s\n", prefix, errname(errno));
        char buf[64];
        /* the cwd is no symlink: natively an error, but not EACCES */
        if (readlinkat(AT_FDCWD, "", buf, sizeof(buf)) >= 0)
                printf("%sreadlinkat: ok\n", prefix);
        else
                printf("%sreadlinkat: %s\n", prefix, errname(errno));
}

/* ---- the chdir race ---------------------------------------------------------------------- */
static char race_path[PATH_MAX];
static const char *race_a, *race_b;
static atomic_bool race_stop;

static void *flipper(void *arg)
{
        (void)arg;
        size_t la = strlen(race_a) + 1, lb = strlen(race_b) + 1;
        while (!atomic_load(&race_stop)) {
                memcpy(race_path, race_a, la);
                memcpy(race_path, race_b, lb);
        }
        return NULL;
}

static void cwd_race(const char *allowed, const char *denied, long rounds)
{
        char cwd[PATH_MAX];
        int home = open(allowed, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (home < 0) {
                printf("cwdrace: open %s: %s\n", allowed, errname(errno));
                return;
        }
        race_a = allowed;
        race_b = denied;
        snprintf(race_path, sizeof(race_path), "%s", allowed);
        pthread_t t;
        if (pthread_create(&t, NULL, flipper, NULL) != 0) {
                printf("cwdrace: no thread\n");
                return;
        }
        long i;
        bool won = false;
        for (i = 1; i <= rounds && !won; i++) {
                if (chdir(race_path) != 0)
                        continue;
                /* getcwd is not notified: it reports where the kernel put us */
                won = getcwd(cwd, sizeof(cwd)) && strcmp(cwd, denied) == 0;
                if (!won && fchdir(home) != 0)
                        break;
        }
        atomic_store(&race_stop, true);
        pthread_join(t, NULL);
        if (!won) {
                printf("cwdrace: not won in %ld rounds\n", rounds);
                return;
        }
        printf("cwdrace: won after %ld rounds\n", i - 1);
        cwd_stat("cwdrace ");
}

/* ---- /proc spellings of the own process and thread ----------------------------------------- */
static const char *proc_file;

static void read_lines(const char *name, const char *path)
{
        FILE *f = fopen(path, "re");
        if (!f) {
                printf("%s: %s\n", name, errname(errno));
                return;
        }
        int lines = 0, c;
        while ((c = getc(f)) != EOF)
                lines += c == '\n';
        int e = ferror(f) ? errno : 0;
        fclose(f);
        if (e)
                printf("%s: %s\n", name, errname(e));
        else
                printf("%s: ok %d lines\n", name, lines);
}

static void *spellings(void *arg)
{
        (void)arg;
        pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);
        char path[PATH_MAX];
        read_lines("self", (snprintf(path, sizeof(path), "/proc/self/%s", proc_file), path));
        read_lines("thread-self", (snprintf(path, sizeof(path), "/proc/thread-self/%s", proc_file), path));
        read_lines("self-task", (snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, proc_file), path));
        read_lines("pid-task", (snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", pid, tid, proc_file), path));
        /* a thread that is not the leader has a /proc/<tid> of its own, not listed but there */
        read_lines("tid", (snprintf(path, sizeof(path), "/proc/%d/%s", tid, proc_file), path));
        return NULL;
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc >= 3 && strcmp(argv[1], "quotactl") == 0) {
                quotactl_paths(argc - 2, argv + 2);
                return 0;
        }
        if (argc == 2 && strcmp(argv[1], "cwdstat") == 0) {
                cwd_stat("");
                return 0;
        }
        if (argc == 5 && strcmp(argv[1], "cwdrace") == 0) {
                cwd_race(argv[2], argv[3], atol(argv[4]));
                return 0;
        }
        if (argc == 3 && strcmp(argv[1], "proc") == 0) {
                proc_file = argv[2];
                pthread_t t;
                if (pthread_create(&t, NULL, spellings, NULL) != 0)
                        return 1;
                pthread_join(t, NULL);
                return 0;
        }
        fprintf(stderr, "usage: leak quotactl PATH... | cwdstat | cwdrace ALLOWED DENIED N | proc FILE\n");
        return 2;
}
