/* acpi_find_rsdp() and its checks (arch/x86/boot/platform/acpi.h) on a fake physical memory. */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "platform/acpi.h"
#include <relboot/spec/efi.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

using namespace relboot;
using boot_test::make_rsdp;

namespace {

/*
 * The low 1 MiB as a buffer.  map() hands out an exact-size copy of the
 * bytes asked for, so ASan catches a read past what the code mapped;
 * outside the buffer it returns nullptr, as the identity map does beyond
 * its limit.
 */
class FakeMemory {
public:
    explicit FakeMemory(size_t size = 0x100000) : bytes_(size, 0) {}

    PhysMemory mem() const { return PhysMemory{&FakeMemory::map, this}; }
    void put(uint64_t at, const std::vector<uint8_t>& b) { std::memcpy(&bytes_.at(at), b.data(), b.size()); }
    void put_le(uint64_t at, uint64_t v, uint32_t bytes)
    {
        for (uint32_t i = 0; i < bytes; ++i)
            bytes_.at(at + i) = uint8_t(v >> (8 * i));
    }
    uint32_t maps() const { return uint32_t(windows_.size()); }

private:
    static const uint8_t* map(const void* ctx, uint64_t phys, uint64_t len)
    {
        const auto* m = static_cast<const FakeMemory*>(ctx);
        if (phys > m->bytes_.size() || len > m->bytes_.size() - phys || len == 0)
            return nullptr;
        m->windows_.push_back(std::make_unique<std::vector<uint8_t>>(m->bytes_.begin() + phys,
                                                                      m->bytes_.begin() + phys + len));
        return m->windows_.back()->data();
    }
    std::vector<uint8_t> bytes_;
    mutable std::vector<std::unique_ptr<std::vector<uint8_t>>> windows_;
};

constexpr uint64_t EBDA = 0x9fc00;   /* SeaBIOS on a 640 KiB machine: segment 0x9fc0 */

/* A BIOS machine: the BDA's EBDA segment set. */
FakeMemory bios_memory(uint16_t ebda_segment = EBDA >> 4)
{
    FakeMemory m;
    m.put_le(BIOS_EBDA_SEGMENT_PTR, ebda_segment, 2);
    return m;
}

AcpiRsdpFound find_bios(const FakeMemory& m, const std::vector<uint8_t>* copy)
{
    return acpi_find_rsdp(m.mem(), PhysAddr{0}, false, copy ? copy->data() : nullptr,
                          copy ? uint32_t(copy->size()) : 0);
}

std::vector<uint8_t> with_byte(std::vector<uint8_t> b, size_t at, uint8_t v)
{
    b.at(at) = v;
    return b;
}

void expect_found(const AcpiRsdpFound& f, uint64_t rsdp, AcpiSource source)
{
    EXPECT_EQ(f.rsdp, PhysAddr{rsdp});
    EXPECT_EQ(f.source, source);
}

} // namespace

TEST(AcpiChecks, Checksum)
{
    EXPECT_TRUE(acpi_checksum_ok(nullptr, 0));
    const uint8_t zero_sum[] = {0x01, 0x80, 0x7f};
    EXPECT_TRUE(acpi_checksum_ok(zero_sum, 3));
    EXPECT_FALSE(acpi_checksum_ok(zero_sum, 2));
    const uint8_t wraps[] = {0xff, 0xff, 0x02};
    EXPECT_TRUE(acpi_checksum_ok(wraps, 3));
}

