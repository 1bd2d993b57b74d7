/*
 * Segment descriptors and relboot's GDT selectors.
 * Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors" (figure 3-8) and
 * 5.2.1 "Code-Segment Descriptor in 64-bit Mode".
 */
#ifndef RELBOOT_X86_SEGMENT_H
#define RELBOOT_X86_SEGMENT_H

#include <relboot/spec/macros.h>

/* Access byte (descriptor bits 47:40). */
#define SEG_ACCESS_A        0x01    /* Accessed */
#define SEG_ACCESS_RW       0x02    /* Readable code / writable data */
#define SEG_ACCESS_CODE     0x08    /* Executable */
#define SEG_ACCESS_S        0x10    /* Code or data (not system) */
#define SEG_ACCESS_P        0x80    /* Present */
#define SEG_ACCESS_CODE_RX  (SEG_ACCESS_P | SEG_ACCESS_S | SEG_ACCESS_CODE | SEG_ACCESS_RW | SEG_ACCESS_A)
#define SEG_ACCESS_DATA_RW  (SEG_ACCESS_P | SEG_ACCESS_S | SEG_ACCESS_RW | SEG_ACCESS_A)

/* Flags nibble (descriptor bits 55:52). */
#define SEG_FLAG_L          0x2     /* 64-bit code segment */
#define SEG_FLAG_DB         0x4     /* 32-bit default operand size */
#define SEG_FLAG_G          0x8     /* Limit counts 4 KiB units */

/*
 * One 8-byte descriptor from a 32-bit base, a 20-bit limit, the access
 * byte and the flags nibble.  A constant expression in as, ld and C++.
 */
#define GDT_DESC(base, limit, access, flags)                  \
    ( ((limit) & UINT64(0xffff))                               \
    | (((base) & UINT64(0xffffff)) << 16)                      \
    | ((access) * UINT64(1) << 40)                             \
    | ((((limit) >> 16) & UINT64(0xf)) << 48)                  \
    | ((flags) * UINT64(1) << 52)                              \
    | ((((base) >> 24) & UINT64(0xff)) << 56) )

/* Byte offsets of the base fields inside a descriptor, for run-time patching. */
#define GDT_DESC_BASE_LOW   2       /* 16 bits: base 15:0  */
#define GDT_DESC_BASE_MID   4       /*  8 bits: base 23:16 */
#define GDT_DESC_BASE_HIGH  7       /*  8 bits: base 31:24 */

/* relboot's GDT (arch/x86/boot/stage32/gdt.S); RPL 0, TI 0. */
#define SEL_NULL     0x00
#define SEL_CODE32   0x08   /* flat 4 GiB 32-bit code */
#define SEL_DATA     0x10   /* flat 4 GiB data, also the 64-bit data selector */
#define SEL_CODE64   0x18   /* 64-bit code */
#define SEL_EXC32    0x20   /* 32-bit code whose base is the exception stubs (exception32.S) */
#define SEL_IMAGE    0x28   /* data whose base is the load base (BASE=fs, image32.h) */
#define GDT_ENTRIES  6      /* the entries above: what the 32-bit stage loads */
/*
 * From SEL_TSS0 on, the 64-bit stage's GDT holds one 16-byte TSS
 * descriptor per CPU (stage64/cpu_local.h): CPU slot i's TSS at
 * SEL_TSS0 + i * GDT_TSS_DESC_SIZE, written and loaded (LTR) by that CPU.
 */
#define SEL_TSS0          (GDT_ENTRIES * 8)
#define GDT_TSS_DESC_SIZE 16

/* System-descriptor access byte: present, DPL 0, type 9, an available 64-bit TSS (SDM Vol. 3A, 8.2.3, table 3-2). */
#define SEG_ACCESS_TSS64  0x89

#ifdef __ASSEMBLER__
/* Protected mode: DS, ES, SS, FS and GS all get the flat data selector sel.  Clobbers %eax. */
.macro LOAD_DATA_SEGMENTS32 sel
    movl    $\sel, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movl    %eax, %fs
    movl    %eax, %gs
.endm

/*
 * 64-bit mode: DS, ES and SS get the data selector sel, FS and GS the
 * null selector (their bases are then 0).  Clobbers %eax.
 */
.macro LOAD_DATA_SEGMENTS64 sel
    movl    $\sel, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
.endm
#endif

#endif
