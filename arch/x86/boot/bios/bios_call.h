/*
 * The real-mode BIOS-call thunk: one software interrupt into the BIOS from
 * the 64-bit stage and back (arch/x86/boot/bios/realmode.S is the code,
 * arch/x86/boot/bios/bios_call.cpp the C++ side).
 *
 * The thunk is a position-independent blob that bios_thunk_install()
 * copies to a free page below 1 MiB (low_memory.h).  Its one delta is
 * that page's physical address P, which the code finds itself: %rip in
 * 64-bit mode, %cs (= P >> 4) in real mode; the 64-bit prologue writes P
 * into the blob's own GDT (the 16-bit descriptors' base) and GDTR, the
 * only words that hold it.  Nothing is patched at copy time.
 *
 * The page, once installed (offsets from P):
 *   0x000 .. BIOS_CALL_REGS       the code, its GDT and the saved 64-bit state
 *   BIOS_CALL_REGS                struct BiosRegs: in before the call, out after
 *   BIOS_CALL_BUFFER (+ SIZE)     scratch for the BIOS (ES:DI / DS:SI of a call)
 *   .. BIOS_CALL_STACK_TOP        the real-mode stack (SS = P >> 4)
 * Everything in it is scratch: the caller copies each result out before
 * the next call, and nothing in the page matters once the calls are done
 * (the APs' trampoline may take the same page afterwards).
 *
 * The switch follows Intel SDM Vol. 3A, 10.8.5.4 (9.8.5.4 in older
 * editions) "Switching Out of IA-32e Mode Operation" and 10.9.2 "Switching
 * Back to Real-Address Mode", and 10.8.5 "Initializing IA-32e Mode" back.
 */
#ifndef RELBOOT_BIOS_CALL_H
#define RELBOOT_BIOS_CALL_H

#include <relboot/spec/macros.h>

/* Offsets in the thunk's page (bytes). */
#define BIOS_CALL_REGS          0x3c0
#define BIOS_CALL_BUFFER        0x400
#define BIOS_CALL_BUFFER_SIZE   0x800
#define BIOS_CALL_STACK_TOP     0x1000  /* 2 KiB of stack (Linux's real-mode setup asks for 1 KiB) */
#define BIOS_CALL_PAGE_SIZE     0x1000

/* struct BiosRegs, field offsets (for realmode.S). */
#define BIOS_REGS_EAX       0
#define BIOS_REGS_EBX       4
#define BIOS_REGS_ECX       8
#define BIOS_REGS_EDX       12
#define BIOS_REGS_ESI       16
#define BIOS_REGS_EDI       20
#define BIOS_REGS_EBP       24
#define BIOS_REGS_EFLAGS    28
#define BIOS_REGS_DS        32
#define BIOS_REGS_ES        34
#define BIOS_REGS_VECTOR    36
#define BIOS_REGS_SIZE      40

/* The thunk's GDT (realmode.S): its own, loaded only while it runs. */
#define RM_SEL_CODE32   0x08    /* flat 32-bit code */
#define RM_SEL_DATA32   0x10    /* flat 32-bit data */
#define RM_SEL_CODE64   0x18    /* 64-bit code */
#define RM_SEL_CODE16   0x20    /* 16-bit code, base P, limit 64 KiB */
#define RM_SEL_DATA16   0x28    /* 16-bit data, base P, limit 64 KiB: real-mode-like limits */

/* EFLAGS.CF: the BIOS's error flag on return. */
#define EFLAGS_CF       BIT32(0)

#ifndef __ASSEMBLER__
#include <cstdint>
#include <relboot/phys.h>

namespace relboot {

/*
 * The registers of one BIOS call: what goes into the interrupt and,
 * afterwards, what came out of it.  Segment registers other than DS and
 * ES are the thunk's own (CS = SS = P >> 4).  eflags is output only.
 */
struct BiosRegs {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
    uint32_t eflags;
    uint16_t ds, es;
    uint8_t vector;         /* the interrupt: 0x10, 0x13, ... */
    uint8_t reserved[3];
};
static_assert(sizeof(BiosRegs) == BIOS_REGS_SIZE);
static_assert(__builtin_offsetof(BiosRegs, eflags) == BIOS_REGS_EFLAGS);
static_assert(__builtin_offsetof(BiosRegs, ds) == BIOS_REGS_DS && __builtin_offsetof(BiosRegs, es) == BIOS_REGS_ES);
static_assert(__builtin_offsetof(BiosRegs, vector) == BIOS_REGS_VECTOR);
static_assert(BIOS_CALL_REGS + BIOS_REGS_SIZE <= BIOS_CALL_BUFFER);

/*
 * A way to call the BIOS, as the probes see it (bios_probe.h): the 64-bit
 * stage's thunk, or a fake BIOS in the host tests.
 *   call    one software interrupt with *regs in and out
 *   memory  real-mode memory: len bytes at linear address linear (below
 *           1 MiB + 64 KiB), or nullptr when that is not readable
 *   buffer  linear address of BIOS_CALL_BUFFER_SIZE bytes of scratch, 16-aligned
 */
struct BiosBus {
    void* ctx;
    void (*call)(void* ctx, BiosRegs* regs);
    uint8_t* (*memory)(void* ctx, uint32_t linear, uint32_t len);
    uint32_t buffer;
};

/* 64-bit stage only (bios_call.cpp). */

/*
 * Copies the thunk to page (4 KiB, below 1 MiB, identity-mapped and
 * writable; low_memory_page()) and returns the bus that calls through it.
 */
BiosBus bios_thunk_install(PhysAddr page);

} // namespace relboot
#endif

#endif
