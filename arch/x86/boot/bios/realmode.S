/*
 * The real-mode BIOS-call thunk (arch/x86/boot/bios/bios_call.h): from the
 * 64-bit stage down to real mode, one software interrupt into the BIOS,
 * and back to long mode with relboot's page tables, GDT and IDT.
 *
 * This is a blob: bios_thunk_install() copies [realmode_blob,
 * realmode_blob_end) to a page P below 1 MiB, and bios_call.cpp calls P
 * (its identity address) as `void (*)(void)` after writing struct BiosRegs
 * at P + BIOS_CALL_REGS.  The code holds no absolute address: 64-bit code
 * reaches the blob %rip-relative, 32-bit code through %ebx = P, 16-bit
 * code through segments whose base is P (%cs = P >> 4 in real mode).  The
 * only words that hold P are the 16-bit descriptors' bases and the GDTR
 * image, which the 64-bit prologue writes on every call.
 *
 * Down (Intel SDM Vol. 3A, 10.8.5.4 (9.8.5.4 in older editions) "Switching Out of IA-32e Mode
 * Operation", 10.9.2 (9.9.2) "Switching Back to Real-Address Mode"):
 *   64-bit -> compatibility mode (far return to a 32-bit code segment)
 *   -> CR0.PG off (this page is identity-mapped) -> EFER.LME off
 *   -> 16-bit protected mode (segments of 64 KiB, base P) -> IDTR = the
 *   BIOS's IVT (0:0, 0x3ff) -> CR0.PE off -> far return to P >> 4.
 * Up (10.8.5 "Initializing IA-32e Mode"): GDTR, CR0.PE, flat 32-bit code,
 * then the saved CR4 (PAE), CR3 (relboot's PML4, below 4 GiB), EFER
 * (LME, NXE) and CR0 (PG): compatibility mode; far return to 64-bit code,
 * relboot's GDTR and IDTR, the caller's stack and flags.
 *
 * Interrupts: off (CLI) everywhere but inside the BIOS call itself, which
 * runs as INT n would start it, and with interrupts enabled (STI before,
 * as in Xen's trampoline and Linux's setup): a disk or video service may
 * wait for its device's or the timer's IRQ, and the PIC is as the
 * firmware or GRUB left it, with the BIOS's handlers in the IVT.  They
 * are off again from the handler's return on, and the caller's RFLAGS.IF
 * is restored at the end.
 */
#include "bios/bios_call.h"
#include <x86/cr.h>
#include <x86/segment.h>

/* Offset of a blob label from the blob's first byte (= from P). */
#define OFF(label)  ((label) - .Lblob)

    .section .rodata.realmode, "a"
    .balign 16
    .globl  realmode_blob
realmode_blob:
.Lblob:                                             /* the same place; local, so %rip-relative needs no relocation */

/* void thunk(void), at P: 64-bit mode, relboot's GDT and page tables. */
    .code64
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    pushfq
    cli
    leaq    .Lblob(%rip), %rbx                      /* P: the one delta */

    /* What the way back restores. */
    movq    %rsp, .Lsaved_rsp(%rip)
    sgdt    .Lsaved_gdtr(%rip)
    sidt    .Lsaved_idtr(%rip)
    movq    %cr0, %rax
    movq    %rax, .Lsaved_cr0(%rip)
    movq    %cr3, %rax
    movq    %rax, .Lsaved_cr3(%rip)
    movq    %cr4, %rax
    movq    %rax, .Lsaved_cr4(%rip)
    movl    $MSR_IA32_EFER, %ecx
    rdmsr
    andl    $~EFER_LMA, %eax                        /* read-only: the CPU sets it again */
    movl    %eax, .Lsaved_efer(%rip)
    movl    %edx, .Lsaved_efer + 4(%rip)

    /* P into the 16-bit descriptors' base (P < 1 MiB: bits 23:0) and into the GDTR image. */
    movl    %ebx, %eax
    movw    %ax, .Lgdt + RM_SEL_CODE16 + GDT_DESC_BASE_LOW(%rip)
    movw    %ax, .Lgdt + RM_SEL_DATA16 + GDT_DESC_BASE_LOW(%rip)
    shrl    $16, %eax
    movb    %al, .Lgdt + RM_SEL_CODE16 + GDT_DESC_BASE_MID(%rip)
    movb    %al, .Lgdt + RM_SEL_DATA16 + GDT_DESC_BASE_MID(%rip)
    leaq    .Lgdt(%rip), %rax
    movq    %rax, .Lgdt_ptr + 2(%rip)
    lgdt    .Lgdt_ptr(%rip)

    /* Compatibility mode: a far return to the flat 32-bit code segment. */
    pushq   $RM_SEL_CODE32
    leaq    .Lcompat(%rip), %rax
    pushq   %rax
    lretq

    .code32
