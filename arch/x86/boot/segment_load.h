/*
 * Loading the data segment registers, for the .S files that switch modes
 * (head64.S, protocol/multiboot2_efi64_entry.S, smp/trampoline.S,
 * payload/linux_entry.S).  Intel SDM Vol. 3A, 3.4.4 "Segment Loading
 * Instructions in IA-32e Mode".  Both clobber %eax.
 */
#ifndef RELBOOT_SEGMENT_LOAD_H
#define RELBOOT_SEGMENT_LOAD_H

/* Protected mode: DS, ES, SS, FS and GS all = sel (a flat data selector). */
.macro LOAD_DATA_SEGMENTS32 sel
    movl    $\sel, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movl    %eax, %fs
    movl    %eax, %gs
.endm

/*
 * 64-bit mode: DS, ES and SS = sel (their bases are ignored, but an IRET
 * or a 32-bit payload reads them), FS and GS the null selector.
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