TEST(AcpiChecks, RsdpValid)
{
    uint32_t size = 0;
    const std::vector<uint8_t> v1 = make_rsdp(0, "BOCHS ");
    EXPECT_TRUE(acpi_rsdp_valid(v1.data(), 20, &size));
    EXPECT_EQ(size, 20u);
    EXPECT_FALSE(acpi_rsdp_valid(v1.data(), 19, &size));
    EXPECT_FALSE(acpi_rsdp_valid(with_byte(v1, 0, 'r').data(), 20, &size));       /* signature */
    EXPECT_FALSE(acpi_rsdp_valid(with_byte(v1, 8, v1[8] + 1).data(), 20, &size));  /* checksum */
    /* Revision 1 does not exist; below 2 means the 20-byte ACPI 1.0 structure. */
    std::vector<uint8_t> r1 = with_byte(v1, 15, 1);
    r1[8] = uint8_t(r1[8] - 1);
    size = 0;
    EXPECT_TRUE(acpi_rsdp_valid(r1.data(), 20, &size));
    EXPECT_EQ(size, 20u);

    const std::vector<uint8_t> v2 = make_rsdp(2, "OVMF  ");
    size = 0;
    EXPECT_TRUE(acpi_rsdp_valid(v2.data(), 36, &size));
    EXPECT_EQ(size, 36u);
    EXPECT_FALSE(acpi_rsdp_valid(v2.data(), 35, &size));
    EXPECT_FALSE(acpi_rsdp_valid(with_byte(v2, 32, v2[32] + 1).data(), 36, &size));   /* extended checksum */
    EXPECT_FALSE(acpi_rsdp_valid(with_byte(v2, 28, 1).data(), 36, &size));            /* XSDT changed */

    /* length: at least 36, at most 4096 and within avail; the extended checksum covers all of it. */
    auto with_length = [](std::vector<uint8_t> b, uint32_t length) {
        b.resize(std::max<size_t>(b.size(), length), 0);
        std::memcpy(&b[20], &length, 4);
        b[32] = 0;
        uint8_t sum = 0;
        for (uint32_t i = 0; i < length && i < b.size(); ++i)
            sum = uint8_t(sum + b[i]);
        b[32] = uint8_t(-sum);
        return b;
    };
    const std::vector<uint8_t> v40 = with_length(v2, 40);
    size = 0;
    EXPECT_TRUE(acpi_rsdp_valid(v40.data(), 40, &size));
    EXPECT_EQ(size, 40u);
    EXPECT_FALSE(acpi_rsdp_valid(v40.data(), 39, &size));
    EXPECT_FALSE(acpi_rsdp_valid(with_length(v2, 35).data(), 36, &size));
    const std::vector<uint8_t> big = with_length(v2, 4097);
    EXPECT_FALSE(acpi_rsdp_valid(big.data(), 4097, &size));
    const std::vector<uint8_t> max = with_length(v2, 4096);
    EXPECT_TRUE(acpi_rsdp_valid(max.data(), 4096, &size));
    EXPECT_EQ(size, 4096u);
}

TEST(AcpiBios, FoundInTheEbda)
{
    FakeMemory m = bios_memory();
    const std::vector<uint8_t> rsdp = make_rsdp(0, "BOCHS ");
    m.put(EBDA + 0x20, rsdp);
    expect_found(find_bios(m, &rsdp), EBDA + 0x20, AcpiSource::ebda);
    expect_found(find_bios(m, nullptr), EBDA + 0x20, AcpiSource::ebda);
}

TEST(AcpiBios, FoundInTheRomArea)
{
    FakeMemory m = bios_memory();
    const std::vector<uint8_t> rsdp = make_rsdp(0, "BOCHS ");
    m.put(0xf5a40, rsdp);
    expect_found(find_bios(m, &rsdp), 0xf5a40, AcpiSource::bios_rom);
    /* The area's first and last 16-byte slots. */
    FakeMemory first = bios_memory();
    first.put(BIOS_ROM_START, rsdp);
    expect_found(find_bios(first, &rsdp), BIOS_ROM_START, AcpiSource::bios_rom);
    FakeMemory last = bios_memory();
    last.put(BIOS_ROM_END - 32, rsdp);   /* 20 bytes fit before 1 MiB; the slot at -16 cannot hold them */
    expect_found(find_bios(last, &rsdp), BIOS_ROM_END - 32, AcpiSource::bios_rom);
}

TEST(AcpiBios, EbdaBeforeTheRomArea)
{
    FakeMemory m = bios_memory();
    const std::vector<uint8_t> rsdp = make_rsdp(0, "BOCHS ");
    m.put(0xf5a40, rsdp);
    m.put(EBDA + 0x3e0, rsdp);   /* the last slot whose 20 bytes lie inside the EBDA's first KiB */
    expect_found(find_bios(m, &rsdp), EBDA + 0x3e0, AcpiSource::ebda);
    /* One that starts in the first KiB but ends past it is not taken from there. */
    FakeMemory straddle = bios_memory();
    straddle.put(0xf5a40, rsdp);
    straddle.put(EBDA + 0x3f0, rsdp);
    expect_found(find_bios(straddle, &rsdp), 0xf5a40, AcpiSource::bios_rom);
    /* Past the EBDA's first KiB: not searched there. */
    FakeMemory past = bios_memory();
    past.put(0xf5a40, rsdp);
    past.put(EBDA + 0x400, make_rsdp(0, "OTHER "));
    expect_found(find_bios(past, nullptr), 0xf5a40, AcpiSource::bios_rom);
}

TEST(AcpiBios, DecoyThatDoesNotMatchTheCopyIsSkipped)
{
    FakeMemory m = bios_memory();
    const std::vector<uint8_t> decoy = make_rsdp(0, "DECOY "), real = make_rsdp(0, "BOCHS ");
    m.put(EBDA, decoy);
    m.put(0xe0000, decoy);
    m.put(0xf5a40, real);
    expect_found(find_bios(m, &real), 0xf5a40, AcpiSource::bios_rom);
    /* Without the copy, the spec's search: the first valid one. */
    expect_found(find_bios(m, nullptr), EBDA, AcpiSource::ebda);
    /* A copy that matches nothing: none, no guess. */
    const std::vector<uint8_t> other = make_rsdp(0, "NOPE  ");
    expect_found(find_bios(m, &other), 0, AcpiSource::none);
}

TEST(AcpiBios, CopyLengthAgainstTheRsdpSize)
{
    FakeMemory m = bios_memory();
    const std::vector<uint8_t> v2 = make_rsdp(2, "BOCHS ");
    m.put(0xf5a40, v2);
    /* A 20-byte (tag 14) copy of a revision 2 RSDP matches its first 20 bytes. */
    const std::vector<uint8_t> first20(v2.begin(), v2.begin() + 20);
    expect_found(find_bios(m, &first20), 0xf5a40, AcpiSource::bios_rom);
    expect_found(find_bios(m, &v2), 0xf5a40, AcpiSource::bios_rom);
    /* A copy longer than the RSDP it would match is no match. */
    FakeMemory v1m = bios_memory();
    const std::vector<uint8_t> v1 = make_rsdp(0, "BOCHS ");
    v1m.put(0xf5a40, v1);
    std::vector<uint8_t> longer = v1;
    longer.resize(36, 0);
    expect_found(find_bios(v1m, &longer), 0, AcpiSource::none);
    /* An empty copy (copy_len 0) matches the first valid one. */
    const uint8_t byte = 0;
    expect_found(acpi_find_rsdp(v1m.mem(), PhysAddr{0}, false, &byte, 0), 0xf5a40, AcpiSource::bios_rom);
}

TEST(AcpiBios, BadChecksumIsSkipped)
{
    FakeMemory m = bios_memory();
    const std::vector<uint8_t> good = make_rsdp(0, "BOCHS ");
    const std::vector<uint8_t> bad = with_byte(good, 8, good[8] + 1);
    m.put(EBDA, bad);
    m.put(0xe0010, bad);
    m.put(0xf0000, good);
    expect_found(find_bios(m, nullptr), 0xf0000, AcpiSource::bios_rom);
    /* A copy of the bad bytes matches nothing valid. */
    expect_found(find_bios(m, &bad), 0, AcpiSource::none);
}

TEST(AcpiBios, Revision2WithBadExtendedChecksumIsSkipped)
{
    FakeMemory m = bios_memory();
    const std::vector<uint8_t> good = make_rsdp(2, "BOCHS ");
    const std::vector<uint8_t> bad = with_byte(good, 32, good[32] + 1);   /* the first 20 bytes still sum to 0 */
    m.put(0xe0000, bad);
    m.put(0xf5a40, good);
    expect_found(find_bios(m, nullptr), 0xf5a40, AcpiSource::bios_rom);
    const std::vector<uint8_t> bad20(bad.begin(), bad.begin() + 20);
    expect_found(find_bios(m, &bad20), 0xf5a40, AcpiSource::bios_rom);   /* same first 20 bytes as good */
    /* A revision 2 RSDP in the last 32 bytes of the ROM area: its 36 bytes run past 1 MiB. */
    FakeMemory end = bios_memory();
    end.put(BIOS_ROM_END - 32, std::vector<uint8_t>(good.begin(), good.begin() + 32));
    expect_found(find_bios(end, nullptr), 0, AcpiSource::none);
}

TEST(AcpiBios, Only16ByteBoundaries)
{
    FakeMemory m = bios_memory();
    const std::vector<uint8_t> rsdp = make_rsdp(0, "BOCHS ");
    m.put(0xf5a48, rsdp);
    m.put(EBDA + 4, rsdp);
    expect_found(find_bios(m, &rsdp), 0, AcpiSource::none);
}

