/*
 * efi64_exit_boot_services() (protocol/multiboot2_efi64.cpp, efi_exit.h)
 * against a fake firmware: an EFI_SYSTEM_TABLE and EFI_BOOT_SERVICES with
 * GetMemoryMap(), ExitBootServices() and AllocatePages() as ms_abi
 * functions, as the x64 UEFI calling convention has them.  The fake keeps
 * a map key that changes whenever its map changes, and refuses a stale
 * key with EFI_INVALID_PARAMETER (UEFI 2.10, 7.4), as OVMF does.  And
 * what the multiboot2 filler (mbi.h) makes of the record it leaves: the
 * final map, or one "efi exit" error line.
 */
#include "boot_test_util.h"
#include "mbi_builder.h"

#include <gtest/gtest.h>
#include <relboot/spec/efi.h>
#include "protocol/efi_exit.h"
#include "protocol/mbi.h"

#include <cstring>
#include <memory>
#include <vector>

using namespace relboot;

namespace {

/* What the fake firmware does and what was called. */
struct FakeFirmware {
    uint64_t key = 0x1000;
    uint32_t descriptors = 3;       /* 48-byte descriptors GetMemoryMap() returns */
    uint32_t changes_before_exit = 0;   /* the map changes this many times right before ExitBootServices() */
    uint64_t other_error = 0;       /* ExitBootServices() returns this instead (0: none) */
    uint64_t get_map_status = 0;    /* GetMemoryMap() fails with this (0: none) */
    uint32_t get_map_calls = 0, exit_calls = 0, allocate_calls = 0;
    bool exited = false;
    std::vector<uint64_t> keys_passed;
};
FakeFirmware* fw;

__attribute__((ms_abi)) uint64_t get_memory_map(uint64_t* size, void* map, uint64_t* key, uint64_t* desc_size,
                                                uint32_t* desc_version)
{
    ++fw->get_map_calls;
    if (fw->exited)
        return efi::INVALID_PARAMETER;
    if (fw->get_map_status)
        return fw->get_map_status;
    const uint64_t need = uint64_t(fw->descriptors) * 48;
    if (*size < need) {
        *size = need;
        return efi::BUFFER_TOO_SMALL;
    }
    auto* bytes = static_cast<uint8_t*>(map);
    std::memset(bytes, 0, need);
    for (uint32_t i = 0; i < fw->descriptors; ++i) {
        const efi::MemoryDescriptor d{efi::CONVENTIONAL_MEMORY, 0, uint64_t(i) << 20, 0, 256, 0xf};
        std::memcpy(bytes + i * 48, &d, sizeof(d));
    }
    *size = need;
    *key = fw->key;
    *desc_size = 48;
    *desc_version = 1;
    return efi::SUCCESS;
}

__attribute__((ms_abi)) uint64_t exit_boot_services(uint64_t image_handle, uint64_t key)
{
    ++fw->exit_calls;
    fw->keys_passed.push_back(key);
    EXPECT_EQ(image_handle, 0x7e5f0000u);
    if (fw->changes_before_exit) {
        --fw->changes_before_exit;
        ++fw->key;              /* e.g. a timer event allocated memory */
    }
    if (fw->other_error)
        return fw->other_error;
    if (key != fw->key)
        return efi::INVALID_PARAMETER;
    fw->exited = true;
    return efi::SUCCESS;
}

__attribute__((ms_abi)) uint64_t allocate_pages(uint32_t type, uint32_t memory_type, uint64_t pages, uint64_t* memory)
{
    ++fw->allocate_calls;
    EXPECT_EQ(type, efi::ALLOCATE_ANY_PAGES);
    EXPECT_EQ(memory_type, uint32_t(efi::LOADER_DATA));
    EXPECT_EQ(pages, 1u);
    if (fw->exited)
        return efi::INVALID_PARAMETER;
    *memory = 0x5000000;
    ++fw->key;
    return efi::SUCCESS;
}

/* The two tables, laid out at efi.h's offsets. */
struct Tables {
    alignas(8) uint8_t boot_services[256] = {};
    alignas(8) uint8_t system_table[120] = {};
    Tables()
    {
        auto put = [](uint8_t* table, uint32_t off, uint64_t v) { std::memcpy(table + off, &v, 8); };
        put(boot_services, efi::BOOT_SERVICES_GET_MEMORY_MAP, reinterpret_cast<uint64_t>(&get_memory_map));
        put(boot_services, efi::BOOT_SERVICES_EXIT_BOOT_SERVICES, reinterpret_cast<uint64_t>(&exit_boot_services));
        put(boot_services, efi::BOOT_SERVICES_ALLOCATE_PAGES, reinterpret_cast<uint64_t>(&allocate_pages));
        put(system_table, efi::SYSTEM_TABLE_X64_BOOT_SERVICES, reinterpret_cast<uint64_t>(boot_services));
    }
};

/* GRUB's MBI with boot services kept: tags 1, 12, 18, 20 (each left out on request). */
std::vector<uint64_t> keep_bs_mbi(const Tables& t, const std::string& cmdline = "debug-exit=0xf4",
                                  bool tag12 = true, bool tag18 = true, bool tag20 = true)
{
    MbiBuilder b;
    b.cmdline(cmdline);
    if (tag12)
        b.efi64(reinterpret_cast<uint64_t>(t.system_table));
    if (tag18)
        b.tag(MULTIBOOT2_TAG_TYPE_EFI_BS, {});
    if (tag20)
        b.tag(MULTIBOOT2_TAG_TYPE_EFI64_IH, {0x00, 0x00, 0x5f, 0x7e, 0, 0, 0, 0});
    return b.end().build();
}

struct ExitRun {
    std::unique_ptr<EfiExit> out = std::make_unique<EfiExit>();
    FakeFirmware firmware;
};

void run(ExitRun& r, const std::vector<uint64_t>& mbi)
{
    std::memset(r.out.get(), 0xa5, sizeof(EfiExit));
    fw = &r.firmware;
    efi64_exit_boot_services(reinterpret_cast<const uint8_t*>(mbi.data()), r.out.get());
    fw = nullptr;
}

} // namespace

