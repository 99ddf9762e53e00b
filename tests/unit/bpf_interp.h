/* SPDX-License-Identifier: MIT */
/*
 * A classic-BPF interpreter for seccomp programs, for the filter's tests only (never in
 * src/): it runs the exported program over a struct seccomp_data the way the kernel does,
 * so a test can ask "what does the filter answer for this syscall with these arguments"
 * without installing anything. It accepts exactly the instructions the kernel's
 * seccomp_check_filter() accepts and refuses anything else (and any out-of-range load, jump
 * or scratch slot), so a program it runs is one the kernel would load.
 */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Returned for a program the kernel would not run: never a valid SECCOMP_RET_* value. */
#define BPF_INTERP_BAD 0xdeadbeefu

static inline uint32_t bpf_interp_alu(uint16_t op, uint32_t a, uint32_t v, int *bad)
{
        switch (op) {
        case BPF_ADD: return a + v;
        case BPF_SUB: return a - v;
        case BPF_MUL: return a * v;
        case BPF_DIV: if (!v) { *bad = 1; return 0; } return a / v;
        case BPF_MOD: if (!v) { *bad = 1; return 0; } return a % v;
        case BPF_AND: return a & v;
        case BPF_OR: return a | v;
        case BPF_XOR: return a ^ v;
        case BPF_LSH: return v < 32 ? a << v : 0;
        case BPF_RSH: return v < 32 ? a >> v : 0;
        default: *bad = 1; return 0;
        }
}

static inline uint32_t bpf_interp_run(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
        uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
        const unsigned char *data = (const unsigned char *)d;

        if (n == 0 || n > BPF_MAXINSNS)
                return BPF_INTERP_BAD;
        for (size_t pc = 0; pc < n; pc++) {
                const struct sock_filter *i = &f[pc];
                uint16_t cls = BPF_CLASS(i->code);
                int bad = 0;
                switch (cls) {
                case BPF_LD:
                        if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
                                if (i->k >= sizeof(*d) || i->k % 4)
                                        return BPF_INTERP_BAD;
                                memcpy(&A, data + i->k, 4);
                        } else if (i->code == (BPF_LD | BPF_W | BPF_LEN)) {
                                A = sizeof(*d);
                        } else if (i->code == (BPF_LD | BPF_IMM)) {
                                A = i->k;
                        } else if (i->code == (BPF_LD | BPF_MEM)) {
                                if (i->k >= BPF_MEMWORDS)
                                        return BPF_INTERP_BAD;
                                A = M[i->k];
                        } else {
                                return BPF_INTERP_BAD;
                        }
                        break;
                case BPF_LDX:
                        if (i->code == (BPF_LDX | BPF_W | BPF_LEN))
                                X = sizeof(*d);
                        else if (i->code == (BPF_LDX | BPF_IMM))
                                X = i->k;
                        else if (i->code == (BPF_LDX | BPF_MEM) && i->k < BPF_MEMWORDS)
                                X = M[i->k];
                        else
                                return BPF_INTERP_BAD;
                        break;
                case BPF_ST:
                case BPF_STX:
                        if (i->code != cls || i->k >= BPF_MEMWORDS)
                                return BPF_INTERP_BAD;
                        M[i->k] = cls == BPF_ST ? A : X;
                        break;
                case BPF_ALU:
                        if (BPF_OP(i->code) == BPF_NEG) {
                                A = -A;
                                break;
                        }
                        A = bpf_interp_alu(BPF_OP(i->code), A, BPF_SRC(i->code) == BPF_X ? X : i->k, &bad);
                        if (bad)
                                return BPF_INTERP_BAD;
                        break;
                case BPF_JMP: {
                        size_t off;
                        if (BPF_OP(i->code) == BPF_JA) {
                                off = i->k;
                        } else {
                                uint32_t v = BPF_SRC(i->code) == BPF_X ? X : i->k;
                                int t;
                                switch (BPF_OP(i->code)) {
                                case BPF_JEQ: t = A == v; break;
                                case BPF_JGT: t = A > v; break;
                                case BPF_JGE: t = A >= v; break;
                                case BPF_JSET: t = (A & v) != 0; break;
                                default: return BPF_INTERP_BAD;
                                }
                                /* the kernel checks both targets, taken or not */
                                if ((size_t)i->jt >= n - pc - 1 || (size_t)i->jf >= n - pc - 1)
                                        return BPF_INTERP_BAD;
                                off = t ? i->jt : i->jf;
                        }
                        if (off >= n - pc - 1)
                                return BPF_INTERP_BAD; /* must land on an instruction after this one */
                        pc += off;
                        break;
                }
                case BPF_RET:
                        if (BPF_RVAL(i->code) == BPF_K)
                                return i->k;
                        if (BPF_RVAL(i->code) == BPF_A)
                                return A;
                        return BPF_INTERP_BAD;
                case BPF_MISC:
                        if (BPF_MISCOP(i->code) == BPF_TAX)
                                X = A;
                        else if (BPF_MISCOP(i->code) == BPF_TXA)
                                A = X;
                        else
                                return BPF_INTERP_BAD;
                        break;
                default:
                        return BPF_INTERP_BAD;
                }
        }
        return BPF_INTERP_BAD; /* ran off the end: the kernel refuses such a program */
}
