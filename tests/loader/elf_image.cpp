#include "elf_image.h"
#include "console.h"
#include "elf64.h"

namespace testloader {
namespace {

/* Program header i (e_phentsize bytes apart from e_phoff); inspect_image() has bounded the table. */
elf::Elf64_Phdr program_header(uintptr_t file, const elf::Elf64_Ehdr& eh, uint32_t i)
{
    return read_unaligned<elf::Elf64_Phdr>(file + uintptr_t(eh.e_phoff) + i * eh.e_phentsize);
}

/* "testloader: error: module at ... is not a loadable relboot image: <what>", then fail(). */
[[noreturn]] void bad_image(uintptr_t file, const char* what)
{
    Line line = error();
    line.str("module at ").hex(file).str(" is not a loadable relboot image: ").str(what);
    fail(line);
}

} // namespace

Image inspect_image(uintptr_t file, uint32_t size)
{
    if (size < sizeof(elf::Elf64_Ehdr))
        bad_image(file, "shorter than an ELF64 header");
    const auto eh = read_unaligned<elf::Elf64_Ehdr>(file);
    for (uint32_t i = 0; i < sizeof(elf::ELFMAG); ++i)
        if (eh.e_ident[i] != elf::ELFMAG[i])
            bad_image(file, "no ELF magic (expected relboot.elf as -initrd)");
    if (eh.e_ident[elf::EI_CLASS] != elf::ELFCLASS64 || eh.e_ident[elf::EI_DATA] != elf::ELFDATA2LSB || eh.e_machine != elf::EM_X86_64)
        bad_image(file, "expected ELF64, little-endian, x86-64");
    if (eh.e_phentsize < sizeof(elf::Elf64_Phdr) || eh.e_phoff > size ||
        uint64_t(eh.e_phnum) * eh.e_phentsize > size - eh.e_phoff)
        bad_image(file, "program headers outside the file");

    uint64_t low = FOUR_GIB, high = 0;
    bool entry_found = false;
    Image img{};
    for (uint32_t i = 0; i < eh.e_phnum; ++i) {
        const elf::Elf64_Phdr ph = program_header(file, eh, i);
        if (ph.p_type != elf::PT_LOAD)
            continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
            bad_image(file, "a PT_LOAD's file bytes lie outside the file or exceed p_memsz");
        if (ph.p_paddr >= FOUR_GIB || ph.p_memsz > FOUR_GIB - ph.p_paddr)
            bad_image(file, "a PT_LOAD does not lie below 4 GiB");
        if (ph.p_paddr < low)
            low = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > high)
            high = ph.p_paddr + ph.p_memsz;
        if (!entry_found && eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz) {
            entry_found = true;
            img.entry_link = uint32_t(eh.e_entry - ph.p_vaddr + ph.p_paddr);
        }
    }
    if (high == 0)
        bad_image(file, "no PT_LOAD segment");
    if (high - low >= FOUR_GIB)
        bad_image(file, "the PT_LOAD segments span 4 GiB");
    if (!entry_found)
        bad_image(file, "e_entry lies in no PT_LOAD segment");
    img.link_low = uint32_t(low);
    img.span = uint32_t(high - low);
    return img;
}

void load_image(uintptr_t file, const Image& img, uint32_t base)
{
    const auto eh = read_unaligned<elf::Elf64_Ehdr>(file);
    for (uint32_t i = 0; i < eh.e_phnum; ++i) {
        const elf::Elf64_Phdr ph = program_header(file, eh, i);
        if (ph.p_type != elf::PT_LOAD)
            continue;
        auto* dst = reinterpret_cast<uint8_t*>(base + uint32_t(ph.p_paddr - img.link_low));
        memcpy(dst, reinterpret_cast<const void*>(file + uintptr_t(ph.p_offset)), size_t(ph.p_filesz));
        memset(dst + ph.p_filesz, 0, size_t(ph.p_memsz - ph.p_filesz));
    }
}


} // namespace testloader