TEST(AcpiBios, ImplausibleEbdaSegmentIsNotSearched)
{
    const std::vector<uint8_t> rsdp = make_rsdp(0, "BOCHS ");
    /* 0: no EBDA; 0x20 (0x200) inside the IVT/BDA; 0xe000 and 0xffff: in the ROM area or past it. */
    for (uint16_t segment : {uint16_t(0), uint16_t(0x20), uint16_t(0xe000), uint16_t(0xffff)}) {
        SCOPED_TRACE(segment);
        FakeMemory m = bios_memory(segment);
        m.put(uint64_t(segment) << 4 < BIOS_ROM_START ? uint64_t(segment) << 4 : 0x1000, rsdp);
        expect_found(find_bios(m, nullptr), 0, AcpiSource::none);
    }
    /* The lowest plausible EBDA (0x400, over the BDA itself) is searched. */
    FakeMemory low = bios_memory(0x40);
    low.put(0x420, rsdp);
    expect_found(find_bios(low, nullptr), 0x420, AcpiSource::ebda);
}

TEST(AcpiBios, NothingFound)
{
    FakeMemory m = bios_memory();
    expect_found(find_bios(m, nullptr), 0, AcpiSource::none);
    const std::vector<uint8_t> copy = make_rsdp(0, "BOCHS ");
    expect_found(find_bios(m, &copy), 0, AcpiSource::none);
    /* Memory that cannot be mapped at all (an identity map below 1 MiB): no read, no answer. */
    FakeMemory tiny(0x100);
    expect_found(find_bios(tiny, &copy), 0, AcpiSource::none);
    EXPECT_EQ(tiny.maps(), 0u);
}

namespace {

constexpr uint64_t SYSTAB = 0x80000, CONFIG = 0x81000, RSDP1 = 0x82000, RSDP2 = 0x83000;

/* 4.6: the SMBIOS 3 GUID, an entry the search must pass over. */
constexpr efi::Guid SMBIOS3_GUID = {{0x44, 0x15, 0xfd, 0xf2, 0x94, 0x97, 0x2c, 0x4a,
                                     0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94}};

struct ConfigEntry {
    efi::Guid guid;
    uint64_t table;
};

/* An EFI system table at SYSTAB (x64 or IA32 layout) whose configuration table at CONFIG has entries. */
FakeMemory efi_memory(bool x64, const std::vector<ConfigEntry>& entries, uint64_t signature = efi::SYSTEM_TABLE_SIGNATURE)
{
    const efi::SystemTableLayout& l = x64 ? efi::SYSTEM_TABLE_X64 : efi::SYSTEM_TABLE_IA32;
    FakeMemory m = bios_memory();
    m.put_le(SYSTAB, signature, 8);
    m.put_le(SYSTAB + l.number_of_table_entries, entries.size(), l.pointer_size);
    m.put_le(SYSTAB + l.configuration_table, CONFIG, l.pointer_size);
    for (size_t i = 0; i < entries.size(); ++i) {
        const uint64_t e = CONFIG + i * l.config_entry_size;
        m.put(e, std::vector<uint8_t>(entries[i].guid.bytes, entries[i].guid.bytes + 16));
        m.put_le(e + 16, entries[i].table, l.pointer_size);
    }
    m.put(RSDP1, make_rsdp(0, "OVMF1 "));
    m.put(RSDP2, make_rsdp(2, "OVMF2 "));
    /* A valid RSDP in the BIOS area too: the EFI path must not fall back to it. */
    m.put(0xf5a40, make_rsdp(0, "BIOS  "));
    return m;
}

AcpiRsdpFound find_efi(const FakeMemory& m, bool x64)
{
    return acpi_find_rsdp(m.mem(), PhysAddr{SYSTAB}, x64, nullptr, 0);
}

} // namespace

TEST(AcpiEfi, Acpi20EntryPreferred)
{
    for (bool x64 : {true, false}) {
        SCOPED_TRACE(x64 ? "x64" : "IA32");
        /* The 1.0 entry comes first in the table; the 2.0 one still wins. */
        const FakeMemory m = efi_memory(x64, {{SMBIOS3_GUID, 0x90000},
                                              {efi::ACPI_TABLE_GUID, RSDP1},
                                              {efi::ACPI_20_TABLE_GUID, RSDP2}});
        expect_found(find_efi(m, x64), RSDP2, AcpiSource::efi);
    }
}

