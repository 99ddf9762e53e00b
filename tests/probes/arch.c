/* SPDX-License-Identifier: MIT */
/*
 * arch: one system call through a non-native ABI (design 4.4: the i386 int $0x80 ABI and
 * x32 numbers must kill the process, whatever the call). Prints "MODE: ret=N" after the
 * call returns; under podtrace the process must die of SIGSYS before that line.
 *
 *   arch native-getpid   getpid through the x86_64 `syscall` instruction (control)
 *   arch i386-getpid     getpid (20) through int $0x80
 *   arch i386-open PATH  open (5) through int $0x80, the path in a buffer below 4 GiB
 *   arch x32-getpid      getpid (39 | 0x40000000, __X32_SYSCALL_BIT) through `syscall`
 *
 * On other architectures it prints "arch: x86_64 only" and exits 77.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__x86_64__)
static long sys64(long nr)
{
        long ret;
        __asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
        return ret;
}

/* From 64-bit code int $0x80 enters the i386 compat path: eax is the i386 number, ebx, ecx,
 * edx the arguments truncated to 32 bits; the kernel clears r8-r11 on return. */
static long int80(long nr, long a1, long a2, long a3)
{
        long ret;
        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(nr), "b"(a1), "c"(a2), "d"(a3)
                         : "r8", "r9", "r10", "r11", "memory");
        return ret;
}

int main(int argc, char **argv)
{
        long ret;
        if (argc >= 2 && strcmp(argv[1], "native-getpid") == 0) {
                ret = sys64(39);
        } else if (argc >= 2 && strcmp(argv[1], "i386-getpid") == 0) {
                ret = int80(20, 0, 0, 0);
        } else if (argc >= 3 && strcmp(argv[1], "i386-open") == 0) {
                char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
                if (low == MAP_FAILED) {
                        perror("arch: mmap(MAP_32BIT)");
                        return 2;
                }
                snprintf(low, 4096, "%s", argv[2]);
                ret = int80(5, (long)(unsigned long)low, 0 /* O_RDONLY */, 0);
        } else if (argc >= 2 && strcmp(argv[1], "x32-getpid") == 0) {
                ret = sys64(39 | 0x40000000L);
        } else {
                fprintf(stderr, "usage: arch native-getpid|i386-getpid|i386-open PATH|x32-getpid\n");
                return 2;
        }
        printf("%s: ret=%ld\n", argv[1], ret);
        return 0;
}
#else
int main(void)
{
        printf("arch: x86_64 only\n");
        return 77;
}
#endif
