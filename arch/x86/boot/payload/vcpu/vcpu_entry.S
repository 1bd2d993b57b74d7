/*
 * The vCPUs' few assembly helpers (vcpu.h), whatever the vendor.
 *
 *   bool vcpu_rdmsr_safe(uint32_t msr, uint64_t* value)
 *   bool vcpu_wrmsr_safe(uint32_t msr, uint64_t value)
 *     RDMSR/WRMSR on the guest's behalf (an MSR the policy table lets
 *     through: payload/vcpu/msr.h).  The CPU answers a missing MSR or a
 *     reserved bit with #GP (Intel SDM Vol. 2B, RDMSR/WRMSR); relboot's
 *     #GP handler (idt64.S) resumes a fault at vcpu_rdmsr_site or
 *     vcpu_wrmsr_site at vcpu_msr_failed, which returns false, and the
 *     caller gives the guest its #GP.  Both are leaf functions: the return
 *     address is on top of the stack at either site.
 *
 *   void vcpu_call_on_stack(uint64_t stack_top, void (*f)(uint32_t), uint32_t arg)
 *     Switches to the stack whose top is stack_top (16-byte aligned) and
 *     calls f(arg), which does not return: a vCPU's loop on its own stack.
 *
 *   void vcpu_wait_kick(const uint32_t* nmi_count, uint32_t seen)
 *     A vCPU's wait for a kick, interrupts off: HLT unless *nmi_count (its
 *     CPU's NMI count, idt64.S) moved past seen, the count at its last
 *     look.  An NMI taken anywhere from vcpu_wait_kick up to the HLT
 *     (vcpu_wait_hlt) returns past the HLT (idt64.S), so a kick that
 *     comes after the comparison ends the wait too; one that came before
 *     it moved the count.  A leaf function.
 */
    .section .text, "ax"
    .code64

    .globl  vcpu_rdmsr_safe
vcpu_rdmsr_safe:
    movl    %edi, %ecx
    .globl  vcpu_rdmsr_site
vcpu_rdmsr_site:
    rdmsr
    shlq    $32, %rdx
    movl    %eax, %eax
    orq     %rdx, %rax
    movq    %rax, (%rsi)
    movl    $1, %eax
    ret

    .globl  vcpu_wrmsr_safe
vcpu_wrmsr_safe:
    movl    %edi, %ecx
    movl    %esi, %eax
    movq    %rsi, %rdx
    shrq    $32, %rdx
    .globl  vcpu_wrmsr_site
vcpu_wrmsr_site:
    wrmsr
    movl    $1, %eax
    ret

    .globl  vcpu_msr_failed
vcpu_msr_failed:
    xorl    %eax, %eax
    ret

    .globl  vcpu_call_on_stack
vcpu_call_on_stack:
    movq    %rdi, %rsp
    movl    %edx, %edi
    call    *%rsi
    ud2

    .globl  vcpu_wait_kick
vcpu_wait_kick:
    cmpl    %esi, (%rdi)
    jne     1f
    .globl  vcpu_wait_hlt
vcpu_wait_hlt:
    hlt
1:  ret
