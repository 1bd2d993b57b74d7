/*
 * IPIs at CPUs the guest does not own (tests/svm/ipi.test): relboot is
 * booted with maxcpus=1 at -smp 2, so APIC ID 1 is a CPU relboot keeps
 * out of the guest, and APIC ID 0x7f is no CPU at all.
 *
 *   hostile: NMI, SMI, INIT to APIC ID 0x7f
 *   hostile: NMI, SMI, INIT, SIPI 0x08 to APIC ID 0x01
 *   (waits DELAY_AP_ANSWER for a CPU to run ap.S's code: the SIPI after
 *   the INIT would start APIC ID 1 there if the INIT had reached it)
 *   hostile: CPUs that ran the started code: <n>
 *   hostile: NMIs taken here: <n>
 *   the hello hypercall, "hostile: done", exit 33.
 *
 * Seven IPIs in all, each one ICR write with one physical destination;
 * a relboot that owns the APIC drops and counts every one.
 */
#include "guest.h"

/* APIC IDs: none at 0x7f under QEMU's -smp 2; 1 the second CPU. */
#define NO_SUCH_APIC_ID     0x7f
#define HOST_ONLY_APIC_ID   0x01

    .text
    .globl  guest_main
guest_main:
    call    relboot_range
    testq   %rax, %rax
    jz      no_range
    movq    %rax, %rdi
    movq    %rdx, %rsi
    call    ap_install
    call    ap_done_address
    movq    %rax, %r14

    PRINT   "hostile: NMI, SMI, INIT to APIC ID 0x7f"
    PRINT_NL
    movl    $APIC_ICR_DM_NMI | APIC_ICR_LEVEL_ASSERT, %edi
    movl    $NO_SUCH_APIC_ID, %esi
    call    apic_send
    movl    $APIC_ICR_DM_SMI | APIC_ICR_LEVEL_ASSERT, %edi
    movl    $NO_SUCH_APIC_ID, %esi
    call    apic_send
    movl    $APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT, %edi
    movl    $NO_SUCH_APIC_ID, %esi
    call    apic_send

    PRINT   "hostile: NMI, SMI, INIT, SIPI 0x08 to APIC ID 0x01"
    PRINT_NL
    movl    $APIC_ICR_DM_NMI | APIC_ICR_LEVEL_ASSERT, %edi
    movl    $HOST_ONLY_APIC_ID, %esi
    call    apic_send
    movl    $APIC_ICR_DM_SMI | APIC_ICR_LEVEL_ASSERT, %edi
    movl    $HOST_ONLY_APIC_ID, %esi
    call    apic_send
    movl    $APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT, %edi
    movl    $HOST_ONLY_APIC_ID, %esi
    call    apic_send
    movl    $DELAY_INIT_SIPI, %edi
    call    delay
    movl    $APIC_ICR_DM_STARTUP | APIC_ICR_LEVEL_ASSERT | AP_VECTOR, %edi
    movl    $HOST_ONLY_APIC_ID, %esi
    call    apic_send
    movq    %r14, %rdi
    xorl    %esi, %esi
    movl    $DELAY_AP_ANSWER, %edx
    call    wait_change

    PRINT   "hostile: CPUs that ran the started code: "
    movl    (%r14), %eax
    PRINT_DEC %rax
    PRINT_NL
    PRINT   "hostile: NMIs taken here: "
    PRINT_DEC nmi_count(%rip)
    PRINT_NL
    call    guest_hello
    PRINT   "hostile: done"
    PRINT_NL
    movl    $GUEST_EXIT_PASS, %edi
    jmp     guest_exit

no_range:
    PRINT   "hostile: no reserved e820 entry holds boot_params"
    PRINT_NL
    movl    $GUEST_EXIT_FAIL, %edi
    jmp     guest_exit