.Lcompat:
    movl    $RM_SEL_DATA32, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    /* Paging off (the next fetch is from the same, identity-mapped, address), then IA-32e mode off. */
    LEAVE_LONG_MODE
    /* 16-bit protected mode, in the segment whose base is P. */
    ljmp    $RM_SEL_CODE16, $OFF(.Lpm16)

    .code16
.Lpm16:
    /* Segment limits of 64 KiB, as real mode expects them in the hidden parts. */
    movw    $RM_SEL_DATA16, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %fs
    movw    %ax, %gs
    movw    %ax, %ss
    movl    $BIOS_CALL_STACK_TOP, %esp
    lidtl   OFF(.Livt_ptr)
    movl    %cr0, %eax
    andl    $~CR0_PE, %eax
    movl    %eax, %cr0
    /* Real mode: CS = P >> 4. */
    movl    %ebx, %eax
    shrl    $4, %eax
    pushw   %ax
    pushw   $OFF(.Lreal)
    lretw

.Lreal:
    movw    %cs, %ax
    movw    %ax, %ds
    movw    %ax, %ss
    movl    $BIOS_CALL_STACK_TOP, %esp
    xorw    %ax, %ax
    movw    %ax, %fs
    movw    %ax, %gs

    /* The vector's handler, from the IVT at 0:vector*4. */
    movzbw  BIOS_CALL_REGS + BIOS_REGS_VECTOR, %si
    shlw    $2, %si
    movl    %fs:(%si), %eax
    movl    %eax, OFF(.Lhandler)

    /* The caller's registers; DS last. */
    pushw   BIOS_CALL_REGS + BIOS_REGS_DS
    movw    BIOS_CALL_REGS + BIOS_REGS_ES, %es
    movl    BIOS_CALL_REGS + BIOS_REGS_EAX, %eax
    movl    BIOS_CALL_REGS + BIOS_REGS_EBX, %ebx
    movl    BIOS_CALL_REGS + BIOS_REGS_ECX, %ecx
    movl    BIOS_CALL_REGS + BIOS_REGS_EDX, %edx
    movl    BIOS_CALL_REGS + BIOS_REGS_ESI, %esi
    movl    BIOS_CALL_REGS + BIOS_REGS_EDI, %edi
    movl    BIOS_CALL_REGS + BIOS_REGS_EBP, %ebp
    popw    %ds

    /*
     * INT n, by hand: FLAGS (with IF set) pushed, IF cleared, a far call
     * to the handler, whose IRET (or RETF 2) comes back here.
     */
    sti
    pushfw
    cli
    lcallw  *%cs:OFF(.Lhandler)

    /* The results: flags first, before any instruction can change them. */
    pushfl
    cli
    cld
    pushw   %ds
    pushl   %eax
    movw    %cs, %ax
    movw    %ax, %ds
    popl    BIOS_CALL_REGS + BIOS_REGS_EAX
    popw    BIOS_CALL_REGS + BIOS_REGS_DS
    popl    BIOS_CALL_REGS + BIOS_REGS_EFLAGS
    movw    %es, BIOS_CALL_REGS + BIOS_REGS_ES
    movl    %ebx, BIOS_CALL_REGS + BIOS_REGS_EBX
    movl    %ecx, BIOS_CALL_REGS + BIOS_REGS_ECX
    movl    %edx, BIOS_CALL_REGS + BIOS_REGS_EDX
    movl    %esi, BIOS_CALL_REGS + BIOS_REGS_ESI
    movl    %edi, BIOS_CALL_REGS + BIOS_REGS_EDI
    movl    %ebp, BIOS_CALL_REGS + BIOS_REGS_EBP

    /* Protected mode again, then flat 32-bit code at P + OFF(.Lback32). */
    xorl    %ebx, %ebx
    movw    %cs, %bx
    shll    $4, %ebx                                /* P */
    lgdtl   OFF(.Lgdt_ptr)
    movl    %cr0, %eax
    orl     $CR0_PE, %eax
    movl    %eax, %cr0
    pushl   $RM_SEL_CODE32
    leal    OFF(.Lback32)(%ebx), %eax
    pushl   %eax
    lretl

    .code32
