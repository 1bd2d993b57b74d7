#include <cstddef>
#include "mb2_spec.h"
#include "mbi_build.h"
#include "multiboot1.h"
#include "testloader.h"

namespace testloader {
namespace {

constexpr char LOADER_NAME[] = "relboot-testloader";
/* The string of module-range's module tag. */
constexpr char MODULE_NAME[] = "relboot.elf";

/* The MBI is assembled here (8-byte aligned); the caller copies it to its place. */
alignas(mb2::TAG_ALIGN) uint8_t mbi_build[MBI_BUILD_MAX];

/* A u32 at p, whatever its alignment (the host is little-endian, as the MBI). */
void write32(uint8_t* p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

/* Appends 8-byte aligned tags (3.6.2) to an MBI being built in a zeroed buffer. */
class MbiWriter {
public:
    explicit MbiWriter(uint8_t* buf) : buf_(buf) {}

    /* Appends a tag header {type, size}; size excludes the padding to 8.  Returns the tag's offset. */
    uint32_t tag(uint32_t type, uint32_t size)
    {
        const uint32_t off = off_;
        write32(buf_ + off + offsetof(mb2::TagHeader, type), type);
        write32(buf_ + off + offsetof(mb2::TagHeader, size), size);
        off_ += (size + mb2::TAG_ALIGN - 1) & ~uint32_t(mb2::TAG_ALIGN - 1);
        return off;
    }

    /* A string tag (1 or 2): the bytes, then a NUL unless nul is false (then the padding is '!'). */
    uint32_t string(uint32_t type, const char* s, uint32_t len, bool nul = true)
    {
        const uint32_t off = tag(type, sizeof(mb2::TagString) + len + (nul ? 1 : 0));
        memcpy(buf_ + off + sizeof(mb2::TagString), s, len);
        if (!nul)
            memset(buf_ + off + sizeof(mb2::TagString) + len, '!', off_ - off - sizeof(mb2::TagString) - len);
        return off;
    }

    /* Sets the size of the last tag, at off, to size (it had its header only); the next tag follows it. */
    void grow(uint32_t off, uint32_t size)
    {
        write32(buf_ + off + offsetof(mb2::TagHeader, size), size);
        off_ = off + ((size + mb2::TAG_ALIGN - 1) & ~uint32_t(mb2::TAG_ALIGN - 1));
    }

    /* The byte at offset off from the MBI's start. */
    uint8_t* at(uint32_t off) { return buf_ + off; }
    /* Bytes written so far, fixed part included. */
    uint32_t size() const { return off_; }

private:
    uint8_t* buf_;
    uint32_t off_ = sizeof(mb2::FixedPart);
};

/* 3.6.8: the memory map; entry_size 24 (16 for mmap-entry-small), 12 bytes too many for mmap-overrun.  Returns its offset. */
uint32_t mmap_tag(MbiWriter& w, const HandedMap& map, Defect defect)
{
    const uint32_t entry_size = defect == Defect::mmap_entry_small ? 16 : sizeof(mb2::MmapEntry);
    const uint32_t mmap_extra = defect == Defect::mmap_overrun ? 12 : 0;
    const uint32_t off = w.tag(mb2::TAG_TYPE_MMAP, sizeof(mb2::TagMmap) + map.count * entry_size + mmap_extra);
    write32(w.at(off + offsetof(mb2::TagMmap, entry_size)), entry_size);
    write32(w.at(off + offsetof(mb2::TagMmap, entry_version)), 0);
    for (uint32_t i = 0; i < map.count; ++i) {
        const RamRange& r = map.entries[i];
        const mb2::MmapEntry e{r.base_addr, r.length, r.type, 0};
        memcpy(w.at(off + sizeof(mb2::TagMmap) + i * entry_size), &e, entry_size);
    }
    return off;
}

/*
 * The EFI memory type for a memory map entry (its index i): RAM as the
 * five types that are RAM after ExitBootServices(), by turns, so that
 * relboot must merge descriptors of different types; ACPI, NVS and bad
 * memory by their EFI names; anything else reserved.
 */
uint32_t efi_type(const RamRange& r, uint32_t i)
{
    static constexpr uint32_t RAM[] = {mb2::EFI_CONVENTIONAL_MEMORY, mb2::EFI_LOADER_CODE, mb2::EFI_LOADER_DATA,
                                       mb2::EFI_BOOT_SERVICES_CODE, mb2::EFI_BOOT_SERVICES_DATA};
    switch (r.type) {
    case MULTIBOOT1_MEMORY_AVAILABLE: return RAM[i % 5];
    case 3: return mb2::EFI_ACPI_RECLAIM_MEMORY;
    case 4: return mb2::EFI_ACPI_MEMORY_NVS;
    case 5: return mb2::EFI_UNUSABLE_MEMORY;
    default: return mb2::EFI_RESERVED_MEMORY_TYPE;
    }
}

/*
 * 3.6.19: the memory map as EFI descriptors (efi-mmap), one per entry
 * with at least a page: RAM rounded inwards to whole pages, the rest
 * outwards (a descriptor starts on a page).  Returns its offset, and
 * the descriptors written in *descriptors.
 */
uint32_t efi_mmap_tag(MbiWriter& w, const HandedMap& map, uint32_t* descriptors)
{
    const uint64_t page = mb2::EFI_PAGE_SIZE;
    uint32_t count = 0;
    const uint32_t off = w.tag(mb2::TAG_TYPE_EFI_MMAP, sizeof(mb2::TagEfiMmap));   /* size written below */
    write32(w.at(off + offsetof(mb2::TagEfiMmap, descr_size)), EFI_DESCRIPTOR_SIZE);
    write32(w.at(off + offsetof(mb2::TagEfiMmap, descr_vers)), mb2::EFI_MEMORY_DESCRIPTOR_VERSION);
    for (uint32_t i = 0; i < map.count; ++i) {
        const RamRange& r = map.entries[i];
        const bool ram = r.type == MULTIBOOT1_MEMORY_AVAILABLE;
        const uint64_t end = r.base_addr + r.length;
        const uint64_t start = ram ? (r.base_addr + page - 1) & ~(page - 1) : r.base_addr & ~(page - 1);
        const uint64_t stop = ram ? end & ~(page - 1) : (end + page - 1) & ~(page - 1);
        if (stop <= start)
            continue;
        const mb2::EfiMemoryDescriptor d{efi_type(r, i), 0, start, 0, (stop - start) / page, 0};
        memcpy(w.at(off + sizeof(mb2::TagEfiMmap) + count * EFI_DESCRIPTOR_SIZE), &d, sizeof d);
        ++count;
    }
    w.grow(off, sizeof(mb2::TagEfiMmap) + count * EFI_DESCRIPTOR_SIZE);
    *descriptors = count;
    return off;
}

} // namespace

MbiBuilt build_mbi(const MbiInput& in)
{
    const Defect defect = in.args->defect;
    memset(mbi_build, 0, sizeof mbi_build);
    MbiWriter w(mbi_build);

    /* 3.6.23: image load base physical address. */
    if (defect != Defect::no_tag21) {
        const uint32_t off = w.tag(mb2::TAG_TYPE_LOAD_BASE_ADDR, sizeof(mb2::TagLoadBaseAddr));
        write32(w.at(off + offsetof(mb2::TagLoadBaseAddr, load_base_addr)),
                defect == Defect::tag21_lie ? in.base + TAG21_LIE_DELTA : in.base);
    }

    /* 3.6.5, 3.6.9: command line and boot loader name. */
    const uint32_t cmdline_off =
        w.string(mb2::TAG_TYPE_CMDLINE, in.args->cmdline, in.args->cmdline_len, defect != Defect::cmdline_no_nul);
    const uint32_t name_off = w.string(mb2::TAG_TYPE_BOOT_LOADER_NAME, LOADER_NAME, sizeof(LOADER_NAME) - 1);

    /* 3.6.6: a module whose start lies after its end (relboot's own range, swapped). */
    uint32_t module_off = 0;
    if (defect == Defect::module_range) {
        const uint32_t off = module_off = w.tag(mb2::TAG_TYPE_MODULE, sizeof(mb2::TagModule) + sizeof(MODULE_NAME));
        write32(w.at(off + offsetof(mb2::TagModule, mod_start)), in.mod_end);
        write32(w.at(off + offsetof(mb2::TagModule, mod_end)), in.mod_start);
        memcpy(w.at(off + sizeof(mb2::TagModule)), MODULE_NAME, sizeof(MODULE_NAME));
    }
    /* 3.6.6: the modules passed on, each with its string and a NUL (from the memset). */
    for (uint32_t m = 0; m < in.module_count; ++m) {
        const PassedModule& mod = in.modules[m];
        const uint32_t off = w.tag(mb2::TAG_TYPE_MODULE, sizeof(mb2::TagModule) + mod.string_len + 1);
        write32(w.at(off + offsetof(mb2::TagModule, mod_start)), mod.mod_start);
        write32(w.at(off + offsetof(mb2::TagModule, mod_end)), mod.mod_end);
        memcpy(w.at(off + sizeof(mb2::TagModule)), mod.string, mod.string_len);
    }

    /* 3.6.19 with efi-mmap, else 3.6.8: the memory map handed over. */
    uint32_t map_entries = in.map->count;
    const uint32_t mmap_off = in.args->efi_mmap ? efi_mmap_tag(w, *in.map, &map_entries) : mmap_tag(w, *in.map, defect);

    /* 3.6.3: basic memory information (KiB). */
    const uint32_t meminfo_off = w.tag(mb2::TAG_TYPE_BASIC_MEMINFO, sizeof(mb2::TagBasicMeminfo));
    write32(w.at(meminfo_off + offsetof(mb2::TagBasicMeminfo, mem_lower)), in.mem_lower);
    write32(w.at(meminfo_off + offsetof(mb2::TagBasicMeminfo, mem_upper)), in.mem_upper);

    /* 3.6.2: end tag. */
    const uint32_t end_off = w.size();
    if (defect != Defect::no_end_tag)
        w.tag(mb2::TAG_TYPE_END, sizeof(mb2::TagHeader));

    /* The defects that change a size after the fact, and the tag each concerns. */
    MbiBuilt built{mbi_build, w.size(), w.size(), true, 0,
                   in.args->efi_mmap ? mb2::TAG_TYPE_EFI_MMAP : mb2::TAG_TYPE_MMAP, map_entries};
    switch (defect) {
    case Defect::tag_size_small: built.defect_offset = name_off; break;
    case Defect::tag_overrun: built.defect_offset = meminfo_off; break;
    case Defect::no_end_tag: built.defect_offset = end_off; break;
    case Defect::cmdline_no_nul: built.defect_offset = cmdline_off; break;
    case Defect::mmap_entry_small:
    case Defect::mmap_overrun: built.defect_offset = mmap_off; break;
    case Defect::module_range: built.defect_offset = module_off; break;
    default: built.has_defect_offset = false; break;
    }
    if (defect == Defect::tag_size_small)
        write32(w.at(name_off + offsetof(mb2::TagHeader, size)), 4);
    if (defect == Defect::tag_overrun)
        write32(w.at(meminfo_off + offsetof(mb2::TagHeader, size)), built.total_size - meminfo_off + 8);
    if (defect == Defect::total_small)
        built.total_size = 8;
    if (defect == Defect::total_huge)
        built.total_size = 0x10000000;
    write32(mbi_build + offsetof(mb2::FixedPart, total_size), built.total_size);
    return built;
}

} // namespace testloader
