/*
 * INIT/SIPI escape (issue 22): the guest starts other CPUs at ap.S's
 * real-mode code (tests/svm/initsipi.test).
 *
 *   hostile: relboot's memory (the reserved e820 entry around boot_params) 0x<16>-0x<16>
 *
 * By default: INIT, then SIPI (vector AP_VECTOR) to all excluding self,
 * ap.S armed (it attacks relboot's memory):
 *
 *   hostile: INIT, SIPI 0x08 to all excluding self
 *
 * With "hostile.each" on the command line: to APIC IDs 0 to
 * HOSTILE_APIC_IDS - 1 in turn, skipping its own, ap.S as a probe (it
 * says who runs it, and stops), one line each; then, ap.S armed, INIT and
 * SIPI again to the first ID tried (a CPU that has run guest code since
 * its last INIT):
 *
 *   hostile: INIT, SIPI 0x08 to APIC ID 0x<2>
 *   ...
 *   hostile: CPUs that ran the started code: <n>
 *   hostile: INIT, SIPI 0x08 to APIC ID 0x<2> again, to attack
 *
 * After each SIPI it waits (DELAY_AP_ANSWER) for a started CPU to finish
 * ap.S's code.  At the end:
 *
 *   hostile: CPUs that ran the started code: <n>
 *   the hello hypercall, "hostile: done", exit 33.
 *
 * What a started CPU prints is ap.S's.  INIT is sent with level assert
 * only (no de-assert: CPUs with an integrated APIC ignore it).
 */
#include "guest.h"

/* "hostile.each": the APIC IDs tried, 0 to HOSTILE_APIC_IDS - 1 (-smp 4 numbers its CPUs 0-3). */
#define HOSTILE_APIC_IDS    4

    .text
    .globl  guest_main
guest_main:
    call    relboot_range
    testq   %rax, %rax
    jz      no_range
    movq    %rax, %r12
    movq    %rdx, %r13
    PRINT   "hostile: relboot's memory (the reserved e820 entry around boot_params) "
    PRINT_HEX %r12, 16
    PRINT   "-"
    PRINT_HEX %r13, 16
    PRINT_NL
    movq    %r12, %rdi
    movq    %r13, %rsi
    call    ap_install
    call    ap_done_address
    movq    %rax, %r14

    leaq    opt_each(%rip), %rdi
    call    cmdline_has
    testq   %rax, %rax
    jnz     each

    /* All excluding self, armed. */
    PRINT   "hostile: INIT, SIPI 0x08 to all excluding self"
    PRINT_NL
    movl    $APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT | APIC_ICR_SHORTHAND_OTHERS, %edi
    xorl    %esi, %esi
    call    apic_send
    movl    $DELAY_INIT_SIPI, %edi
    call    delay
    movl    $APIC_ICR_DM_STARTUP | APIC_ICR_LEVEL_ASSERT | APIC_ICR_SHORTHAND_OTHERS | AP_VECTOR, %edi
    xorl    %esi, %esi
    call    apic_send
    movq    %r14, %rdi
    xorl    %esi, %esi
    movl    $DELAY_AP_ANSWER, %edx
    call    wait_change
    jmp     report

    /* Each APIC ID in turn, probing; then the first one again, armed. */
each:
    xorl    %edi, %edi
    call    ap_set_attack
    call    apic_self_id
    movl    %eax, %r15d
    xorl    %ebx, %ebx
1:  cmpl    %r15d, %ebx
    je      2f
    PRINT   "hostile: INIT, SIPI 0x08 to APIC ID "
    PRINT_HEX %rbx, 2
    PRINT_NL
    movl    %ebx, %edi
    call    init_sipi
2:  incl    %ebx
    cmpl    $HOSTILE_APIC_IDS, %ebx
    jb      1b
    PRINT   "hostile: CPUs that ran the started code: "
    movl    (%r14), %eax
    PRINT_DEC %rax
    PRINT_NL
    xorl    %ebx, %ebx
    cmpl    %r15d, %ebx
    jne     3f
    incl    %ebx
3:  movl    $1, %edi
    call    ap_set_attack
    PRINT   "hostile: INIT, SIPI 0x08 to APIC ID "
    PRINT_HEX %rbx, 2
    PRINT   " again, to attack"
    PRINT_NL
    movl    %ebx, %edi
    call    init_sipi

report:
    PRINT   "hostile: CPUs that ran the started code: "
    movl    (%r14), %eax
    PRINT_DEC %rax
    PRINT_NL
    call    guest_hello
    PRINT   "hostile: done"
    PRINT_NL
    movl    $GUEST_EXIT_PASS, %edi
    jmp     guest_exit

/* init_sipi(%edi APIC ID): INIT, a pause, SIPI; then waits for the count of CPUs that ran the code (at %r14) to move. */
init_sipi:
    pushq   %rbx
    movl    %edi, %ebx
    movl    $APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT, %edi
    movl    %ebx, %esi
    call    apic_send
    movl    $DELAY_INIT_SIPI, %edi
    call    delay
    movl    $APIC_ICR_DM_STARTUP | APIC_ICR_LEVEL_ASSERT | AP_VECTOR, %edi
    movl    %ebx, %esi
    call    apic_send
    movq    %r14, %rdi
    movl    (%r14), %esi
    movl    $DELAY_AP_ANSWER, %edx
    call    wait_change
    popq    %rbx
    ret

no_range:
    PRINT   "hostile: no reserved e820 entry holds boot_params"
    PRINT_NL
    movl    $GUEST_EXIT_FAIL, %edi
    jmp     guest_exit

    .section .rodata
opt_each:
    .asciz  "hostile.each"
