/*
 * The plain guest, and the command-line and memory probes (tests/svm/
 * hello.test, cmdline.test):
 *
 *   hostile: hello guest, cmdline [<the kernel command line, byte for byte>]
 *   hostile: cpuid svm=<0|1> vmx=<0|1>  CPUID Fn8000_0001 ECX bit 2 and CPUID 1 ECX
 *                                       bit 5 (a guest sees 0 for both)
 *   with "hostile.read-relboot" on the command line:
 *   hostile: reading relboot's memory at 0x<16>
 *                                       a 4-byte read at the base of the reserved
 *                                       e820 entry around boot_params (relboot's image):
 *                                       relboot must end the run with its nested-page-
 *                                       fault line; "hostile: read relboot's memory"
 *                                       follows only if the read went through
 *   then the hello hypercall (relboot's line; not with "hostile.native" on
 *   the command line: launched natively, where the hypercall is #UD),
 *   "hostile: done", exit 33.
 */
#include "guest.h"

    .text
    .globl  guest_main
guest_main:
    PRINT   "hostile: hello guest, cmdline ["
    call    cmdline
    movq    %rax, %rdi
    call    serial_puts
    PRINT   "]"
    PRINT_NL

    PRINT   "hostile: cpuid svm="
    movl    $CPUID_LEAF_EXT_FEATURES, %eax
    cpuid
    shrl    $2, %ecx                    /* CPUID_80000001_ECX_SVM is bit 2 */
    andl    $1, %ecx
    PRINT_DEC %rcx
    PRINT   " vmx="
    movl    $CPUID_LEAF_FEATURES, %eax
    cpuid
    shrl    $GUEST_CPUID_1_ECX_VMX_BIT, %ecx
    andl    $1, %ecx
    PRINT_DEC %rcx
    PRINT_NL

    leaq    opt_read_relboot(%rip), %rdi
    call    cmdline_has
    testq   %rax, %rax
    jz      1f
    call    relboot_range
    testq   %rax, %rax
    jz      no_range
    movq    %rax, %rbx
    PRINT   "hostile: reading relboot's memory at "
    PRINT_HEX %rbx, 16
    PRINT_NL
    movl    (%rbx), %r12d
    PRINT   "hostile: read relboot's memory: "
    PRINT_HEX %r12, 8
    PRINT_NL

1:  leaq    opt_native(%rip), %rdi
    call    cmdline_has
    testq   %rax, %rax
    jnz     2f
    call    guest_hello
2:  PRINT   "hostile: done"
    PRINT_NL
    movl    $GUEST_EXIT_PASS, %edi
    jmp     guest_exit

no_range:
    PRINT   "hostile: no reserved e820 entry holds boot_params"
    PRINT_NL
    movl    $GUEST_EXIT_FAIL, %edi
    jmp     guest_exit

    .section .rodata
opt_read_relboot:
    .asciz  "hostile.read-relboot"
opt_native:
    .asciz  "hostile.native"
