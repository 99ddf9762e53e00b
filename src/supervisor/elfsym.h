/* SPDX-License-Identifier: MIT */
/* Looking up symbols by name in an ELF file (untrusted input: every offset is checked). */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct pt_elf_sym {
        const char *name; /* in */
        uint64_t value;   /* out: st_value, 0 when absent */
};

/*
 * Fill in the value of each name found in .symtab or .dynsym of the ELF64 file open at fd,
 * and the page-aligned p_vaddr of the PT_LOAD that maps file offset 0 (what the lowest
 * mapping of the file corresponds to). Returns the number of names found, or negative errno
 * if fd is not a native ELF64 file.
 */
int pt_elf_find(int fd, struct pt_elf_sym *syms, size_t n, uint64_t *ret_first_vaddr);
