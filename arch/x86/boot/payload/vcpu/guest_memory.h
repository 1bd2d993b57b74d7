/*
 * The guest's memory as the emulator reads it: guest-linear to
 * guest-physical through the guest's own paging, and guest-physical bytes
 * through a reader that refuses every address the nested page table (NPT,
 * or EPT) does not map, so that no guest can make relboot read relboot's
 * own memory on its behalf.  Intel SDM Vol. 3A, 4.3 (32-bit paging), 4.4
 * (PAE), 4.5 (4-level); AMD APM vol. 2, 5.
 *
 * Pure: host-tested on synthetic page tables.  Walks are bounded (at most
 * four levels, no recursion).
 */
#ifndef RELBOOT_VCPU_GUEST_MEMORY_H
#define RELBOOT_VCPU_GUEST_MEMORY_H

#include <cstdint>

namespace relboot {

/*
 * Guest-physical memory for the emulator: read(ctx, gpa, out, len) copies
 * len bytes (1..4096) at gpa into out and returns true, or returns false
 * (nothing copied) when any byte of [gpa, gpa + len) is not mapped to the
 * guest.
 */
struct GuestPhysReader {
    bool (*read)(const void* ctx, uint64_t gpa, void* out, uint32_t len);
    const void* ctx;
};

/* The guest's paging registers, as the VMCB (or VMCS) holds them (bits: x86/cr.h). */
struct GuestPaging {
    uint64_t cr0;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t efer;
};

/*
 * gpa for the guest-linear address linear, as a supervisor read would
 * translate it (access rights and A/D bits are neither checked nor set):
 * paging off (CR0.PG clear): linear itself; 32-bit paging (4 MiB pages
 * with CR4.PSE, PSE-36 address bits), PAE (the PDPTEs read from memory
 * at CR3, not from the CPU's PDPTE registers) or 4-level paging (CR4.PAE,
 * EFER.LMA), 2 MiB / 1 GiB pages included.  Outside long mode linear is
 * taken modulo 4 GiB (32-bit linear addresses).  False when an entry is
 * not present, has a reserved bit set that the walk honours (PS in a
 * PML4E; XD without EFER.NXE; a PAE PDPTE's bits 2:1, 8:5 or 63; a large
 * page's bits between the PAT bit and its frame; a 4 MiB PDE's bit 21),
 * when a table lies where the reader refuses, for a non-canonical
 * address in long mode, or with CR4.LA57 (5-level paging is not walked).
 */
bool guest_linear_to_phys(const GuestPhysReader& mem, const GuestPaging& paging, uint64_t linear, uint64_t* gpa);

/*
 * Reads up to len bytes (len <= 64; more is read as 64) at the
 * guest-linear address linear into out, one reader call for each 4 KiB
 * page it touches; returns how many bytes it could read from the start
 * (0 when the first byte cannot be translated or read): a page that does
 * not translate, or that the reader refuses, ends the read.
 */
uint32_t guest_read_linear(const GuestPhysReader& mem, const GuestPaging& paging, uint64_t linear, uint8_t* out,
                           uint32_t len);

} // namespace relboot

#endif
