/*
 * libFuzzer target for the MADT walk (madt.cpp): arbitrary bytes as the
 * physical memory [0x1000, 0x1000 + size) with the RSDP at its start, so
 * the RSDP, RSDT/XSDT and MADT the walk follows are all made of fuzz.
 * It must never read outside the window (ASan: each read gets an
 * exact-size copy), never write past out[], and keep its counts honest,
 * in both APIC modes: no listed CPU with an APIC ID the mode cannot
 * address, each APIC ID once, the set-aside lists bounded and true.
 */
#include "platform/madt.h"

#include <cstring>
#include <memory>
#include <vector>

using namespace relboot;

namespace {

constexpr uint64_t BASE = 0x1000;

struct Window {
    const uint8_t* data;
    size_t size;
    mutable std::vector<std::unique_ptr<uint8_t[]>> copies;
};

const uint8_t* map(const void* ctx, uint64_t phys, uint64_t len)
{
    const auto* w = static_cast<const Window*>(ctx);
    if (phys < BASE || phys - BASE > w->size || len > w->size - (phys - BASE) || len == 0 || len > 0x200000)
        return nullptr;
    w->copies.emplace_back(new uint8_t[len]);
    std::memcpy(w->copies.back().get(), w->data + (phys - BASE), len);
    return w->copies.back().get();
}

} // namespace

namespace {

/* One walk in mode, and every property the result must have. */
void check(const uint8_t* data, size_t size, x86::ApicMode mode)
{
    Window w{data, size, {}};
    constexpr uint32_t MAX = 4;
    MadtCpu out[MAX + 1];
    std::memset(out, 0xa5, sizeof(out));
    const MadtScan s = acpi_madt_cpus(PhysMemory{map, &w}, PhysAddr{BASE}, mode, out, MAX);
    uint32_t enabled = 0, duplicated = 0;
    for (uint32_t i = 0; i < s.cpu_count; ++i) {
        if (!(out[i].flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
            __builtin_trap();   /* a disabled, not online-capable CPU is never listed */
        if (!x86::apic_id_addressable(out[i].apic_id, mode))
            __builtin_trap();   /* nor one that no IPI could reach alone */
        for (uint32_t j = 0; j < i; ++j)
            if (out[j].apic_id == out[i].apic_id)
                __builtin_trap();   /* each APIC ID once */
        enabled += (out[i].flags & MADT_CPU_ENABLED) != 0;
        duplicated += out[i].duplicated;
    }
    /* The set-aside lists: the IDs kept are of their kind, a duplicate is a listed CPU marked so, each once. */
    const uint32_t unaddressable_kept = s.unaddressable.count < MADT_IDS_LISTED ? s.unaddressable.count : MADT_IDS_LISTED;
    for (uint32_t i = 0; i < unaddressable_kept; ++i)
        if (x86::apic_id_addressable(s.unaddressable.ids[i], mode))
            __builtin_trap();
    if (s.duplicates.count != duplicated)
        __builtin_trap();
    const uint32_t duplicates_kept = s.duplicates.count < MADT_IDS_LISTED ? s.duplicates.count : MADT_IDS_LISTED;
    for (uint32_t i = 0; i < duplicates_kept; ++i) {
        bool marked = false;
        for (uint32_t j = 0; j < s.cpu_count; ++j)
            marked = marked || (out[j].apic_id == s.duplicates.ids[i] && out[j].duplicated);
        for (uint32_t j = 0; j < i; ++j)
            if (s.duplicates.ids[j] == s.duplicates.ids[i])
                __builtin_trap();
        if (!marked)
            __builtin_trap();
    }
    const uint8_t untouched = 0xa5;
    if (s.cpu_count > MAX || std::memcmp(&out[MAX], std::vector<uint8_t>(sizeof(MadtCpu), untouched).data(),
                                         sizeof(MadtCpu)) != 0)
        __builtin_trap();
    if (s.error != MadtError::none &&
        (s.cpu_count || s.enabled || s.dropped || s.unaddressable.count || s.duplicates.count))
        __builtin_trap();   /* a failed walk lists nothing */
    if (s.dropped == 0 && enabled != s.enabled)
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    check(data, size, x86::ApicMode::xapic);
    check(data, size, x86::ApicMode::x2apic);
    return 0;
}
