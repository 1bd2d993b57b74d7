/*
 * The AP start-up trampoline (arch/x86/boot/smp/trampoline.S): the code
 * an application processor runs from its Start-Up IPI, copied to a 4 KiB
 * page below 1 MiB (low_memory.h).
 *
 * Relocation, one delta: the blob is assembled as if it sat at address 0.
 * The AP finds its page from CS (the SIPI sets CS = vector << 8) and keeps
 * its physical address in %ebp, as the image keeps its load base there
 * (image32.h); data is reached as offset(%ebp).  Three 32-bit words cannot
 * be reached that way: the GDT base in the lgdt operand and the offsets of
 * the two far jumps.  The assembler lists their offsets in the blob
 * (TRAMPOLINE_REL in trampoline.S, the list between trampoline_rel_start
 * and trampoline_rel_end, as Xen's trampoline does), and
 * trampoline_relocate() adds the page's address to each of them.
 *
 * The BSP then fills the TrampolineHeader (offset trampoline_header -
 * trampoline_start in the blob) and sends the SIPIs.  The path of an AP:
 * real mode -> protected mode (the blob's own GDT, whose selectors are
 * relboot's, segment.h) -> CR4.PAE, CR3 = relboot's PML4, EFER.LME (and
 * NXE) -> paging on: long mode -> a ticket (lock xadd) that numbers its
 * stack -> ap_entry64 in the image (relboot's GDT and IDT) -> ap_main().
 */
#ifndef RELBOOT_TRAMPOLINE_H
#define RELBOOT_TRAMPOLINE_H

#include <relboot/spec/macros.h>

/* Bytes the blob may take: one page, the SIPI's granule. */
#define TRAMPOLINE_SIZE     4096

/* TrampolineHeader's fields (byte offsets), for the assembler. */
#define TRAMP_CR3           0       /* u32: relboot's PML4 (physical, below 4 GiB) */
#define TRAMP_EFER          4       /* u32: EFER bits to set (EFER_LME, EFER_NXE) */
#define TRAMP_ENTRY64       8       /* u64: ap_entry64 (higher-half address) */
#define TRAMP_STACKS        16      /* u64: physical address of the AP stacks, AP_STACK_SIZE each */
#define TRAMP_TICKET        24      /* u32: next ticket; = APs that reached long mode */
#define TRAMP_TICKETS_MAX   28      /* u32: tickets with a stack; later APs halt */
#define TRAMP_HEADER_SIZE   32

/* Bytes of one AP's stack (ap_main() and the calls it makes; exceptions use their own stack). */
#define AP_STACK_SIZE       2048

#ifndef __ASSEMBLER__
#include <cstdint>

namespace relboot {

/* What the BSP writes into the copied blob before the SIPIs. */
struct TrampolineHeader {
    uint32_t cr3;
    uint32_t efer;
    uint64_t entry64;
    uint64_t stacks;
    uint32_t ticket;
    uint32_t tickets_max;
};
static_assert(sizeof(TrampolineHeader) == TRAMP_HEADER_SIZE);
static_assert(__builtin_offsetof(TrampolineHeader, efer) == TRAMP_EFER &&
              __builtin_offsetof(TrampolineHeader, entry64) == TRAMP_ENTRY64 &&
              __builtin_offsetof(TrampolineHeader, stacks) == TRAMP_STACKS &&
              __builtin_offsetof(TrampolineHeader, ticket) == TRAMP_TICKET &&
              __builtin_offsetof(TrampolineHeader, tickets_max) == TRAMP_TICKETS_MAX);

/*
 * Adds phys to the 32-bit little-endian word at blob[rel[i]] for each i
 * < rel_count (the blob's copy at phys).  Decides first, then writes:
 * returns false, with no byte changed, when phys is not a 4 KiB-aligned
 * address below 1 MiB (a SIPI cannot start there) or a site does not lie
 * whole inside blob[0, size).
 */
bool trampoline_relocate(uint8_t* blob, uint32_t size, const uint32_t* rel, uint32_t rel_count, uint32_t phys);

} // namespace relboot
#endif

#endif
