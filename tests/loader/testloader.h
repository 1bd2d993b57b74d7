/*
 * The test loader's own constants (assembly and C++) and the interface
 * between head.S and loader.cpp.
 */
#ifndef TESTLOADER_H
#define TESTLOADER_H

/* The loader's GDT (head.S): flat 32-bit code, flat data, 64-bit code (for the EFI amd64 entry), RPL 0. */
#define LOADER_SEL_CODE    0x08
#define LOADER_SEL_DATA    0x10
#define LOADER_SEL_CODE64  0x18

/* What the switch to 64-bit mode sets (Intel SDM Vol. 3A, 2.5 and 10.8.5; 2.2.1 for IA32_EFER). */
#define LOADER_CR0_PG      0x80000000      /* CR0 bit 31: paging */
#define LOADER_CR4_PAE     0x00000020      /* CR4 bit 5: physical address extension */
#define LOADER_MSR_EFER    0xc0000080      /* IA32_EFER */
#define LOADER_EFER_LME    0x00000100      /* IA32_EFER bit 8: IA-32e mode enable */

/* Bytes of the loader's stack (in .bss). */
#define LOADER_STACK_SIZE  8192    /* 8 KiB */

/* The loader's own failures: this byte to the debug-exit port (QEMU exits with status 37). */
#define LOADER_DEBUG_EXIT_PORT  0xf4
#define LOADER_DEBUG_EXIT_FAIL  0x12

#ifndef __ASSEMBLER__
#include <cstddef>
#include <cstdint>

/* loader.cpp: byte-wise copy and fill (GCC also emits calls to them for struct copies). */
extern "C" void* memcpy(void* dst, const void* src, size_t n);
extern "C" void* memset(void* dst, int c, size_t n);

namespace testloader {

inline constexpr uint64_t FOUR_GIB = uint64_t(1) << 32;

/* A T read from any physical address below 4 GiB, whatever its alignment. */
template <typename T> T read_unaligned(uintptr_t addr)
{
    T v;
    memcpy(&v, reinterpret_cast<const void*>(addr), sizeof v);
    return v;
}

} // namespace testloader

/* head.S: the multiboot2 hand-over (jump to entry with EAX and EBX set); never returns. */
extern "C" [[noreturn]] void loader_enter(uint32_t entry, uint32_t eax, uint32_t ebx);

/*
 * head.S: the hand-over to the multiboot2 EFI amd64 entry (3.4) without a
 * firmware: 64-bit mode on the page tables at cr3 (an identity map, as
 * the firmware's), RAX = eax and RBX = ebx zero-extended, interrupts off,
 * RSP on the loader's stack; never returns.
 */
extern "C" [[noreturn]] void loader_enter64(uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t cr3);

/* head.S calls this with the multiboot1 EAX and EBX; never returns. */
extern "C" [[noreturn]] void loader_main(uint32_t magic, uint32_t info);

/* loader.ld: the loader's own extent [__loader_start, __loader_end), .bss included. */
extern "C" char __loader_start[], __loader_end[];
#endif

#endif
