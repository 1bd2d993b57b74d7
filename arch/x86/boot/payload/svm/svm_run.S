/*
 * The SVM world switch and the two places a vCPU opens GIF in host mode
 * (AMD APM vol. 2, 15.5 "VMRUN Instruction", 15.6 "#VMEXIT", 15.5.2
 * VMLOAD/VMSAVE, 15.17 "Global Interrupt Flag, STGI and CLGI").
 *
 *   void svm_vmrun(uint64_t vmcb_pa, SvmGuestGprs* gprs, uint64_t host_pa)
 *   %rdi = the guest VMCB's physical address, %rsi = the guest's
 *   general-purpose registers other than RAX and RSP (which the VMCB
 *   holds), in SvmGuestGprs order (svm_vcpu.h): rbx, rcx, rdx, rsi, rdi,
 *   rbp, r8 .. r15, 8 bytes each; %rdx = the vCPU's host VMCB, which holds
 *   relboot's FS, GS, TR and LDTR (VMSAVE'd once by svm_vcpu_main()).
 *
 * VMLOAD gives the guest its FS, GS, TR, LDTR, KernelGSBase, the SYSCALL
 * and SYSENTER MSRs, which VMRUN does not load; VMSAVE keeps the guest's
 * after the exit, and VMLOAD of host_pa gives relboot its own back before
 * anything can fault: the guest's TR would name the guest's IST stacks.
 * #VMEXIT restores RSP, RAX (= vmcb_pa), RIP, the segment, control and
 * descriptor-table registers from VM_HSAVE_PA and clears GIF, so that no
 * interrupt and no NMI is taken until the next VMRUN or STGI; the
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
    pushq   %rdx                    /* host_pa */
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
    movq    8(%rsp), %rax           /* host_pa */
    vmload  %rax
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
    addq    $16, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret

/*
 * A vCPU in wait-for-SIPI (or one that has nothing to run) waits here
 * with IF 0, GIF 1 (an NMI gets in; an interrupt, the guest's, does not):
 *
 *   void svm_wait_for_kick(const uint32_t* nmi_count, uint32_t seen)
 *
 * STGI lets an NMI held since the last look in now; vcpu_wait_kick()
 * (vcpu_entry.S) then halts only when no NMI came since the caller's look
 * (*nmi_count still seen), and an NMI between its comparison and its HLT
 * returns past the HLT (idt64.S): the kick that should end the wait is
 * never lost.  CLGI closes GIF again.
 */
    .globl  svm_wait_for_kick
svm_wait_for_kick:
    stgi
    call    vcpu_wait_kick
    clgi
    ret

/*
 * After a #VMEXIT for an NMI (the NMI intercept): the NMI is still
 * pending, held by GIF 0.  STGI lets relboot's handler take it now, in
 * host mode (it counts it and returns); CLGI closes GIF again.
 */
    .globl  svm_take_nmi
svm_take_nmi:
    stgi
    clgi
    ret