TEST(AcpiEfi, OnlyAcpi10)
{
    for (bool x64 : {true, false}) {
        SCOPED_TRACE(x64 ? "x64" : "IA32");
        const FakeMemory m = efi_memory(x64, {{SMBIOS3_GUID, 0x90000}, {efi::ACPI_TABLE_GUID, RSDP1}});
        expect_found(find_efi(m, x64), RSDP1, AcpiSource::efi);
    }
}

TEST(AcpiEfi, InvalidOrUnreachable20EntryFallsBackTo10)
{
    /* The 2.0 entry points at a bad RSDP, or outside memory: the 1.0 one is used. */
    for (uint64_t where : {uint64_t(0x84000), uint64_t(0x7fffff000), uint64_t(0xffff0)}) {
        FakeMemory m = efi_memory(true, {{efi::ACPI_20_TABLE_GUID, where}, {efi::ACPI_TABLE_GUID, RSDP1}});
        if (where == 0x84000)
            m.put(where, with_byte(make_rsdp(2, "BAD   "), 32, 0x55));
        if (where == 0xffff0) {
            const std::vector<uint8_t> cut = make_rsdp(2, "CUT   ");
            m.put(where, std::vector<uint8_t>(cut.begin(), cut.begin() + 16));   /* the rest would be past 1 MiB */
        }
        expect_found(find_efi(m, true), RSDP1, AcpiSource::efi);
    }
    /* Neither valid: none. */
    const FakeMemory none = efi_memory(true, {{efi::ACPI_20_TABLE_GUID, 0x84000}, {efi::ACPI_TABLE_GUID, 0x85000}});
    expect_found(find_efi(none, true), 0, AcpiSource::none);
}

TEST(AcpiEfi, WrongSignatureFindsNothing)
{
    for (bool x64 : {true, false}) {
        const FakeMemory m = efi_memory(x64, {{efi::ACPI_20_TABLE_GUID, RSDP2}}, 0x5453595320494248);
        expect_found(find_efi(m, x64), 0, AcpiSource::none);
    }
}

TEST(AcpiEfi, NoAcpiEntryOrCorruptTable)
{
    expect_found(find_efi(efi_memory(true, {{SMBIOS3_GUID, 0x90000}}), true), 0, AcpiSource::none);
    expect_found(find_efi(efi_memory(true, {}), true), 0, AcpiSource::none);
    /* An absurd entry count, a null configuration table, a system table outside memory. */
    FakeMemory many = efi_memory(true, {{efi::ACPI_20_TABLE_GUID, RSDP2}});
    many.put_le(SYSTAB + 104, 0x10000000, 8);
    expect_found(find_efi(many, true), 0, AcpiSource::none);
    FakeMemory null_table = efi_memory(true, {{efi::ACPI_20_TABLE_GUID, RSDP2}});
    null_table.put_le(SYSTAB + 112, 0, 8);
    expect_found(find_efi(null_table, true), 0, AcpiSource::none);
    const FakeMemory m = efi_memory(true, {{efi::ACPI_20_TABLE_GUID, RSDP2}});
    expect_found(acpi_find_rsdp(m.mem(), PhysAddr{0x200000}, true, nullptr, 0), 0, AcpiSource::none);
}

TEST(AcpiEfi, LayoutMustMatch)
{
    /* The x64 table read with the IA32 offsets (and the reverse) finds nothing at the right place. */
    expect_found(find_efi(efi_memory(true, {{efi::ACPI_20_TABLE_GUID, RSDP2}}), false), 0, AcpiSource::none);
    expect_found(find_efi(efi_memory(false, {{efi::ACPI_20_TABLE_GUID, RSDP2}}), true), 0, AcpiSource::none);
}

TEST(AcpiEfi, LayoutOffsets)
{
    /* UEFI 2.10, 4.3.1: the offsets the brief's fake tables use. */
    EXPECT_EQ(efi::SYSTEM_TABLE_X64.number_of_table_entries, 104u);
    EXPECT_EQ(efi::SYSTEM_TABLE_X64.configuration_table, 112u);
    EXPECT_EQ(efi::SYSTEM_TABLE_X64.config_entry_size, 24u);
    EXPECT_EQ(efi::SYSTEM_TABLE_IA32.number_of_table_entries, 64u);
    EXPECT_EQ(efi::SYSTEM_TABLE_IA32.configuration_table, 68u);
    EXPECT_EQ(efi::SYSTEM_TABLE_IA32.config_entry_size, 20u);
    const char sig[] = "IBI SYST";
    uint64_t v;
    std::memcpy(&v, sig, 8);
    EXPECT_EQ(v, efi::SYSTEM_TABLE_SIGNATURE);
}
