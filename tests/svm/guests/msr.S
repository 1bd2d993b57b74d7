/*
 * MSR attacks (tests/svm/msr.test): each access one line, in this order,
 * "gp=1" when the guest's IDT took a #GP for it (lib.S skips the
 * instruction), "readback=same" when a read after the write gives the
 * value from before it ("differs": the write reached the MSR; the guest
 * then writes the old value back):
 *
 *   hostile-msr: rdmsr EFER gp=<g> svme=<0|1>
 *   hostile-msr: wrmsr EFER as read gp=<g> readback=<same|differs>
 *   hostile-msr: rdmsr APIC_BASE gp=<g> value=0x<16>
 *   hostile-msr: wrmsr APIC_BASE as read gp=<g> readback=...
 *   hostile-msr: wrmsr APIC_BASE base moved by 1 MiB gp=<g> readback=...
 *   hostile-msr: wrmsr APIC_BASE EN cleared gp=<g> readback=...
 *   hostile-msr: rdmsr VM_CR gp=<g>
 *   hostile-msr: wrmsr VM_CR SVMDIS and LOCK gp=<g>
 *   hostile-msr: rdmsr VM_HSAVE_PA gp=<g>
 *   hostile-msr: wrmsr VM_HSAVE_PA 0 gp=<g>
 *   hostile-msr: rdmsr SYSCFG gp=<g> value=0x<16>
 *   hostile-msr: wrmsr SYSCFG MtrrFixDramEn flipped gp=<g> readback=...
 *   hostile-msr: rdmsr HWCR gp=<g> value=0x<16>
 *   hostile-msr: wrmsr HWCR SMMLOCK flipped gp=<g> readback=...
 *   hostile-msr: rdmsr TOP_MEM gp=<g> value=0x<16>
 *   hostile-msr: wrmsr TOP_MEM plus 16 MiB gp=<g> readback=...
 *   hostile-msr: rdmsr MTRRdefType gp=<g> value=0x<16>
 *   hostile-msr: wrmsr MTRRdefType FE flipped gp=<g> readback=...
 *   hostile-msr: wrmsr PATCH_LOADER 0 gp=<g>
 *   hostile-msr: wrmsr EFER reserved bit 2 gp=<g> readback=...
 *   hostile-msr: #GP taken <n>
 *   the hello hypercall (not with "hostile.native" on the command line:
 *   the same guest launched natively, for the hardware's own answers,
 *   where VMMCALL is #UD), "hostile: done", exit 33.
 *
 * The EFER reserved-bit write comes last: a relboot that let it through
 * to the VMCB gets VMEXIT_INVALID on its next VMRUN and ends there.
 */
#include "guest.h"

    .text

/* read_case(%edi msr) -> %rax value (0 after #GP): prints " gp=<g>". */
read_case:
    pushq   %rbx
    pushq   %r12
    call    msr_read
    movq    %rax, %rbx
    movq    %rdx, %r12
    PRINT   " gp="
    PRINT_DEC %r12
    movq    %rbx, %rax
    popq    %r12
    popq    %rbx
    ret

/*
 * write_case(%edi msr, %rsi value, %rdx the value before, %ecx 1: check
 * the read-back): writes, prints " gp=<g>" and, asked to, reads the MSR
 * back: " readback=same" or " readback=differs" (then writes the value
 * from before back).
 */
write_case:
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    movl    %edi, %ebx
    movq    %rdx, %r12
    movl    %ecx, %r13d
    call    msr_write
    movq    %rax, %rdi
    call    serial_gp
    testl   %r13d, %r13d
    jz      2f
    movl    %ebx, %edi
    call    msr_read
    cmpq    %r12, %rax
    jne     1f
    PRINT   " readback=same"
    jmp     2f
1:  PRINT   " readback=differs"
    movl    %ebx, %edi
    movq    %r12, %rsi
    call    msr_write
2:  popq    %r13
    popq    %r12
    popq    %rbx
    ret

/* serial_gp(%rdi 0 or 1): prints " gp=<0|1>". */
serial_gp:
    pushq   %rbx
    movq    %rdi, %rbx
    PRINT   " gp="
    PRINT_DEC %rbx
    popq    %rbx
    ret

/* READ_VALUE msr: read_case, then " value=0x<16>"; leaves the value in %r12. */
.macro READ_VALUE msr
    movl    $\msr, %edi
    call    read_case
    movq    %rax, %r12
    PRINT   " value="
    PRINT_HEX %r12, 16
.endm

/* WRITE msr, readback: write_case of %rsi with %r12 as the value before. */
.macro WRITE msr, readback
    movl    $\msr, %edi
    movq    %r12, %rdx
    movl    $\readback, %ecx
    call    write_case
.endm

    .globl  guest_main
guest_main:
    /* EFER: read (SVME must not show), written back as read. */
    PRINT   "hostile-msr: rdmsr EFER"
    movl    $MSR_IA32_EFER, %edi
    call    read_case
    movq    %rax, %r12
    PRINT   " svme="
    movq    %r12, %rax
    shrq    $12, %rax                   /* EFER_SVME is bit 12 */
    andl    $1, %eax
    PRINT_DEC %rax
    PRINT_NL
    movq    %r12, %r15                  /* kept for the last case */
    PRINT   "hostile-msr: wrmsr EFER as read"
    movq    %r12, %rsi
    WRITE   MSR_IA32_EFER, 1
    PRINT_NL

    /* APIC_BASE: the same value, a moved base, the APIC disabled. */
    PRINT   "hostile-msr: rdmsr APIC_BASE"
    READ_VALUE MSR_IA32_APIC_BASE
    PRINT_NL
    PRINT   "hostile-msr: wrmsr APIC_BASE as read"
    movq    %r12, %rsi
    WRITE   MSR_IA32_APIC_BASE, 1
    PRINT_NL
    PRINT   "hostile-msr: wrmsr APIC_BASE base moved by 1 MiB"
    movq    %r12, %rsi
    xorq    $0x100000, %rsi
    WRITE   MSR_IA32_APIC_BASE, 1
    PRINT_NL
    PRINT   "hostile-msr: wrmsr APIC_BASE EN cleared"
    movq    %r12, %rsi
    andq    $~APIC_BASE_EN, %rsi
    WRITE   MSR_IA32_APIC_BASE, 1
    PRINT_NL

    /* The SVM MSRs. */
    PRINT   "hostile-msr: rdmsr VM_CR"
    movl    $MSR_VM_CR, %edi
    call    read_case
    PRINT_NL
    PRINT   "hostile-msr: wrmsr VM_CR SVMDIS and LOCK"
    movl    $VM_CR_SVMDIS | VM_CR_LOCK, %esi
    WRITE   MSR_VM_CR, 0
    PRINT_NL
    PRINT   "hostile-msr: rdmsr VM_HSAVE_PA"
    movl    $MSR_VM_HSAVE_PA, %edi
    call    read_case
    PRINT_NL
    PRINT   "hostile-msr: wrmsr VM_HSAVE_PA 0"
    xorl    %esi, %esi
    WRITE   MSR_VM_HSAVE_PA, 0
    PRINT_NL

    /* The platform MSRs: reads pass, writes must not reach them. */
    PRINT   "hostile-msr: rdmsr SYSCFG"
    READ_VALUE MSR_SYSCFG
    PRINT_NL
    PRINT   "hostile-msr: wrmsr SYSCFG MtrrFixDramEn flipped"
    movq    %r12, %rsi
    xorq    $SYSCFG_MTRR_FIX_DRAM_EN, %rsi
    WRITE   MSR_SYSCFG, 1
    PRINT_NL
    PRINT   "hostile-msr: rdmsr HWCR"
    READ_VALUE MSR_HWCR
    PRINT_NL
    PRINT   "hostile-msr: wrmsr HWCR SMMLOCK flipped"
    movq    %r12, %rsi
    xorq    $HWCR_SMM_LOCK, %rsi
    WRITE   MSR_HWCR, 1
    PRINT_NL
    PRINT   "hostile-msr: rdmsr TOP_MEM"
    READ_VALUE MSR_TOP_MEM
    PRINT_NL
    PRINT   "hostile-msr: wrmsr TOP_MEM plus 16 MiB"
    leaq    0x1000000(%r12), %rsi
    WRITE   MSR_TOP_MEM, 1
    PRINT_NL
    PRINT   "hostile-msr: rdmsr MTRRdefType"
    READ_VALUE MSR_MTRR_DEF_TYPE
    PRINT_NL
    PRINT   "hostile-msr: wrmsr MTRRdefType FE flipped"
    movq    %r12, %rsi
    xorq    $MTRR_DEF_TYPE_FE, %rsi
    WRITE   MSR_MTRR_DEF_TYPE, 1
    PRINT_NL
    PRINT   "hostile-msr: wrmsr PATCH_LOADER 0"
    xorl    %esi, %esi
    WRITE   MSR_PATCH_LOADER, 0
    PRINT_NL

    /* Last: EFER with a reserved bit. */
    PRINT   "hostile-msr: wrmsr EFER reserved bit 2"
    movq    %r15, %r12
    movq    %r15, %rsi
    orq     $EFER_RESERVED_BIT2, %rsi
    WRITE   MSR_IA32_EFER, 1
    PRINT_NL

    PRINT   "hostile-msr: #GP taken "
    PRINT_DEC gp_count(%rip)
    PRINT_NL
    leaq    opt_native(%rip), %rdi
    call    cmdline_has
    testq   %rax, %rax
    jnz     1f
    call    guest_hello
1:
    PRINT   "hostile: done"
    PRINT_NL
    movl    $GUEST_EXIT_PASS, %edi
    jmp     guest_exit

    .section .rodata
opt_native:
    .asciz  "hostile.native"
