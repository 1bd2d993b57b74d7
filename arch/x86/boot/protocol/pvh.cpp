/*
 * The PVH protocol (Xen's x86/HVM direct boot ABI, start_info.h): the
 * 32-bit stage's early step and the BootState filler.  Everything relboot
 * reads from an hvm_start_info is read here, every pointer through the
 * PhysMemory window and every walk bounded.
 */
#include <cstddef>
#include "protocol/pvh.h"
#include "protocol/protocol_steps.h"

namespace relboot {

namespace {

constexpr const char* SUBJECT = "pvh info";
constexpr const char* STRING_EXPECTED =
    "a NUL-terminated string within 64 KiB, in memory relboot can read (below 4 GiB and mem=)";

/* A fault of the start info: at its (or a module entry's) address, field, value, what is expected. */
BootError fault(uint64_t at, const char* field, uint64_t found, Radix radix, const char* expected,
                const char* limit_name = nullptr, uint64_t limit = 0, Radix limit_radix = Radix::dec)
{
    return BootError{SUBJECT, field, found, expected, at, limit_name, limit, radix, limit_radix};
}

const uint8_t* info_at(const PhysMemory& mem, PhysAddr info)
{
    return mem.at(info.value, sizeof(pvh::hvm_start_info));
}

/* Memory map types: 1..5 are the E820 numbers; disabled (6) and PMEM (7) are not RAM relboot may hand on. */
MemoryType from_pvh_type(uint32_t type)
{
    return type >= XEN_HVM_MEMMAP_TYPE_RAM && type <= XEN_HVM_MEMMAP_TYPE_UNUSABLE ? MemoryType(type)
                                                                                   : MemoryType::reserved;
}

} // namespace

BootError pvh_early(BootState& bs, const PhysMemory& mem, PhysAddr info)
{
    const uint8_t* fixed = info_at(mem, info);
    if (!fixed)
        return fault(info.value, "ebx", info.value, Radix::hex,
                     "56 bytes of hvm_start_info in memory relboot can read (below 4 GiB and mem=)");
    /* Two fields of hvm_start_info, not the whole structure (LOAD_FIELD: the 32-bit stage copies no struct). */
    const uint32_t magic = LOAD_FIELD(pvh::hvm_start_info, fixed, magic);
    const uint64_t cmdline = LOAD_FIELD(pvh::hvm_start_info, fixed, cmdline_paddr);
    if (magic != XEN_HVM_START_MAGIC_VALUE)
        return fault(info.value, "magic", magic, Radix::hex, "0x336ec578 (XEN_HVM_START_MAGIC_VALUE)");
    uint32_t len = 0;
    if (cmdline && !info_string(mem, cmdline, &len))
        return fault(info.value, "cmdline_paddr", cmdline, Radix::hex, STRING_EXPECTED);
    bs.protocol = Protocol::pvh;
    bs.info = info;
    bs.info_size = HVM_START_INFO_SIZE;
    if (cmdline) {
        bs.cmdline = PhysAddr{cmdline};
        bs.cmdline_len = len;
    }
    return {};
}

BootError boot_info_from_pvh(BootState& bs, const FillContext& ctx)
{
    const PhysMemory& mem = ctx.mem;
    const PhysAddr info = bs.info;
    const BootError early = pvh_early(bs, mem, info);
    if (!early.ok())
        return early;
    BootTables& tables = *ctx.tables;
    const pvh::hvm_start_info si = load_as<pvh::hvm_start_info>(info_at(mem, info));
    bs.firmware = BootFirmware::bios;
    if (si.rsdp_paddr) {
        bs.acpi_rsdp = PhysAddr{si.rsdp_paddr};
        bs.acpi_source = AcpiSource::pvh;
    }

    /* What relboot keeps in use: its image, the start info, the strings and the module list, the modules. */
    InUse used(bs);
    used.add(info, HVM_START_INFO_SIZE, MemoryType::boot_data);
    if (bs.cmdline.present())
        used.add(bs.cmdline, uint64_t(bs.cmdline_len) + 1, MemoryType::boot_data);

    /* The memory map, from version 1 on. */
    MemoryMapBuilder map(tables.memory_map, MEMORY_MAP_MAX);
    if (si.version >= 1 && si.memmap_entries) {
        const uint64_t bytes = uint64_t(si.memmap_entries) * sizeof(pvh::hvm_memmap_table_entry);
        const uint8_t* entries = mem.at(si.memmap_paddr, bytes);
        if (!entries)
            return fault(info.value, "memmap_paddr", si.memmap_paddr, Radix::hex,
                         "memmap_entries entries of 24 bytes in memory relboot can read (below 4 GiB and mem=)",
                         "memmap_entries", si.memmap_entries);
        for (uint32_t e = 0; e < si.memmap_entries; ++e) {
            const auto entry = load_as<pvh::hvm_memmap_table_entry>(entries + e * sizeof(pvh::hvm_memmap_table_entry));
            map.add_firmware(entry.addr, entry.size, from_pvh_type(entry.type));
        }
    }

    /* The modules, each with its string when the loader gave one (QEMU gives none). */
    uint32_t modules = 0;
    if (si.nr_modules) {
        const uint64_t bytes = uint64_t(si.nr_modules) * sizeof(pvh::hvm_modlist_entry);
        const uint8_t* list = si.modlist_paddr ? mem.at(si.modlist_paddr, bytes) : nullptr;
        if (!list)
            return fault(info.value, "modlist_paddr", si.modlist_paddr, Radix::hex,
                         "nr_modules entries of 32 bytes in memory relboot can read (below 4 GiB and mem=)",
                         "nr_modules", si.nr_modules);
        used.add(PhysAddr{si.modlist_paddr}, bytes, MemoryType::boot_data);
        for (uint32_t m = 0; m < si.nr_modules; ++m) {
            const uint64_t at = si.modlist_paddr + uint64_t(m) * sizeof(pvh::hvm_modlist_entry);
            const auto mod = load_as<pvh::hvm_modlist_entry>(list + m * sizeof(pvh::hvm_modlist_entry));
            if (mod.size > PHYS_END_MAX - mod.paddr)
                return fault(at, "size", mod.size, Radix::hex, "a module that ends within the address space",
                             "paddr", mod.paddr, Radix::hex);
            uint32_t len = 0;
            const char* s = info_string(mem, mod.cmdline_paddr, &len);
            if (mod.cmdline_paddr && !s)
                return fault(at, "cmdline_paddr", mod.cmdline_paddr, Radix::hex, STRING_EXPECTED);
            if (modules == MODULES_MAX)
                continue;           /* checked, not kept: boot_tables_finish() counts it dropped */
            tables.modules[modules++] = BootModule{PhysAddr{mod.paddr}, PhysAddr{mod.paddr + mod.size},
                                                   PhysAddr{s ? mod.cmdline_paddr : 0}, len, 0};
            used.add(PhysAddr{mod.paddr}, mod.size, MemoryType::module);
            if (s)
                used.add(PhysAddr{mod.cmdline_paddr}, uint64_t(len) + 1, MemoryType::boot_data);
        }
    }

    boot_tables_finish(bs, map, ctx.tables_phys, used, si.nr_modules);
    return {};
}

} // namespace relboot
