/*
 * relboot's global descriptor table, used in 32-bit and in 64-bit mode.
 * Intel SDM Vol. 3A, 3.4.5 and 5.2.1.  Selectors: arch/x86/include/x86/segment.h.
 *
 * Two descriptors have a base that depends on where the loader put the
 * image; head32.S patches them before loading any of their selectors:
 *   SEL_EXC32  base = linear address of the 32-bit exception stubs, so
 *              the 32-bit IDT holds constant offsets (exception32.S);
 *   SEL_IMAGE  base = load base, limit = image size (BASE=fs only).
 */
#include "layout.h"
#include <x86/segment.h>

#define FLAT_LIMIT  0xfffff     /* with SEG_FLAG_G: 4 GiB */

    .section .data, "aw"
    .balign 16
    .globl  gdt
gdt:
    .quad   0                                                                       /* SEL_NULL */
    .quad   GDT_DESC(0, FLAT_LIMIT, SEG_ACCESS_CODE_RX, SEG_FLAG_G | SEG_FLAG_DB)     /* SEL_CODE32 */
    .quad   GDT_DESC(0, FLAT_LIMIT, SEG_ACCESS_DATA_RW, SEG_FLAG_G | SEG_FLAG_DB)     /* SEL_DATA */
    .quad   GDT_DESC(0, 0, SEG_ACCESS_CODE_RX, SEG_FLAG_L)                            /* SEL_CODE64 */
    .quad   GDT_DESC(0, FLAT_LIMIT, SEG_ACCESS_CODE_RX, SEG_FLAG_G | SEG_FLAG_DB)     /* SEL_EXC32: base patched */
    .quad   GDT_DESC(0, 0, SEG_ACCESS_DATA_RW, SEG_FLAG_DB)                           /* SEL_IMAGE: base, limit patched */
gdt_end:
    .if (gdt_end - gdt) != GDT_ENTRIES * 8
    .error "GDT_ENTRIES does not match the table"
    .endif
    /* The 64-bit stage's TSS descriptors, one per CPU slot: written by each CPU (stage64/cpu_local.cpp). */
    .skip   CPU_SLOTS * GDT_TSS_DESC_SIZE
gdt64_end:

    /* lgdt operand for 32-bit mode: the base is the GDT's physical address, patched. */
    .balign 8
    .globl  gdt32_ptr
gdt32_ptr:
    .word   GDT_ENTRIES * 8 - 1
    .long   0

    /* lgdt operand for 64-bit mode: the GDT's higher-half address, fixed at link time, TSS descriptors included. */
    .balign 8
    .globl  gdt64_ptr
gdt64_ptr:
    .word   gdt64_end - gdt - 1
    .quad   gdt
