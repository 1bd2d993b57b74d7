/*
 * The hostile guests' constants (tests/svm/guests/): tiny 64-bit
 * "kernels" that relboot's guest=svm and guest=vmx run as Linux, written
 * to attack it.
 * The hardware's registers come from relboot's own headers (x86/apic.h,
 * x86/cr.h, x86/cpuid.h, x86/svm.h: the SDM's and APM's names); what those
 * do not define, the guests define here, each with its source.  The
 * boot_params offsets are read from the Linux boot protocol, not from
 * relboot (include/relboot/spec/linux.h holds them as a C++ struct only):
 * a guest that shared relboot's reading could share its mistake.
 */
#ifndef HOSTILE_GUEST_H
#define HOSTILE_GUEST_H

#include <x86/apic.h>
#include <x86/cpuid.h>
#include <x86/cr.h>
#include <x86/svm.h>

/* COM1, the 8250/16550 UART relboot programmed: THR at +0, LSR at +5, LSR bit 5 THR empty. */
#define COM1_PORT               0x3f8
#define UART_LSR                5
#define UART_LSR_THRE           0x20

/*
 * QEMU's isa-debug-exit at port 0xf4 (the tests' -device isa-debug-exit,
 * iobase=0xf4): a write of v ends QEMU with status (v << 1) | 1.  A guest
 * ends with GUEST_EXIT_PASS (33) after its report lines; it ends with
 * GUEST_EXIT_FAIL (39) when it catches something it cannot go on from
 * (an unexpected exception): 39, so that it is never taken for relboot's
 * own failure (0x11, 35).
 */
#define DEBUG_EXIT_PORT         0xf4
#define GUEST_EXIT_PASS         0x10
#define GUEST_EXIT_FAIL         0x13

/*
 * relboot's hello hypercall: VMMCALL (SVM) or VMCALL (VMX) with RAX =
 * "relb" (docs/report.md); relboot prints a line.  The guest picks the
 * instruction by CPUID leaf 0's vendor: EBX "Genu" (GenuineIntel) is
 * VMX's VMCALL, anything else SVM's VMMCALL (each is #UD on the other
 * vendor's CPU).
 */
#define HELLO_RAX               0x72656c62
#define CPUID_VENDOR_EBX_INTEL  0x756e6547  /* "Genu" */

/*
 * boot_params ("zero page"), Documentation/arch/x86/zero-page.rst and
 * boot.rst: byte offsets from the structure's start (RSI at the 64-bit entry).
 */
#define BP_EXT_CMD_LINE_PTR     0x0c8   /* u32: cmd_line_ptr's high half */
#define BP_E820_ENTRIES         0x1e8   /* u8: entries in e820_table */
#define BP_CMD_LINE_PTR         0x228   /* u32: the command line's physical address, low half */
#define BP_E820_TABLE           0x2d0   /* struct boot_e820_entry[128]: u64 addr, u64 size, u32 type; packed */
#define E820_ENTRY_SIZE         20
#define E820_TYPE_RESERVED      2

/*
 * MSRs relboot's headers do not name (AMD APM vol. 2, 3.2 and 7.7, "MTRRs";
 * BKDG for family 10h/15h, MSRC001_0010 SYSCFG, C001_0015 HWCR, C001_001A
 * TOP_MEM, C001_0020 PATCH_LOADER; Intel SDM vol. 3A, 12.11.2.1 MTRRdefType).
 */
#define MSR_MTRR_DEF_TYPE       0x000002ff
#define MTRR_DEF_TYPE_FE        0x400       /* bit 10: fixed-range MTRRs enabled */
#define MSR_SYSCFG              0xc0010010
#define SYSCFG_MTRR_FIX_DRAM_EN 0x40000     /* bit 18 */
#define MSR_HWCR                0xc0010015
#define HWCR_SMM_LOCK           0x1         /* bit 0: SMM code lock */
#define MSR_TOP_MEM             0xc001001a
#define MSR_PATCH_LOADER        0xc0010020  /* write-only: loads a microcode patch */
#define EFER_RESERVED_BIT2      0x4         /* EFER bit 2: reserved (APM vol. 2, 3.1.7), must be zero */
#define VM_CR_LOCK              0x8         /* VM_CR bit 3: SVM_LOCK */

/* CPUID.01H:ECX.VMX (SDM Vol. 2A, CPUID; relboot's cpuid.h has it too, the guests restate what they test). */
#define GUEST_CPUID_1_ECX_VMX_BIT 5

/*
 * The real-mode code an INIT/SIPI starts (ap.S), copied by the guest to
 * AP_PAGE: the SIPI's vector is the page number, so the CPU starts at
 * CS = AP_VECTOR << 8, IP = 0 (SDM vol. 3A, 9.4.4.1).  0x8000 is free
 * RAM under SeaBIOS (relboot's own trampoline takes the highest page
 * below the EBDA, 0x9e000).
 */
#define AP_PAGE                 0x8000
#define AP_VECTOR               (AP_PAGE >> 12)
/* ap.S's GDT: flat 32-bit code and data. */
#define AP_CS32                 0x08
#define AP_DS32                 0x10

/*
 * TSC ticks the guests wait (the TSC runs at the host's rate under TCG,
 * about 1-3 GHz).  "hostile.slow-tsc" divides them by 2^DELAY_SLOW_TSC_SHIFT
 * (Bochs: a 100 MHz TSC, and each tick costs more host time).
 */
#define DELAY_INIT_SIPI         0x01000000  /* between INIT and SIPI: some ms */
#define DELAY_AP_ANSWER         0x80000000  /* for a started CPU to answer: about a second */
#define DELAY_SLOW_TSC_SHIFT    5

#ifdef __ASSEMBLER__
/* PRINT "text": the text on COM1 (a string in .rodata).  Clobbers what a call may. */
.macro PRINT text
    leaq    .Lprint\@(%rip), %rdi
    .pushsection .rodata
.Lprint\@:
    .asciz  "\text"
    .popsection
    call    serial_puts
.endm

/* PRINT_HEX reg, digits: "0x" and the register's low digits. */
.macro PRINT_HEX reg, digits
    movq    \reg, %rdi
    movl    $\digits, %esi
    call    serial_hex
.endm

/* PRINT_DEC reg: the register in decimal. */
.macro PRINT_DEC reg
    movq    \reg, %rdi
    call    serial_dec
.endm

/* PRINT_NL: ends the line (CR LF). */
.macro PRINT_NL
    call    serial_nl
.endm
#endif

#endif
