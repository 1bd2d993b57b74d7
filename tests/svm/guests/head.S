/*
 * The protected-mode part of a hostile guest's bzImage, as the Linux boot
 * protocol lays it out (Documentation/arch/x86/boot.rst, "64-bit Boot
 * Protocol"): the 32-bit entry at offset 0 (code32_start; relboot never
 * takes it) and the 64-bit entry, startup_64, at offset 0x200, entered
 * in long mode with RSI = boot_params, interrupts off, identity-mapped.
 *
 * The code is position-independent (RIP-relative only; guests.mk refuses
 * any absolute relocation): relboot places the image where it likes.
 * startup_64 takes its own stack, keeps RSI, installs the IDT (lib.S),
 * sizes the delays for the TSC (delay_setup: "hostile.slow-tsc") and
 * calls guest_main, which each guest defines and which ends the run
 * itself (guest_exit).
 */
#include "guest.h"

    .section .text.head, "ax"
    .code32
    .globl  startup_32
startup_32:
    ud2                                 /* the 32-bit entry: never used */

    .org    0x200
    .code64
    .globl  startup_64
startup_64:
    cli
    cld
    leaq    guest_stack_top(%rip), %rsp
    movq    %rsi, boot_params(%rip)
    call    idt_install
    call    delay_setup
    call    guest_main
    movl    $GUEST_EXIT_FAIL, %edi      /* guest_main never returns */
    jmp     guest_exit

    .section .bss, "aw", @nobits
    .balign 16
guest_stack:
    .skip   8192
guest_stack_top:
