/*
 * Interrupt descriptor tables: 32-bit and 64-bit interrupt gates and the
 * exception vectors.  Intel SDM (Order Number 325462-078US, December
 * 2022) Vol. 3A, 6.11 "IDT Descriptors" (figure 6-2), 6.14.1 "64-Bit Mode
 * IDT" (figure 6-8), table 6-1 "Protected-Mode Exceptions and
 * Interrupts".  The tables: exception32.S (32-bit), idt64.S (64-bit);
 * their stubs: arch/x86/boot/stage32/exception_stubs.h.
 */
#ifndef RELBOOT_X86_IDT_H
#define RELBOOT_X86_IDT_H

#include <relboot/spec/macros.h>

/* Gate type and attributes byte: present, DPL 0, interrupt gate. */
#define IDT_GATE_INTR32     0x8e
#define IDT_GATE_INTR64     0x8e

/* relboot installs gates for the architectural exception vectors 0..31. */
#define IDT_VECTORS         32

/*
 * The 64-bit IDT goes on to the two interrupt vectors that the parked APs
 * use (handoff.h, smp.h): vectors 0..IDT64_VECTORS-1.  Any other vector
 * from 32 up is reported like an exception.
 */
#define IDT64_VECTORS       48
#define VEC_AP_WAKE         0x20    /* fixed IPI that wakes a parked AP: EOI and return */
#define VEC_APIC_SPURIOUS   0x2f    /* the APs' spurious-interrupt vector (SVR): return without EOI;
                                       bits 3:0 all ones, which P6-family APICs hardwire (SDM 11.9) */
#define IDT32_GATE_SIZE     8
#define IDT64_GATE_SIZE     16

/* Low 8 bytes of a gate (32-bit gate, or first half of a 64-bit gate). */
#define IDT_GATE_LOW(offset, selector, type)                  \
    ( ((offset) & UINT64(0xffff))                              \
    | ((selector) * UINT64(1) << 16)                           \
    | ((type) * UINT64(1) << 40)                               \
    | ((((offset) >> 16) & UINT64(0xffff)) << 48) )
/* A 64-bit gate's interrupt-stack-table index (bits 34:32): 0 = no stack switch, 1..7 = TSS.IST1..7. */
#define IDT_GATE_IST(ist)      ((ist) * UINT64(1) << 32)

/*
 * The 64-bit stage's IST entries (each CPU's TSS, stage64/cpu_local.h):
 * every exception runs on its CPU's own exception stack, and NMI, #DF and
 * #MC, which can strike while that stack is in use, each on one more.
 */
#define IST_EXCEPTION   1
#define IST_NMI         2
#define IST_DF          3
#define IST_MC          4

/* High 8 bytes of a 64-bit gate: offset bits 63:32. */
#define IDT_GATE_HIGH(offset)  (((offset) >> 32) & UINT64(0xffffffff))

/*
 * Exception vectors relboot names; "error code": the CPU pushes one
 * (table 6-1, column "Error Code").  #VC and #SX are AMD's (AMD64 APM
 * Vol. 2, table 8-1); table 6-1 lists 29 and 30 as reserved.
 */
#define VEC_DE   0      /* divide error: no error code */
#define VEC_NMI  2      /* non-maskable interrupt: no error code */
#define VEC_UD   6      /* invalid opcode: no error code */
#define VEC_DF   8      /* double fault: error code (zero) */
#define VEC_TS   10     /* invalid TSS: error code */
#define VEC_NP   11     /* segment not present: error code */
#define VEC_SS   12     /* stack-segment fault: error code */
#define VEC_GP   13     /* general protection: error code */
#define VEC_PF   14     /* page fault: error code */
#define VEC_AC   17     /* alignment check: error code (zero) */
#define VEC_MC   18     /* machine check: no error code */
#define VEC_CP   21     /* control protection: error code */
#define VEC_VC   29     /* VMM communication (AMD): error code */
#define VEC_SX   30     /* security exception (AMD): error code */
/* Bit v set when vector v pushes an error code. */
#define VEC_ERRCODE_MASK ((1 << VEC_DF) | (1 << VEC_TS) | (1 << VEC_NP) | (1 << VEC_SS) | \
                          (1 << VEC_GP) | (1 << VEC_PF) | (1 << VEC_AC) | (1 << VEC_CP) | \
                          (1 << VEC_VC) | (1 << VEC_SX))

/* Every exception stub is this many bytes long, so stub v sits at v * size. */
#define EXC_STUB_SIZE    16

#endif