TEST(EfiExit, ExitsAtTheFirstAttemptAndRecordsTheMap)
{
    const Tables t;
    ExitRun r;
    run(r, keep_bs_mbi(t));
    EXPECT_EQ(r.out->result, EfiExitResult::exited);
    EXPECT_TRUE(r.firmware.exited);
    EXPECT_EQ(r.out->attempts, 1u);
    EXPECT_EQ(r.out->stale_injected, 0u);
    EXPECT_EQ(r.out->status, 0u);
    EXPECT_EQ(r.out->map_size, 3u * 48);
    EXPECT_EQ(r.out->desc_size, 48u);
    EXPECT_EQ(r.out->desc_version, 1u);
    EXPECT_EQ(r.out->map_key, 0x1000u);
    EXPECT_EQ(r.out->system_table, reinterpret_cast<uint64_t>(t.system_table));
    EXPECT_EQ(r.out->image_handle, 0x7e5f0000u);
    efi::MemoryDescriptor d;
    std::memcpy(&d, r.out->map + 2 * 48, sizeof(d));
    EXPECT_EQ(d.physical_start, 2u << 20);
    EXPECT_EQ(r.firmware.allocate_calls, 0u);   /* nothing allocated */
}

TEST(EfiExit, StaleKeyOnceThenAFreshMapAndSuccess)
{
    const Tables t;
    ExitRun r;
    r.firmware.changes_before_exit = 1;
    run(r, keep_bs_mbi(t));
    EXPECT_EQ(r.out->result, EfiExitResult::exited);
    EXPECT_EQ(r.out->attempts, 2u);
    EXPECT_EQ(r.firmware.get_map_calls, 2u);
    EXPECT_EQ(r.out->map_key, 0x1001u);     /* the fresh map's key */
    EXPECT_EQ(r.firmware.keys_passed, (std::vector<uint64_t>{0x1000, 0x1001}));
}

TEST(EfiExit, StaleKeyTwiceIsRefusedAfterTwoAttempts)
{
    const Tables t;
    ExitRun r;
    r.firmware.changes_before_exit = 2;
    run(r, keep_bs_mbi(t));
    EXPECT_EQ(r.out->result, EfiExitResult::exit_refused);
    EXPECT_EQ(r.out->status, efi::INVALID_PARAMETER);
    EXPECT_EQ(r.out->attempts, 2u);
    EXPECT_EQ(r.firmware.exit_calls, 2u);   /* no third try */
}

TEST(EfiExit, AnotherErrorIsNotRetried)
{
    const Tables t;
    ExitRun r;
    r.firmware.other_error = efi::ERROR_BIT | 7;   /* EFI_DEVICE_ERROR */
    run(r, keep_bs_mbi(t));
    EXPECT_EQ(r.out->result, EfiExitResult::exit_refused);
    EXPECT_EQ(r.out->status, efi::ERROR_BIT | 7);
    EXPECT_EQ(r.out->attempts, 1u);
}

