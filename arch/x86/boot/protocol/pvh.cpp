/*
 * The PVH protocol (Xen's x86/HVM direct boot ABI, start_info.h): the
 * 32-bit stage's early step and the BootState filler.  Everything relboot
 * reads from an hvm_start_info is read here, every pointer through the
 * PhysMemory window and every walk bounded.
 */
#include "protocol/pvh.h"

namespace relboot {

namespace {

constexpr InfoCheck ok{nullptr, nullptr, 0};

const pvh::hvm_start_info* info_at(const PhysMemory& mem, PhysAddr info)
{
    return reinterpret_cast<const pvh::hvm_start_info*>(mem.at(info.value, sizeof(pvh::hvm_start_info)));
}

/* Memory map types: 1..5 are the E820 numbers; disabled (6) and PMEM (7) are not RAM relboot may hand on. */
MemoryType from_pvh_type(uint32_t type)
{
    return type >= XEN_HVM_MEMMAP_TYPE_RAM && type <= XEN_HVM_MEMMAP_TYPE_UNUSABLE ? MemoryType(type)
                                                                                   : MemoryType::reserved;
}

} // namespace

InfoCheck pvh_early(BootState& bs, const PhysMemory& mem, PhysAddr info)
{
    bs.protocol = Protocol::pvh;
    bs.info = info;
    bs.info_size = HVM_START_INFO_SIZE;
    const pvh::hvm_start_info* si = info_at(mem, info);
    if (!si)
        return {"hvm_start_info lies outside the mapped memory (below 4 GiB and mem=)", "ebx", info.value};
    if (si->magic != XEN_HVM_START_MAGIC_VALUE)
        return {"hvm_start_info magic is not 0x336ec578", "magic", si->magic};
    if (!si->cmdline_paddr)
        return ok;
    uint32_t len = 0;
    if (!info_string(mem, si->cmdline_paddr, &len))
        return {"command line not in memory or without a NUL within 64 KiB", "cmdline_paddr", si->cmdline_paddr};
    bs.cmdline = PhysAddr{si->cmdline_paddr};
    bs.cmdline_len = len;
    return ok;
}

InfoCheck boot_info_from_pvh(BootState& bs, BootTables& tables, PhysAddr tables_phys, const PhysMemory& mem,
                             PhysAddr info)
{
    const InfoCheck early = pvh_early(bs, mem, info);
    if (early.error)
        return early;
    pvh::hvm_start_info si;
    __builtin_memcpy(&si, info_at(mem, info), sizeof(si));
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
    uint32_t raw = 0;
    if (si.version >= 1 && si.memmap_entries) {
        const uint64_t bytes = uint64_t(si.memmap_entries) * sizeof(pvh::hvm_memmap_table_entry);
        const uint8_t* map = mem.at(si.memmap_paddr, bytes);
        if (!map)
            return {"memory map (memmap_entries entries of 24 bytes) lies outside the mapped memory (below 4 GiB and mem=)",
                    "memmap_paddr", si.memmap_paddr};
        for (uint32_t e = 0; e < si.memmap_entries; ++e) {
            pvh::hvm_memmap_table_entry entry;
            __builtin_memcpy(&entry, map + e * sizeof(entry), sizeof(entry));
            if (!raw_range_add(bs, tables, &raw, entry.addr, entry.size, from_pvh_type(entry.type)))
                break;
        }
    }

    /* The modules, each with its string when the loader gave one (QEMU gives none). */
    uint32_t modules = 0;
    if (si.nr_modules) {
        const uint64_t bytes = uint64_t(si.nr_modules) * sizeof(pvh::hvm_modlist_entry);
        const uint8_t* list = si.modlist_paddr ? mem.at(si.modlist_paddr, bytes) : nullptr;
        if (!list)
            return {"module list (nr_modules entries of 32 bytes) lies outside the mapped memory (below 4 GiB and mem=)",
                    "modlist_paddr", si.modlist_paddr};
        used.add(PhysAddr{si.modlist_paddr}, bytes, MemoryType::boot_data);
        for (uint32_t m = 0; m < si.nr_modules; ++m) {
            pvh::hvm_modlist_entry mod;
            __builtin_memcpy(&mod, list + m * sizeof(mod), sizeof(mod));
            if (mod.size > PHYS_END_MAX - mod.paddr)
                return {"module runs past the end of the address space", "size", mod.size};
            uint32_t len = 0;
            const char* s = info_string(mem, mod.cmdline_paddr, &len);
            if (mod.cmdline_paddr && !s)
                return {"module string not in memory or without a NUL within 64 KiB", "cmdline_paddr",
                        mod.cmdline_paddr};
            if (modules == MODULES_MAX) {
                bs.warnings |= WARN_MODULES_TRUNCATED;
                continue;
            }
            tables.modules[modules++] = BootModule{PhysAddr{mod.paddr}, PhysAddr{mod.paddr + mod.size},
                                                   PhysAddr{s ? mod.cmdline_paddr : 0}, len, 0};
            used.add(PhysAddr{mod.paddr}, mod.size, MemoryType::module);
            if (s)
                used.add(PhysAddr{mod.cmdline_paddr}, uint64_t(len) + 1, MemoryType::boot_data);
        }
    }

    boot_tables_finish(bs, tables, tables_phys, raw, used.ranges, used.count, modules);
    return ok;
}

} // namespace relboot
