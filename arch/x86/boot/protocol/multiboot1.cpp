/*
 * The multiboot1 protocol (Multiboot Specification 0.6.96, 3.3): the
 * 32-bit stage's early step and the BootState filler.  Everything relboot
 * reads from a multiboot1 boot information structure is read here, every
 * pointer through the PhysMemory window and every walk bounded.
 */
#include <cstddef>
#include "protocol/multiboot1.h"
#include "protocol/protocol_steps.h"

namespace relboot {

namespace {

constexpr const char* SUBJECT = "multiboot1 info";
constexpr const char* STRING_EXPECTED =
    "a NUL-terminated string within 64 KiB, in memory relboot can read (below 4 GiB and mem=)";

/* A fault of the boot information: at the structure's (or an entry's) address, field, value, what is expected. */
BootError fault(uint64_t at, const char* field, uint64_t found, Radix radix, const char* expected,
                const char* limit_name = nullptr, uint64_t limit = 0)
{
    return BootError{SUBJECT, field, found, expected, at, limit_name, limit, radix, Radix::dec};
}

/* The fixed part, where mem can map it. */
const uint8_t* info_at(const PhysMemory& mem, PhysAddr info)
{
    return mem.at(info.value, sizeof(mb1::Info));
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

BootError multiboot1_early(BootState& bs, const PhysMemory& mem, PhysAddr info)
{
    const uint8_t* fixed = info_at(mem, info);
    if (!fixed)
        return fault(info.value, "ebx", info.value, Radix::hex,
                     "116 bytes of boot information in memory relboot can read (below 4 GiB and mem=)");
    /* Two fields of mb1::Info, not the whole structure (LOAD_FIELD: the 32-bit stage copies no struct). */
    const uint32_t flags = LOAD_FIELD(mb1::Info, fixed, flags);
    const uint32_t string = LOAD_FIELD(mb1::Info, fixed, cmdline);
    PhysAddr cmdline{0};
    uint32_t cmdline_len = 0;
    if (flags & MULTIBOOT1_INFO_CMDLINE) {
        uint32_t len = 0;
        const char* s = info_string(mem, string, &len);
        if (!s)
            return fault(info.value, "cmdline", string, Radix::hex, STRING_EXPECTED);
        /* The image's name, then the spaces after it: not relboot's command line. */
        const uint32_t skip = multiboot1_name_length(s, len);
        cmdline = PhysAddr{string + uint64_t(skip)};
        cmdline_len = len - skip;
    }
    bs.protocol = Protocol::multiboot1;
    bs.info = info;
    bs.info_size = MULTIBOOT1_INFO_SIZE;
    if (cmdline.present()) {
        bs.cmdline = cmdline;
        bs.cmdline_len = cmdline_len;
    }
    return {};
}

BootError boot_info_from_multiboot1(BootState& bs, const FillContext& ctx)
{
    const PhysMemory& mem = ctx.mem;
    const PhysAddr info = bs.info;
    const BootError early = multiboot1_early(bs, mem, info);
    if (!early.ok())
        return early;
    BootTables& tables = *ctx.tables;
    const mb1::Info mbi = load_as<mb1::Info>(info_at(mem, info));
    bs.firmware = BootFirmware::bios;

    /* What relboot keeps in use: its image, the boot information, the strings and the module list, the modules. */
    InUse used(bs);
    used.add(info, MULTIBOOT1_INFO_SIZE, MemoryType::boot_data);
    if (mbi.flags & MULTIBOOT1_INFO_CMDLINE)
        used.add(PhysAddr{mbi.cmdline}, bs.cmdline.value - mbi.cmdline + bs.cmdline_len + 1, MemoryType::boot_data);

    if (mbi.flags & MULTIBOOT1_INFO_BOOT_LOADER_NAME) {
        uint32_t len;
        if (!info_string(mem, mbi.boot_loader_name, &len))
            return fault(info.value, "boot_loader_name", mbi.boot_loader_name, Radix::hex, STRING_EXPECTED);
    }

    /* The memory map: size-prefixed entries (the next at entry + size + 4), else mem_lower/mem_upper. */
    MemoryMapBuilder map(tables.memory_map, MEMORY_MAP_MAX);
    if (mbi.flags & MULTIBOOT1_INFO_MEM_MAP) {
        const uint8_t* entries = mem.at(mbi.mmap_addr, mbi.mmap_length);
        if (!entries)
            return fault(info.value, "mmap_addr", mbi.mmap_addr, Radix::hex,
                         "mmap_length bytes of memory map in memory relboot can read (below 4 GiB and mem=)",
                         "mmap_length", mbi.mmap_length);
        for (uint32_t off = 0; off < mbi.mmap_length;) {
            const uint64_t at = uint64_t(mbi.mmap_addr) + off;
            const uint32_t left = mbi.mmap_length - off;
            if (left < sizeof(uint32_t))
                return fault(info.value, "mmap_length", mbi.mmap_length, Radix::dec,
                             "whole entries, each a 4-byte size and size bytes (multiboot 3.3)");
            const uint32_t size = LOAD_FIELD(mb1::MmapEntry, entries + off, size);
            if (size < sizeof(mb1::MmapEntry) - sizeof(uint32_t))
                return fault(at, "size", size, Radix::dec, "at least 20: base_addr, length and type (multiboot 3.3)");
            if (size > left - sizeof(uint32_t))
                return fault(at, "size", size, Radix::dec, "an entry that ends within mmap_length (multiboot 3.3)",
                             "mmap_length", mbi.mmap_length);
            const mb1::MmapEntry entry = load_as<mb1::MmapEntry>(entries + off);
            map.add_firmware(entry.base_addr, entry.length, MemoryType(entry.type));
            off += size + sizeof(uint32_t);
        }
    } else if (mbi.flags & MULTIBOOT1_INFO_MEMORY) {
        map.add_firmware(0, uint64_t(mbi.mem_lower) * 1024, MemoryType::usable);
        map.add_firmware(0x100000, uint64_t(mbi.mem_upper) * 1024, MemoryType::usable);
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
            return fault(info.value, "mods_addr", mbi.mods_addr, Radix::hex,
                         "mods_count entries of 16 bytes in memory relboot can read (below 4 GiB and mem=)",
                         "mods_count", mbi.mods_count);
        used.add(PhysAddr{mbi.mods_addr}, bytes, MemoryType::boot_data);
        for (uint32_t m = 0; m < mbi.mods_count; ++m) {
            const uint64_t at = uint64_t(mbi.mods_addr) + uint64_t(m) * sizeof(mb1::Module);
            const mb1::Module mod = load_as<mb1::Module>(list + m * sizeof(mb1::Module));
            if (mod.mod_start > mod.mod_end)
                return BootError{SUBJECT, "mod_start", mod.mod_start, "at most mod_end (multiboot 3.3)", at, "mod_end",
                                 mod.mod_end, Radix::hex, Radix::hex};
            uint32_t len = 0;
            const char* s = info_string(mem, mod.string, &len);
            if (mod.string && !s)
                return fault(at, "string", mod.string, Radix::hex, STRING_EXPECTED);
            if (modules == MODULES_MAX)
                continue;           /* checked, not kept: boot_tables_finish() counts it dropped */
            const uint32_t skip = s ? multiboot1_name_length(s, len) : 0;
            tables.modules[modules++] = BootModule{PhysAddr{mod.mod_start}, PhysAddr{mod.mod_end},
                                                   PhysAddr{s ? uint64_t(mod.string) + skip : 0}, len - skip, 0};
            used.add(PhysAddr{mod.mod_start}, uint64_t(mod.mod_end) - mod.mod_start, MemoryType::module);
            if (s)
                used.add(PhysAddr{mod.string}, uint64_t(len) + 1, MemoryType::boot_data);
        }
    }

    boot_tables_finish(bs, map, ctx.tables_phys, used, (mbi.flags & MULTIBOOT1_INFO_MODS) ? mbi.mods_count : 0);
    return {};
}

} // namespace relboot