.Lback32:
    movl    $RM_SEL_DATA32, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    leal    BIOS_CALL_STACK_TOP(%ebx), %esp
    /* Long mode as relboot had it: CR4 (PAE), CR3, EFER (LME), then CR0 (PG). */
    movl    OFF(.Lsaved_cr4)(%ebx), %eax
    movl    %eax, %cr4
    movl    OFF(.Lsaved_cr3)(%ebx), %eax
    movl    %eax, %cr3
    movl    $MSR_IA32_EFER, %ecx
    movl    OFF(.Lsaved_efer)(%ebx), %eax
    movl    OFF(.Lsaved_efer) + 4(%ebx), %edx
    wrmsr
    movl    OFF(.Lsaved_cr0)(%ebx), %eax
    movl    %eax, %cr0
    /* Compatibility mode now; a far return to 64-bit code. */
    pushl   $RM_SEL_CODE64
    leal    OFF(.Lback64)(%ebx), %eax
    pushl   %eax
    lretl

    .code64
.Lback64:
    lgdt    .Lsaved_gdtr(%rip)
    lidt    .Lsaved_idtr(%rip)
    LOAD_DATA_SEGMENTS64 SEL_DATA
    movq    .Lsaved_rsp(%rip), %rsp
    /* relboot's 64-bit code selector, from its own GDT. */
    pushq   $SEL_CODE64
    leaq    .Lhome(%rip), %rax
    pushq   %rax
    lretq
.Lhome:
    popfq
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret

/* Data, inside the blob (written through %rip or DS = P >> 4). */
    .balign 8
.Lgdt:
    .quad   0
    .quad   GDT_DESC(0, 0xfffff, SEG_ACCESS_CODE_RX, SEG_FLAG_G | SEG_FLAG_DB)     /* RM_SEL_CODE32 */
    .quad   GDT_DESC(0, 0xfffff, SEG_ACCESS_DATA_RW, SEG_FLAG_G | SEG_FLAG_DB)     /* RM_SEL_DATA32 */
    .quad   GDT_DESC(0, 0, SEG_ACCESS_CODE_RX, SEG_FLAG_L)                          /* RM_SEL_CODE64 */
    .quad   GDT_DESC(0, 0xffff, SEG_ACCESS_CODE_RX, 0)                              /* RM_SEL_CODE16: base P */
    .quad   GDT_DESC(0, 0xffff, SEG_ACCESS_DATA_RW, 0)                              /* RM_SEL_DATA16: base P */
.Lgdt_end:
    .if     (.Lgdt_end - .Lgdt) != RM_SEL_DATA16 + 8
    .error  "the thunk's GDT does not match the RM_SEL_* selectors"
    .endif
    .balign 8
    .word   0, 0, 0
.Lgdt_ptr:                                          /* limit, base (written: P + OFF(.Lgdt)) */
    .word   .Lgdt_end - .Lgdt - 1
    .quad   0
    .balign 8
    .word   0, 0, 0
.Livt_ptr:                                          /* the real-mode IVT: 256 vectors at 0 */
    .word   0x3ff
    .quad   0
    .balign 8
    .word   0, 0, 0
.Lsaved_gdtr:
    .word   0
    .quad   0
    .balign 8
    .word   0, 0, 0
.Lsaved_idtr:
    .word   0
    .quad   0
    .balign 8
.Lsaved_rsp:    .quad 0
.Lsaved_cr0:    .quad 0
.Lsaved_cr3:    .quad 0
.Lsaved_cr4:    .quad 0
.Lsaved_efer:   .quad 0
.Lhandler:      .long 0                             /* far pointer: offset, segment */

    .globl  realmode_blob_end
realmode_blob_end:                                  /* at most BIOS_CALL_REGS bytes in: linker script ASSERT */