TEST(EfiExit, MapLargerThanTheBuffer)
{
    const Tables t;
    ExitRun r;
    r.firmware.descriptors = EFI_MMAP_BUFFER_SIZE / 48 + 1;
    run(r, keep_bs_mbi(t));
    EXPECT_EQ(r.out->result, EfiExitResult::map_too_large);
    EXPECT_EQ(r.out->map_size, uint64_t(r.firmware.descriptors) * 48);
    EXPECT_EQ(r.firmware.exit_calls, 0u);
}

TEST(EfiExit, GetMemoryMapFailure)
{
    const Tables t;
    ExitRun r;
    r.firmware.get_map_status = efi::INVALID_PARAMETER;
    run(r, keep_bs_mbi(t));
    EXPECT_EQ(r.out->result, EfiExitResult::get_memory_map_failed);
    EXPECT_EQ(r.out->status, efi::INVALID_PARAMETER);
    EXPECT_EQ(r.firmware.exit_calls, 0u);
}

TEST(EfiExit, MissingTagsCallNoFirmwareService)
{
    const Tables t;
    struct Case {
        bool tag12, tag18, tag20;
        EfiExitResult want;
    };
    for (const Case c : {Case{true, false, true, EfiExitResult::no_boot_services_tag},
                         Case{false, true, true, EfiExitResult::no_system_table},
                         Case{true, true, false, EfiExitResult::no_image_handle}}) {
        ExitRun r;
        run(r, keep_bs_mbi(t, "", c.tag12, c.tag18, c.tag20));
        EXPECT_EQ(r.out->result, c.want);
        EXPECT_EQ(r.firmware.get_map_calls + r.firmware.exit_calls, 0u);
    }
}

TEST(EfiExit, MalformedMbiCallsNoFirmwareService)
{
    const Tables t;
    /* A tag whose size runs past total_size. */
    std::vector<uint64_t> mbi = keep_bs_mbi(t);
    uint32_t huge = 0x1000;
    std::memcpy(reinterpret_cast<uint8_t*>(mbi.data()) + 12, &huge, 4);   /* tag 1's size */
    ExitRun r;
    run(r, mbi);
    EXPECT_EQ(r.out->result, EfiExitResult::mbi_malformed);
    /* total_size below 16. */
    std::vector<uint64_t> tiny = keep_bs_mbi(t);
    uint32_t small = 8;
    std::memcpy(tiny.data(), &small, 4);
    ExitRun r2;
    run(r2, tiny);
    EXPECT_EQ(r2.out->result, EfiExitResult::mbi_malformed);
    EXPECT_EQ(r.firmware.get_map_calls + r2.firmware.get_map_calls, 0u);
}

TEST(EfiExit, DebugEbsMakesTheKeyStale)
{
    const Tables t;
    ExitRun once;
    run(once, keep_bs_mbi(t, "debug-exit=0xf4 debug-ebs=stale-once loglvl=debug"));
    EXPECT_EQ(once.out->result, EfiExitResult::exited);
    EXPECT_EQ(once.out->attempts, 2u);
    EXPECT_EQ(once.out->stale_injected, 1u);
    EXPECT_EQ(once.firmware.allocate_calls, 1u);

    ExitRun twice;
    run(twice, keep_bs_mbi(t, "debug-ebs=stale-once debug-ebs=stale-twice"));   /* the last one wins */
    EXPECT_EQ(twice.out->result, EfiExitResult::exit_refused);
    EXPECT_EQ(twice.out->attempts, 2u);
    EXPECT_EQ(twice.out->stale_injected, 2u);
    EXPECT_EQ(twice.firmware.allocate_calls, 1u);   /* after the first exit attempt only GetMemoryMap() */
    EXPECT_EQ(twice.firmware.keys_passed[0], twice.firmware.keys_passed[1]);

    /* Not a whole token: no injection. */
    for (const char* line : {"xdebug-ebs=stale-once", "debug-ebs=stale-oncex", "debug-ebs=stale"}) {
        ExitRun r;
        run(r, keep_bs_mbi(t, line));
        EXPECT_EQ(r.out->attempts, 1u) << line;
        EXPECT_EQ(r.out->stale_injected, 0u) << line;
    }
}

namespace {

/*
 * The multiboot2 filler after the EFI amd64 entry, on a record holding
 * result (the other fields as given): the early step over GRUB's MBI at
 * 0x102000, then the filler with the record at 0x1f00000.
 */
BootError fill_after_exit(const EfiExit& record)
{
    const Tables t;
    const std::vector<uint64_t> mbi = keep_bs_mbi(t);
    boot_test::TestMemory mem;
    mem.add(0x102000, mbi).add(0x1f00000, &record, sizeof(EfiExit));
    BootState bs{};
    bs.load_base = PhysAddr{0x1000000};
    bs.image_size = 0x40000;
    EXPECT_TRUE(multiboot2_efi64_early(bs, mem.memory(), PhysAddr{0x102000}).ok());
    auto tables = std::make_unique<BootTables>();
    return boot_info_from_multiboot2(bs, FillContext{tables.get(), PhysAddr{0x1020000}, mem.memory(), PhysAddr{0x1f00000}});
}

} // namespace

