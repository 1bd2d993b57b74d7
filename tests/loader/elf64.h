/*
 * The part of ELF64 the test loader reads: the file header and program
 * headers of relboot's image (System V ABI, "ELF-64 Object File Format"
 * 1.5, sections 3 and 8).  Little-endian x86-64 only.
 */
#ifndef TESTLOADER_ELF64_H
#define TESTLOADER_ELF64_H

#include <cstdint>

namespace testloader::elf {

inline constexpr uint8_t ELFMAG[4] = {0x7f, 'E', 'L', 'F'};   /* e_ident[0..3] */
inline constexpr uint32_t EI_CLASS = 4;      /* e_ident index */
inline constexpr uint32_t EI_DATA = 5;       /* e_ident index */
inline constexpr uint8_t ELFCLASS64 = 2;     /* e_ident[EI_CLASS] */
inline constexpr uint8_t ELFDATA2LSB = 1;    /* e_ident[EI_DATA] */
inline constexpr uint16_t EM_X86_64 = 62;    /* e_machine */
inline constexpr uint32_t PT_LOAD = 1;       /* p_type of a segment to load */

/* File header, at offset 0 (64 bytes). */
struct Elf64_Ehdr {
    uint8_t e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;       /* virtual address */
    uint64_t e_phoff;       /* file offset of the program header table */
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;   /* bytes per program header (at least 56) */
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};
static_assert(sizeof(Elf64_Ehdr) == 64);

/* Program header (56 bytes); p_paddr is where GRUB loads a PT_LOAD before the load delta. */
struct Elf64_Phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};
static_assert(sizeof(Elf64_Phdr) == 56);

} // namespace testloader::elf

#endif
