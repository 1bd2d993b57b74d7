/*
 * The data segment registers in 64-bit mode, for the .S files that enter
 * or leave relboot's 64-bit code (head64.S, smp/trampoline.S,
 * payload/linux_entry.S).  Intel SDM Vol. 3A, 3.4.4 "Segment Loading
 * Instructions in IA-32e Mode": DS, ES and SS are loaded with sel (their
 * bases are ignored, but an IRET or a 32-bit payload reads them), FS and
 * GS with the null selector.  Clobbers %eax.
 */
#ifndef RELBOOT_SEGMENTS64_H
#define RELBOOT_SEGMENTS64_H

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
