/*
 * Helpers shared by the BootState tests (memory map, multiboot2 filler,
 * ACPI): memory ranges that compare and print, physical memory made of
 * buffers, error lines as text, and RSDPs with correct checksums.
 */
#ifndef RELBOOT_TESTS_BOOT_TEST_UTIL_H
#define RELBOOT_TESTS_BOOT_TEST_UTIL_H

#include "platform/acpi.h"
#include "boot_state.h"
#include "lib/console.h"
#include "lib/error.h"
#include "platform/memory_map.h"

#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

namespace relboot {

/* gtest finds these by argument-dependent lookup: failures show the ranges, not bytes. */
inline bool operator==(const MemoryRange& a, const MemoryRange& b)
{
    return a.base == b.base && a.size == b.size && a.type == b.type;
}
inline void PrintTo(const MemoryRange& r, std::ostream* os)
{
    *os << std::hex << "{0x" << r.base.value << "-0x" << r.base.value + r.size << " " << memory_type_name(r.type)
        << "(" << std::dec << uint32_t(r.type) << ")}";
}
inline void PrintTo(PhysAddr a, std::ostream* os)
{
    *os << std::hex << "0x" << a.value << std::dec;
}

} // namespace relboot

namespace boot_test {

/* The error line print_error() writes for e, "relboot: error: ...\r\n" (lib/error.h). */
inline std::string error_line(const relboot::BootError& e)
{
    char buf[512];
    relboot::Console con(buf, sizeof buf);
    relboot::print_error(con, e);
    return buf;
}

using relboot::MemoryRange;
using relboot::MemoryType;
using relboot::PhysAddr;

/* Short names for the types, so that expected maps read like tables. */
inline constexpr MemoryType U = MemoryType::usable;
inline constexpr MemoryType R = MemoryType::reserved;
inline constexpr MemoryType ACPI = MemoryType::acpi_reclaimable;
inline constexpr MemoryType NVS = MemoryType::acpi_nvs;
inline constexpr MemoryType BAD = MemoryType::bad;
inline constexpr MemoryType IMG = MemoryType::relboot;
inline constexpr MemoryType DATA = MemoryType::boot_data;
inline constexpr MemoryType MOD = MemoryType::module;

/*
 * Physical memory for the tests: byte buffers placed at physical
 * addresses, read through a PhysMemory window (acpi.h) as the early steps
 * and fillers read the loader's memory.  A read is mapped only when it
 * lies wholly inside one buffer.  The buffers must outlive the window.
 */
struct TestMemory {
    struct Region {
        uint64_t phys;
        const uint8_t* bytes;
        uint64_t size;
    };
    std::vector<Region> regions;

    TestMemory& add(uint64_t phys, const void* bytes, uint64_t size)
    {
        regions.push_back({phys, static_cast<const uint8_t*>(bytes), size});
        return *this;
    }
    /* A multiboot2 MBI as MbiBuilder builds it (a vector of words). */
    TestMemory& add(uint64_t phys, const std::vector<uint64_t>& words)
    {
        return add(phys, words.data(), words.size() * 8);
    }
    relboot::PhysMemory memory() const
    {
        return relboot::PhysMemory{[](const void* ctx, uint64_t phys, uint64_t len) -> const uint8_t* {
                                       for (const Region& r : static_cast<const TestMemory*>(ctx)->regions)
                                           if (phys >= r.phys && phys - r.phys <= r.size && len <= r.size - (phys - r.phys))
                                               return r.bytes + (phys - r.phys);
                                       return nullptr;
                                   },
                                   this};
    }
};

/* [base, end) of one type: the tests write ranges as the firmware tables print them. */
inline MemoryRange span(uint64_t base, uint64_t end, MemoryType type)
{
    return MemoryRange{PhysAddr{base}, end - base, type, 0};
}
/* [base, base + size) of one type. */
inline MemoryRange sized(uint64_t base, uint64_t size, MemoryType type)
{
    return MemoryRange{PhysAddr{base}, size, type, 0};
}

/* memory_map_build() into a vector of out_max entries, resized to what it wrote. */
inline std::vector<MemoryRange> build_map(const std::vector<MemoryRange>& raw, const std::vector<MemoryRange>& used,
                                          uint32_t out_max = relboot::MEMORY_MAP_MAX, bool* truncated = nullptr)
{
    std::vector<MemoryRange> out(out_max + 1);   /* one spare: never written */
    const MemoryRange guard = sized(0xdead0000, 0xbeef, MemoryType(0xee));
    out[out_max] = guard;
    bool t = true;
    const uint32_t n = relboot::memory_map_build(raw.data(), uint32_t(raw.size()), used.data(), uint32_t(used.size()),
                                                 out.data(), out_max, &t);
    if (truncated)
        *truncated = t;
    if (!(out[out_max] == guard) || n > out_max)
        out.clear();   /* wrote past out_max: no answer compares equal to this */
    else
        out.resize(n);
    return out;
}

/* The SeaBIOS map of a 1 GiB QEMU guest (e820, as GRUB passes it in tag 6). */
inline std::vector<MemoryRange> seabios_1g()
{
    return {
        span(0x0, 0x9fc00, MemoryType::usable),
        span(0x9fc00, 0xa0000, MemoryType::reserved),
        span(0xf0000, 0x100000, MemoryType::reserved),
        span(0x100000, 0x3ffe0000, MemoryType::usable),
        span(0x3ffe0000, 0x40000000, MemoryType::reserved),
        span(0xfeffc000, 0xff000000, MemoryType::reserved),
        span(0xfffc0000, 0x100000000, MemoryType::reserved),
    };
}

/*
 * An RSDP with correct checksums: revision 0 (20 bytes) or 2 (36 bytes).
 * oem tells copies apart.
 */
inline std::vector<uint8_t> make_rsdp(uint8_t revision, const char (&oem)[7], uint32_t rsdt = 0x3ffe1000,
                                      uint64_t xsdt = 0x3ffe2000)
{
    relboot::AcpiRsdp r{};
    std::memcpy(r.signature, "RSD PTR ", 8);
    std::memcpy(r.oem_id, oem, 6);
    r.revision = revision;
    r.rsdt_address = rsdt;
    const uint32_t size = revision >= 2 ? relboot::ACPI_RSDP_V2_SIZE : relboot::ACPI_RSDP_V1_SIZE;
    if (revision >= 2) {
        r.length = size;
        r.xsdt_address = xsdt;
    }
    std::vector<uint8_t> b(size);
    std::memcpy(b.data(), &r, size);
    uint8_t sum = 0;
    for (uint32_t i = 0; i < relboot::ACPI_RSDP_V1_SIZE; ++i)
        sum = uint8_t(sum + b[i]);
    b[8] = uint8_t(-sum);
    if (revision >= 2) {
        sum = 0;
        for (uint8_t v : b)
            sum = uint8_t(sum + v);
        b[32] = uint8_t(-sum);
    }
    return b;
}

} // namespace boot_test

#endif
