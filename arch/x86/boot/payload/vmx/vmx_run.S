/*
 * The VMX world switch (Intel SDM Vol. 3C, 26 "VM Entries", 27 "VM
 * Exits", 30 VMLAUNCH/VMRESUME).
 *
 *   uint32_t vmx_vmrun(VmxGuestGprs* gprs)
 *   %rdi = the guest's general-purpose registers but RSP (the VMCS holds
 *   RSP, RIP and RFLAGS), in VmxGuestGprs order (vmx_vcpu.h): rax, rcx,
 *   rdx, rbx, rbp, rsi, rdi, r8 .. r15, then the launch state (0:
 *   VMLAUNCH, else VMRESUME), 8 bytes each.
 *
 * The host-state area holds everything but RSP (vmx_enable_cpu()): RIP is
 * vmx_exit_stub, and RSP is written here before each entry, pointing at
 * the saved gprs pointer above the callee-saved registers.  A VM exit
 * loads the host's CR0, CR3, CR4, segment and descriptor-table registers,
 * EFER and PAT from the VMCS, clears RFLAGS (IF and DF among them) and
 * sets the GDTR and IDTR limits to FFFFH (SDM 27.5.2): the IDTR's is put
 * back with relboot's own descriptor.  Returns 0 after an exit; 1
 * (VMfailInvalid) or 2 (VMfailValid) when the entry failed and the guest
 * never ran.
 */
#include <x86/vmx.h>

/* Offsets in VmxGuestGprs. */
#define G_RAX       0x00
#define G_RCX       0x08
#define G_RDX       0x10
#define G_RBX       0x18
#define G_RBP       0x20
#define G_RSI       0x28
#define G_RDI       0x30
#define G_R8        0x38
#define G_R9        0x40
#define G_R10       0x48
#define G_R11       0x50
#define G_R12       0x58
#define G_R13       0x60
#define G_R14       0x68
#define G_R15       0x70
#define G_LAUNCHED  0x78

    .section .text, "ax"
    .code64
    .globl  vmx_vmrun
vmx_vmrun:
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    pushq   %rdi                    /* gprs, for after the exit */
    movl    $VMCS_HOST_RSP, %eax
    vmwrite %rsp, %rax
    jbe     .Lfailed                /* CF or ZF: no current VMCS, or the write failed */
    cmpq    $0, G_LAUNCHED(%rdi)    /* the flags stay until the entry: MOV does not touch them */
    movq    G_RAX(%rdi), %rax
    movq    G_RCX(%rdi), %rcx
    movq    G_RDX(%rdi), %rdx
    movq    G_RBX(%rdi), %rbx
    movq    G_RBP(%rdi), %rbp
    movq    G_RSI(%rdi), %rsi
    movq    G_R8(%rdi), %r8
    movq    G_R9(%rdi), %r9
    movq    G_R10(%rdi), %r10
    movq    G_R11(%rdi), %r11
    movq    G_R12(%rdi), %r12
    movq    G_R13(%rdi), %r13
    movq    G_R14(%rdi), %r14
    movq    G_R15(%rdi), %r15
    movq    G_RDI(%rdi), %rdi       /* last: it held the pointer */
    jne     .Lresume
    vmlaunch
    jmp     .Lfailed
.Lresume:
    vmresume
    /* Only a failed entry gets here: CF for VMfailInvalid, ZF for VMfailValid. */
.Lfailed:
    movl    $1, %eax
    jc      .Lreturn
    movl    $2, %eax
.Lreturn:
    addq    $8, %rsp                /* gprs */
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret

/* VM exits land here (VMCS host RIP), on the stack vmx_vmrun left (VMCS host RSP). */
    .globl  vmx_exit_stub
vmx_exit_stub:
    pushq   %rdi
    movq    8(%rsp), %rdi           /* gprs */
    movq    %rax, G_RAX(%rdi)
    movq    %rcx, G_RCX(%rdi)
    movq    %rdx, G_RDX(%rdi)
    movq    %rbx, G_RBX(%rdi)
    movq    %rbp, G_RBP(%rdi)
    movq    %rsi, G_RSI(%rdi)
    popq    G_RDI(%rdi)
    movq    %r8, G_R8(%rdi)
    movq    %r9, G_R9(%rdi)
    movq    %r10, G_R10(%rdi)
    movq    %r11, G_R11(%rdi)
    movq    %r12, G_R12(%rdi)
    movq    %r13, G_R13(%rdi)
    movq    %r14, G_R14(%rdi)
    movq    %r15, G_R15(%rdi)
    lidt    idt64_ptr(%rip)         /* the exit left the limit FFFFH */
    xorl    %eax, %eax
    jmp     .Lreturn

/*
 * After a VM exit for an NMI (NMI exiting): the NMI is consumed by the
 * exit and NMIs stay blocked (SDM 27.1 "Architectural State Before a VM
 * Exit").  INT 2 runs relboot's NMI handler, which counts it as any NMI
 * on a vCPU's CPU (idt64.S), and the handler's IRET ends the blocking.
 */
    .globl  vmx_take_nmi
vmx_take_nmi:
    int     $2
    ret
