/*
 * One world switch into the SVM guest and back (AMD APM vol. 2, 15.5
 * "VMRUN Instruction", 15.6 "#VMEXIT", 15.5.2 VMLOAD/VMSAVE):
 *
 *   void svm_vmrun(uint64_t vmcb_pa, SvmGuestGprs* gprs)
 *   %rdi = the guest VMCB's physical address, %rsi = the guest's
 *   general-purpose registers other than RAX and RSP (which the VMCB
 *   holds), in SvmGuestGprs order (svm_launch.cpp): rbx, rcx, rdx, rsi,
 *   rdi, rbp, r8 .. r15, 8 bytes each.
 *
 * VMLOAD gives the guest its FS, GS, TR, LDTR, KernelGSBase, the SYSCALL
 * and SYSENTER MSRs, which VMRUN does not load; VMSAVE keeps the guest's
 * after the exit.  The caller restores relboot's own with VMLOAD of its
 * host save VMCB.  #VMEXIT restores RSP, RAX (= vmcb_pa), RIP, the
 * segment, control and descriptor-table registers from VM_HSAVE_PA; the
 * callee-saved registers are saved here.
 */
    .section .text, "ax"
    .code64
    .globl  svm_vmrun
svm_vmrun:
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    pushq   %rsi                    /* gprs, for after the exit */
    movq    %rdi, %rax
    movq    0x00(%rsi), %rbx
    movq    0x08(%rsi), %rcx
    movq    0x10(%rsi), %rdx
    movq    0x20(%rsi), %rdi
    movq    0x28(%rsi), %rbp
    movq    0x30(%rsi), %r8
    movq    0x38(%rsi), %r9
    movq    0x40(%rsi), %r10
    movq    0x48(%rsi), %r11
    movq    0x50(%rsi), %r12
    movq    0x58(%rsi), %r13
    movq    0x60(%rsi), %r14
    movq    0x68(%rsi), %r15
    movq    0x18(%rsi), %rsi        /* last: it held the pointer */
    vmload  %rax
    vmrun   %rax
    vmsave  %rax
    /* The guest's registers back into gprs; RSP is relboot's again. */
    pushq   %rsi
    movq    8(%rsp), %rsi
    movq    %rbx, 0x00(%rsi)
    movq    %rcx, 0x08(%rsi)
    movq    %rdx, 0x10(%rsi)
    popq    0x18(%rsi)
    movq    %rdi, 0x20(%rsi)
    movq    %rbp, 0x28(%rsi)
    movq    %r8, 0x30(%rsi)
    movq    %r9, 0x38(%rsi)
    movq    %r10, 0x40(%rsi)
    movq    %r11, 0x48(%rsi)
    movq    %r12, 0x50(%rsi)
    movq    %r13, 0x58(%rsi)
    movq    %r14, 0x60(%rsi)
    movq    %r15, 0x68(%rsi)
    addq    $8, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret
