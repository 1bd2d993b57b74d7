/*
 * Interrupt descriptor tables: 32-bit and 64-bit interrupt gates and the
 * exception vectors.  Intel SDM Vol. 3A, 6.11 "IDT Descriptors" (figure
 * 6-2), 6.14.1 "64-Bit Mode IDT" (figure 6-8), table 6-1.
 */
#ifndef RELBOOT_X86_IDT_H
#define RELBOOT_X86_IDT_H

#include <relboot/macros.h>

/* Gate type and attributes byte: present, DPL 0, interrupt gate. */
#define IDT_GATE_INTR32     0x8e
#define IDT_GATE_INTR64     0x8e

/* relboot installs gates for the architectural exception vectors 0..31. */
#define IDT_VECTORS         32
#define IDT32_GATE_SIZE     8
#define IDT64_GATE_SIZE     16

/* Low 8 bytes of a gate (32-bit gate, or first half of a 64-bit gate). */
#define IDT_GATE_LOW(offset, selector, type)                  \
    ( ((offset) & UINT64(0xffff))                              \
    | ((selector) * UINT64(1) << 16)                           \
    | ((type) * UINT64(1) << 40)                               \
    | ((((offset) >> 16) & UINT64(0xffff)) << 48) )
/* High 8 bytes of a 64-bit gate: offset bits 63:32. */
#define IDT_GATE_HIGH(offset)  (((offset) >> 32) & UINT64(0xffffffff))

/* Exception vectors (table 6-1) that push an error code. */
#define VEC_DE   0
#define VEC_UD   6
#define VEC_DF   8
#define VEC_TS   10
#define VEC_NP   11
#define VEC_SS   12
#define VEC_GP   13
#define VEC_PF   14
#define VEC_AC   17
#define VEC_CP   21
#define VEC_VC   29
#define VEC_SX   30
/* Bit v set when vector v pushes an error code. */
#define VEC_ERRCODE_MASK ((1 << VEC_DF) | (1 << VEC_TS) | (1 << VEC_NP) | (1 << VEC_SS) | \
                          (1 << VEC_GP) | (1 << VEC_PF) | (1 << VEC_AC) | (1 << VEC_CP) | \
                          (1 << VEC_VC) | (1 << VEC_SX))

/* Every exception stub is this many bytes long, so stub v sits at v * size. */
#define EXC_STUB_SIZE    16

#endif
