/* SPDX-License-Identifier: MIT */
/* Symbol values by name from an ELF64 file the worker mapped: bounds-checked throughout. */
#include "supervisor/elfsym.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Read, not mmap: a file the worker truncates under us must not SIGBUS the supervisor. */
#define MAX_TABLE (64u << 20)

/* [off, off + len) lies inside a file of `size` bytes. */
static int in_file(uint64_t off, uint64_t len, uint64_t size)
{
        return off <= size && len <= size - off;
}

/* A malloc'd copy of [off, off + len) of the file, or NULL. */
static void *read_at(int fd, uint64_t off, uint64_t len, uint64_t size)
{
        if (len == 0 || len > MAX_TABLE || !in_file(off, len, size))
                return NULL;
        char *b = malloc(len);
        if (!b)
                return NULL;
        uint64_t got = 0;
        while (got < len) {
                ssize_t r = pread(fd, b + got, len - got, (off_t)(off + got));
                if (r <= 0) {
                        free(b);
                        return NULL;
                }
                got += (uint64_t)r;
        }
        return b;
}

static void scan_symbols(int fd, uint64_t size, const Elf64_Shdr *sh, const Elf64_Shdr *strsh,
                         struct pt_elf_sym *syms, size_t n)
{
        if (sh->sh_entsize != sizeof(Elf64_Sym))
                return;
        Elf64_Sym *sym = read_at(fd, sh->sh_offset, sh->sh_size, size);
        char *str = read_at(fd, strsh->sh_offset, strsh->sh_size, size);
        size_t count = sh->sh_size / sizeof(Elf64_Sym);
        uint64_t strsize = strsh->sh_size;

        for (size_t i = 0; sym && str && i < count; i++) {
                if (sym[i].st_name == 0 || sym[i].st_name >= strsize || sym[i].st_shndx == SHN_UNDEF)
                        continue;
                const char *name = str + sym[i].st_name;
                size_t room = strsize - sym[i].st_name;
                for (size_t k = 0; k < n; k++) {
                        size_t len = strlen(syms[k].name);
                        if (syms[k].value == 0 && len < room && memcmp(name, syms[k].name, len + 1) == 0)
                                syms[k].value = sym[i].st_value;
                }
        }
        free(sym);
        free(str);
}

int pt_elf_find(int fd, struct pt_elf_sym *syms, size_t n, uint64_t *ret_first_vaddr)
{
        struct stat st;
        Elf64_Ehdr eh;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < sizeof(eh))
                return -ENOEXEC;
        uint64_t size = (uint64_t)st.st_size;
        if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
                return -ENOEXEC;
        if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
            eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_shentsize != sizeof(Elf64_Shdr) ||
            eh.e_phentsize != sizeof(Elf64_Phdr))
                return -ENOEXEC;
        Elf64_Phdr *ph = read_at(fd, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), size);
        Elf64_Shdr *sh = read_at(fd, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), size);
        int found = -ENOEXEC;
        if (!ph || !sh)
                goto out;

        for (size_t k = 0; k < n; k++)
                syms[k].value = 0;
        *ret_first_vaddr = 0;
        for (size_t i = 0; i < eh.e_phnum; i++)
                if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0) {
                        *ret_first_vaddr = ph[i].p_vaddr & ~(uint64_t)0xfff;
                        break;
                }
        for (size_t i = 0; i < eh.e_shnum; i++) {
                if ((sh[i].sh_type != SHT_SYMTAB && sh[i].sh_type != SHT_DYNSYM) || sh[i].sh_link >= eh.e_shnum)
                        continue;
                scan_symbols(fd, size, &sh[i], &sh[sh[i].sh_link], syms, n);
        }
        found = 0;
        for (size_t k = 0; k < n; k++)
                found += syms[k].value != 0;
out:
        free(ph);
        free(sh);
        return found;
}