TEST(EfiExit, TheFillerRefusesAFailedExitWithOneLine)
{
    struct Case {
        EfiExitResult result;
        uint64_t status;
        uint32_t attempts;
        uint64_t map_size, desc_size;
        const char* line;
    };
    const Case cases[] = {
        {EfiExitResult::exit_refused, efi::INVALID_PARAMETER, 2, 0, 0,
         "efi exit ExitBootServices(): 0x8000000000000002, expected EFI_SUCCESS within 2 attempts (UEFI 2.10, 7.4: "
         "one retry with a fresh map key); attempts = 2"},
        {EfiExitResult::exit_refused, efi::ERROR_BIT | 7, 1, 0, 0,
         "efi exit ExitBootServices(): 0x8000000000000007, expected EFI_SUCCESS within 2 attempts (UEFI 2.10, 7.4: "
         "one retry with a fresh map key); attempts = 1"},
        {EfiExitResult::get_memory_map_failed, efi::INVALID_PARAMETER, 0, 0, 0,
         "efi exit GetMemoryMap(): 0x8000000000000002, expected EFI_SUCCESS (UEFI 2.10, 7.2)"},
        {EfiExitResult::map_too_large, efi::BUFFER_TOO_SMALL, 0, 40000, 0,
         "efi exit MemoryMapSize: 40000, expected at most relboot's buffer (EFI_MMAP_BUFFER_SIZE); "
         "EFI_MMAP_BUFFER_SIZE = 32768"},
        {EfiExitResult::no_boot_services_tag, 0, 0, 0, 0,
         "efi exit at 0x00102000 tag 18: 0, expected present: EFI boot services not terminated, with tags 12 and 20, "
         "after the EFI amd64 entry (multiboot2 3.6.20)"},
        {EfiExitResult::no_system_table, 0, 0, 0, 0,
         "efi exit at 0x00102000 tag 12: 0, expected present: the EFI 64-bit system table pointer (multiboot2 3.6.14)"},
        {EfiExitResult::no_image_handle, 0, 0, 0, 0,
         "efi exit at 0x00102000 tag 20: 0, expected present: the EFI 64-bit image handle pointer (multiboot2 3.6.22)"},
        {EfiExitResult::exited, 0, 1, 96, 36,
         "efi exit DescriptorSize: 36, expected at least 40 and a multiple of 8 (UEFI 2.10, 7.2: GetMemoryMap())"},
        {EfiExitResult::exited, 0, 1, EFI_MMAP_BUFFER_SIZE + 48, 48,
         "efi exit MemoryMapSize: 32816, expected at most relboot's buffer (EFI_MMAP_BUFFER_SIZE); "
         "EFI_MMAP_BUFFER_SIZE = 32768"},
        {EfiExitResult::not_run, 0, 0, 0, 0,
         "efi exit result: 0, expected the EFI amd64 entry's record written (efi_exit.h)"},
    };
    for (const Case& c : cases) {
        auto record = std::make_unique<EfiExit>();
        std::memset(record.get(), 0, sizeof(EfiExit));
        record->result = c.result;
        record->status = c.status;
        record->attempts = c.attempts;
        record->map_size = c.map_size;
        record->desc_size = c.desc_size;
        EXPECT_EQ(boot_test::error_line(fill_after_exit(*record)), std::string("relboot: error: ") + c.line + "\r\n");
    }
}

TEST(EfiExit, TheFillerTakesTheFinalMapOfAnExit)
{
    auto record = std::make_unique<EfiExit>();
    std::memset(record.get(), 0, sizeof(EfiExit));
    record->result = EfiExitResult::exited;
    record->attempts = 1;
    record->map_size = 2 * 48;
    record->desc_size = 48;
    record->desc_version = 1;
    const efi::MemoryDescriptor d{efi::CONVENTIONAL_MEMORY, 0, 0x100000, 0, 0x100, 0xf};
    std::memcpy(record->map, &d, sizeof d);
    std::memcpy(record->map + 48, &d, sizeof d);
    const BootError e = fill_after_exit(*record);
    EXPECT_TRUE(e.ok()) << boot_test::error_line(e);
}
