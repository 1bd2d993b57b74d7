/*
 * The multiboot2 EFI amd64 entry: where GRUB jumps when the header asks
 * for boot services to be kept (tag 7, 3.1.10) and names this entry
 * (tag 9, 3.1.12).  Machine state (Multiboot2 Specification 2.0, 3.4,
 * and GRUB 2.06's grub_relocator64_efi_boot): 64-bit mode, the
 * firmware's page tables (identity map), GDT and IDT, RAX = 0x36d76289,
 * RBX = the MBI, RSP = the firmware's stack, boot services running.  The
 * MBI then has tags 12 (system table), 18 (boot services not terminated)
 * and 20 (image handle), and no memory map (tags 4, 6 and 17 are left
 * out).  The entry address was shifted by GRUB with the load base, as
 * the ELF entry is.
 *
 * Why a separate way in, and how it rejoins the common path: the image
 * calls ExitBootServices() itself (multiboot2_efi64.cpp, the x64 calling
 * convention), which gives it the final EFI memory map, as Xen and NOVA
 * do.  After that nothing of the firmware is needed, so this file leaves
 * long mode (Intel SDM Vol. 3A, 10.8.5.4 "Switching out of IA-32e mode":
 * a 32-bit code segment, CR0.PG off, EFER.LME off) and jumps to start32
 * (head32.S) with the registers that file describes and
 * PROTOCOL_MULTIBOOT2_EFI64.  From there on the boot is the i386 entry's:
 * base from EIP cross-checked with tag 21, the same early step, page
 * tables and long mode.  The only differences are the protocol number
 * (BootState.entry_efi64, the report's entry=efi64) and where the memory
 * map comes from (the EfiExit record, efi_exit.h, in .boot_tables, which
 * start32 does not zero).
 *
 * A failure is not reported here: there is no console setting yet (the
 * command line is parsed later, and debug-exit= with it).  A malformed
 * MBI (the one checked walk, mbi_scan(), runs before any firmware call)
 * is printed by the 32-bit stage, whose early step runs the same walk on
 * the same bytes and ends the run on the fault; a failed exit is kept in
 * the record, and the 64-bit stage prints one "relboot: error:" line
 * before it reads the MBI.  Either way the run ends (debug-exit or halt),
 * and interrupts are off from the moment the firmware is done with.
 */
#include "layout.h"
#include "protocol/mbi_limits.h"
#include <relboot/spec/multiboot2.h>
#include "protocol/protocols.h"
#include <x86/cr.h>
#include <x86/segment.h>
#include "stage32/early_uart.h"

    .section .text32, "ax"
    .code64

    .globl  relboot_entry_efi64
relboot_entry_efi64:
    /* Entry stamp, as the i386 entry takes it: the magic first, then RDTSC (EDX:EAX). */
    movl    %eax, %esi
    rdtsc
    movl    %eax, %edi

    cmpl    $MULTIBOOT2_BOOTLOADER_MAGIC, %esi
    jne     .Lbad_magic
    /* The MBI must be addressable from 32-bit mode (GRUB allocates it below 4 GiB). */
    movq    %rbx, %rax
    shrq    $32, %rax
    jnz     .Lmbi_above_4g

    /*
     * Kept across the call in callee-saved registers (System V ABI):
     * EBX = MBI, R12D:R13D = entry TSC (low, high).  The firmware's stack
     * is ours to use (GRUB leaves RSP as the firmware set it up); the
     * call needs it 16-byte aligned.
     */
    movl    %edi, %r12d
    movl    %edx, %r13d
    andq    $~15, %rsp
    movq    %rbx, %rdi                      /* the MBI */
    movq    %rbx, %rsi                      /* its physical address: the same (identity map) */
    leaq    efi_exit_record(%rip), %rdx     /* the record, in .boot_tables (efi_exit.h) */
    call    efi64_exit_boot_services

    /* The firmware is done with (or refused to be): no more interrupts through its IDT. */
    cli

    /*
     * Out of long mode.  CR4.PCIDE must be clear before CR0.PG may be
     * (SDM 4.10.1); clearing it is allowed in 64-bit mode.  Then relboot's
     * GDT (start32 loads it again with its bases patched: only the flat
     * SEL_CODE32 and SEL_DATA are used here), a far return to SEL_CODE32:
     * compatibility mode.  lgdt in 64-bit mode takes a 10-byte operand,
     * built on the stack with the GDT's runtime address.
     */
    movq    %cr4, %rax
    andq    $~CR4_PCIDE, %rax
    movq    %rax, %cr4
    leaq    gdt(%rip), %rax
    subq    $16, %rsp
    movw    $(GDT_ENTRIES * 8 - 1), (%rsp)
    movq    %rax, 2(%rsp)
    lgdt    (%rsp)
    movl    %r12d, %edi                     /* start32's EDI: TSC low */
    movl    %r13d, %ebp                     /* TSC high, until RDMSR/WRMSR are done with EDX */
    leaq    .Lcompat(%rip), %rax
    pushq   $SEL_CODE32
    pushq   %rax
    lretq

    .code32
.Lcompat:
    LOAD_DATA_SEGMENTS32 SEL_DATA
    /* Paging off (this code runs at its physical address, identity-mapped), then EFER.LME off. */
    LEAVE_LONG_MODE

    /* start32's registers (head32.S): ESI = protocol, EBX = MBI, ECX = its size, EDX:EDI = TSC. */
    movl    %ebp, %edx
    movl    (%ebx), %ecx                    /* total_size; above MBI_MAX_SIZE: unknown (0), as the i386 entry */
    cmpl    $MBI_MAX_SIZE, %ecx
    jbe     1f
    xorl    %ecx, %ecx
1:  movl    $PROTOCOL_MULTIBOOT2_EFI64, %esi
    jmp     start32

    .code64
/*
 * The two refusals, on COM1 with the register-only UART macros
 * (early_uart.h), then halt.  The firmware's identity map is still
 * there, so the text is read from memory (one byte a character, where
 * EARLY_UART_PUTS spends an instruction sequence on each): RBX = "<before>\0
 * <after>\0", ESI = the value printed between them.
 */
.Lbad_magic:                                /* ESI = the EAX found */
    leaq    .Lmsg_bad_magic(%rip), %rbx
    jmp     .Lrefuse
.Lmbi_above_4g:
    movl    %eax, %esi                      /* the MBI address's bits 63..32 */
    leaq    .Lmsg_mbi_above_4g(%rip), %rbx
.Lrefuse:
    EARLY_UART_INIT
    call    .Lputs
    EARLY_UART_HEX32
    call    .Lputs
    EARLY_UART_PUTC_IMM '\r'
    EARLY_UART_PUTC_IMM '\n'
    jmp     early_halt

/* Writes the NUL-terminated text at RBX and leaves RBX after its NUL.  Clobbers EAX, EDX. */
.Lputs:
    movb    (%rbx), %al
    incq    %rbx
    testb   %al, %al
    jz      1f
    EARLY_UART_PUTC
    jmp     .Lputs
1:  ret

    .section .rodata, "a"
.Lmsg_bad_magic:
    .asciz  "relboot: error: EFI amd64 entry not entered by a multiboot2 loader: EAX=0x"
    .asciz  " but the multiboot2 specification (3.4) requires 0x36d76289"
.Lmsg_mbi_above_4g:
    .asciz  "relboot: error: MBI above 4 GiB (address bits 63..32=0x"
    .asciz  ") - expected the loader to allocate it below 4 GiB"
