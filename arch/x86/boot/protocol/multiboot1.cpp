/*
 * The multiboot1 protocol (Multiboot Specification 0.6.96, 3.3): the
 * 32-bit stage's early step and the BootState filler.  Everything relboot
 * reads from a multiboot1 boot information structure is read here, every
 * pointer through the PhysMemory window and every walk bounded.
 */
#include "protocol/multiboot1.h"

namespace relboot {

namespace {

constexpr InfoCheck ok{nullptr, nullptr, 0};

/* The fixed part, where mem can map it. */
const mb1::Info* info_at(const PhysMemory& mem, PhysAddr info)
{
    return reinterpret_cast<const mb1::Info*>(mem.at(info.value, sizeof(mb1::Info)));
}

} // namespace

uint32_t multiboot1_name_length(const char* s, uint32_t len)
{
    uint32_t skip = 0;
    while (skip < len && s[skip] != ' ')
        ++skip;
    while (skip < len && s[skip] == ' ')
        ++skip;
    return skip;
}

InfoCheck multiboot1_early(BootState& bs, const PhysMemory& mem, PhysAddr info)
{
    bs.protocol = Protocol::multiboot1;
    bs.info = info;
    bs.info_size = MULTIBOOT1_INFO_SIZE;
    const mb1::Info* mbi = info_at(mem, info);
    if (!mbi)
        return {"the boot information lies outside the mapped memory (below 4 GiB and mem=)", "ebx", info.value};
    if (!(mbi->flags & MULTIBOOT1_INFO_CMDLINE))
        return ok;

    uint32_t len = 0;
    const char* s = info_string(mem, mbi->cmdline, &len);
    if (!s)
        return {"command line not in memory or without a NUL within 64 KiB", "cmdline", mbi->cmdline};
    /* The image's name, then the spaces after it: not relboot's command line. */
    const uint32_t skip = multiboot1_name_length(s, len);
    bs.cmdline = PhysAddr{mbi->cmdline + uint64_t(skip)};
    bs.cmdline_len = len - skip;
    return ok;
}

InfoCheck boot_info_from_multiboot1(BootState& bs, BootTables& tables, PhysAddr tables_phys, const PhysMemory& mem,
                                    PhysAddr info)
{
    const InfoCheck early = multiboot1_early(bs, mem, info);
    if (early.error)
        return early;
    mb1::Info mbi;
    __builtin_memcpy(&mbi, info_at(mem, info), sizeof(mbi));
    bs.firmware = BootFirmware::bios;

    /* What relboot keeps in use: its image, the boot information, the strings and the module list, the modules. */
    InUse used(bs);
    used.add(info, MULTIBOOT1_INFO_SIZE, MemoryType::boot_data);
    if (mbi.flags & MULTIBOOT1_INFO_CMDLINE)
        used.add(PhysAddr{mbi.cmdline}, bs.cmdline.value - mbi.cmdline + bs.cmdline_len + 1, MemoryType::boot_data);

    if (mbi.flags & MULTIBOOT1_INFO_BOOT_LOADER_NAME) {
        uint32_t len;
        if (!info_string(mem, mbi.boot_loader_name, &len))
            return {"boot loader name not in memory or without a NUL within 64 KiB", "boot_loader_name",
                    mbi.boot_loader_name};
    }

    /* The memory map: size-prefixed entries (the next at entry + size + 4), else mem_lower/mem_upper. */
    uint32_t raw = 0;
    if (mbi.flags & MULTIBOOT1_INFO_MEM_MAP) {
        const uint8_t* map = mem.at(mbi.mmap_addr, mbi.mmap_length);
        if (!map)
            return {"memory map lies outside the mapped memory (below 4 GiB and mem=)", "mmap_addr", mbi.mmap_addr};
        for (uint32_t off = 0; off < mbi.mmap_length;) {
            const uint32_t left = mbi.mmap_length - off;
            if (left < sizeof(uint32_t))
                return {"memory map entry runs past mmap_length", "mmap_length", mbi.mmap_length};
            const uint32_t size = info_read32(map + off);
            if (size < sizeof(mb1::MmapEntry) - sizeof(uint32_t))
                return {"memory map entry size below 20", "size", size};
            if (size > left - sizeof(uint32_t))
                return {"memory map entry runs past mmap_length", "size", size};
            /* Past MEMORY_MAP_MAX the rest is still checked, not kept. */
            raw_range_add(bs, tables, &raw, info_read64(map + off + 4), info_read64(map + off + 12),
                          MemoryType(info_read32(map + off + 20)));
            off += size + sizeof(uint32_t);
        }
    } else if (mbi.flags & MULTIBOOT1_INFO_MEMORY) {
        tables.raw[raw++] = MemoryRange{PhysAddr{0}, uint64_t(mbi.mem_lower) * 1024, MemoryType::usable, 0};
        tables.raw[raw++] = MemoryRange{PhysAddr{0x100000}, uint64_t(mbi.mem_upper) * 1024, MemoryType::usable, 0};
    }

    /*
     * The modules, each with its arguments: every multiboot1 loader puts
     * the module's file name first (QEMU's -initrd "file args", GRUB
     * legacy's and iPXE's module lines), as in relboot's own command
     * line; BootModule.string starts after it, so that no later step needs
     * to know the protocol (the whole string stays in use).
     */
    uint32_t modules = 0;
    if ((mbi.flags & MULTIBOOT1_INFO_MODS) && mbi.mods_count) {
        const uint64_t bytes = uint64_t(mbi.mods_count) * sizeof(mb1::Module);
        const uint8_t* list = bytes <= 0xffffffff ? mem.at(mbi.mods_addr, bytes) : nullptr;
        if (!list)
            return {"module list (mods_count entries of 16 bytes) lies outside the mapped memory (below 4 GiB and mem=)", "mods_addr",
                    mbi.mods_addr};
        used.add(PhysAddr{mbi.mods_addr}, bytes, MemoryType::boot_data);
        for (uint32_t m = 0; m < mbi.mods_count; ++m) {
            mb1::Module mod;
            __builtin_memcpy(&mod, list + m * sizeof(mod), sizeof(mod));
            if (mod.mod_start > mod.mod_end)
                return {"module has mod_start above mod_end", "mod_start", mod.mod_start};
            uint32_t len = 0;
            const char* s = info_string(mem, mod.string, &len);
            if (mod.string && !s)
                return {"module string not in memory or without a NUL within 64 KiB", "string", mod.string};
            if (modules == MODULES_MAX) {
                bs.warnings |= WARN_MODULES_TRUNCATED;
                continue;
            }
            const uint32_t skip = s ? multiboot1_name_length(s, len) : 0;
            tables.modules[modules++] = BootModule{PhysAddr{mod.mod_start}, PhysAddr{mod.mod_end},
                                                   PhysAddr{s ? uint64_t(mod.string) + skip : 0}, len - skip, 0};
            used.add(PhysAddr{mod.mod_start}, uint64_t(mod.mod_end) - mod.mod_start, MemoryType::module);
            if (s)
                used.add(PhysAddr{mod.string}, uint64_t(len) + 1, MemoryType::boot_data);
        }
    }

    boot_tables_finish(bs, tables, tables_phys, raw, used.ranges, used.count, modules);
    return ok;
}

} // namespace relboot
