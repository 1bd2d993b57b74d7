/*
 * libFuzzer target for the EFI amd64 entry's early step,
 * efi64_exit_boot_services() (protocol/multiboot2_efi64.cpp): the MBI
 * walked before boot services end, then GetMemoryMap() and
 * ExitBootServices() of a fake firmware.  Arbitrary bytes as the MBI, at
 * a physical address taken from the input's last 4 bytes (as mbi_fuzz).
 *
 * The buffer holds exactly the bytes the entry may read: total_size of
 * them when 16 <= total_size <= MBI_MAX_SIZE (the input, cut or padded
 * with zeros), else the 8-byte fixed part; ASan catches a read past it.
 * A walk that does not end is a time-out.  The fake firmware's behaviour
 * comes from the MBI's reserved word (bytes 4..7, which the walk
 * ignores), so the input format stays the walk's: bits 0..11 the map's
 * descriptors (48 bytes each: up to 196,560 bytes, past the buffer),
 * 12..13 map changes right before ExitBootServices() (stale keys), 14
 * another ExitBootServices() error, 15..22 descriptors the map gains after
 * its size was asked, 23 DescriptorSize left unset on
 * EFI_BUFFER_TOO_SMALL.
 *
 * What must hold: the entry refuses exactly the MBIs that the one walk
 * (mbi_scan()) and the 32-bit stage's early step refuse, and then calls
 * no firmware service; an accepted MBI without tag 18, 12 or 20 calls
 * none either; otherwise the outcome agrees with what the firmware did.
 */
#include "protocol/efi_exit.h"
#include "protocol/mbi.h"

#include <relboot/spec/efi.h>

#include <cstdint>
#include <cstddef>
#include <cstring>
#include <vector>

using namespace relboot;

namespace {

/* The fake firmware's knobs (from the reserved word) and what was called. */
struct FakeFirmware {
    uint64_t key;
    uint32_t descriptors;
    uint32_t changes_before_exit;
    bool other_error;
    uint32_t grow_after_query;
    bool desc_size_when_too_small;
    uint32_t get_map_calls, exit_calls, allocate_calls;
    uint64_t last_too_small;    /* bytes of the last EFI_BUFFER_TOO_SMALL answer */
    bool last_was_query;        /* whether that call passed MemoryMapSize 0 (the size query) */
    bool exited;
};
FakeFirmware fw;

constexpr uint64_t DESC = 48;

__attribute__((ms_abi)) uint64_t get_memory_map(uint64_t* size, void* map, uint64_t* key, uint64_t* desc_size,
                                                uint32_t* desc_version)
{
    ++fw.get_map_calls;
    if (fw.exited)
        return efi::INVALID_PARAMETER;
    const uint64_t need = fw.descriptors * DESC;
    if (*size < need) {
        fw.last_was_query = *size == 0;
        *size = need;
        if (fw.desc_size_when_too_small)
            *desc_size = DESC;
        fw.last_too_small = need;
        fw.descriptors += fw.grow_after_query;
        fw.key += fw.grow_after_query ? 1 : 0;
        return efi::BUFFER_TOO_SMALL;
    }
    std::memset(map, 0x5a, need);   /* the descriptors' contents are not the subject here */
    *size = need;
    *key = fw.key;
    *desc_size = DESC;
    *desc_version = 1;
    return efi::SUCCESS;
}

__attribute__((ms_abi)) uint64_t exit_boot_services(uint64_t, uint64_t key)
{
    ++fw.exit_calls;
    if (fw.changes_before_exit) {
        --fw.changes_before_exit;
        ++fw.key;
    }
    if (fw.other_error)
        return efi::ERROR_BIT | 7;
    if (key != fw.key)
        return efi::INVALID_PARAMETER;
    fw.exited = true;
    return efi::SUCCESS;
}

__attribute__((ms_abi)) uint64_t allocate_pages(uint32_t, uint32_t, uint64_t, uint64_t* memory)
{
    ++fw.allocate_calls;
    if (fw.exited)
        return efi::INVALID_PARAMETER;
    *memory = 0x5000000;
    ++fw.key;
    return efi::SUCCESS;
}

/* EFI_SYSTEM_TABLE and EFI_BOOT_SERVICES at efi.h's offsets, pointing at the fake's functions. */
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
const Tables tables;

/* The MBI as physical memory [phys, phys + size), for the 32-bit stage's early step. */
struct Window {
    const uint8_t* bytes;
    uint64_t phys, size;

    PhysMemory memory() const
    {
        return PhysMemory{[](const void* ctx, uint64_t at, uint64_t len) -> const uint8_t* {
                              const Window& w = *static_cast<const Window*>(ctx);
                              return at >= w.phys && at - w.phys <= w.size && len <= w.size - (at - w.phys)
                                         ? w.bytes + (at - w.phys)
                                         : nullptr;
                          },
                          this};
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    /* The entry always reads the fixed part (the loader's MBI lies in memory); below that there is no MBI. */
    if (size < 4 + 8 || size > 4 + MBI_MAX_SIZE)
        return 0;
    uint32_t phys;
    std::memcpy(&phys, data + size - 4, 4);
    const size_t n = size - 4;
    uint32_t total, word;
    std::memcpy(&total, data, 4);
    std::memcpy(&word, data + 4, 4);
    const bool sized = total >= 16 && total <= MBI_MAX_SIZE;
    const size_t readable = sized ? total : 8;
    /* Exactly the readable bytes, on the heap: ASan flags even a one-byte overread. */
    std::vector<uint8_t> mbi(readable, 0);
    std::memcpy(mbi.data(), data, n < readable ? n : readable);

    /* The one walk, as the reference, and the firmware tables' pointer put into every tag 12 it accepted. */
    MbiIndex index;
    const MbiScan scan = mbi_scan(mbi.data(), phys, uint32_t(readable), index);
    bool boot_services = false;
    uint64_t image_handle = 0;
    if (scan.error.ok()) {
        mbi_for_each_tag(mbi.data(), scan.total_size, [&](uint32_t off, uint32_t type, uint32_t tag_size) {
            if (type == MULTIBOOT2_TAG_TYPE_EFI64) {
                const uint64_t p = reinterpret_cast<uint64_t>(tables.system_table);
                std::memcpy(&mbi[off + offsetof(mb2::TagEfi64, pointer)], &p, 8);
            } else if (type == MULTIBOOT2_TAG_TYPE_EFI_BS) {
                boot_services = true;
            } else if (type == MULTIBOOT2_TAG_TYPE_EFI64_IH && tag_size >= 16 && !image_handle) {
                std::memcpy(&image_handle, &mbi[off + offsetof(mb2::TagEfi64ImageHandle, pointer)], 8);
            }
        });
    }

    fw = FakeFirmware{0x1000, word & 0xfff, (word >> 12) & 3, bool((word >> 14) & 1), (word >> 15) & 0xff,
                      bool((word >> 23) & 1), 0, 0, 0, 0, false, false};
    /* One record for all runs (128 KiB): its fields before the map start as garbage, the entry must write them. */
    static EfiExit record;
    EfiExit* const out = &record;
    std::memset(out, 0xa5, offsetof(EfiExit, map));
    efi64_exit_boot_services(mbi.data(), phys, out);
    const uint32_t calls = fw.get_map_calls + fw.exit_calls + fw.allocate_calls;

    /* The 32-bit stage's early step on the same bytes refuses exactly what the entry refused. */
    const Window window{mbi.data(), phys, readable};
    BootState bs{};
    const BootError early = multiboot2_efi64_early(bs, window.memory(), PhysAddr{phys});
    if (early.ok() != scan.error.ok())
        __builtin_trap();

    if (!scan.error.ok()) {
        if (out->result != EfiExitResult::mbi_malformed || calls)
            __builtin_trap();
        return 0;
    }
    if (out->result == EfiExitResult::mbi_malformed)
        __builtin_trap();
    if (out->system_table != (index.efi64 ? reinterpret_cast<uint64_t>(tables.system_table) : 0) ||
        out->image_handle != image_handle)
        __builtin_trap();
    const EfiExitResult missing = !boot_services  ? EfiExitResult::no_boot_services_tag
                                  : !index.efi64  ? EfiExitResult::no_system_table
                                  : !image_handle ? EfiExitResult::no_image_handle
                                                  : EfiExitResult::not_run;
    if (missing != EfiExitResult::not_run) {
        if (out->result != missing || calls)
            __builtin_trap();
        return 0;
    }

    /* The firmware was called: at most two attempts, each GetMemoryMap() twice (size, map) before its exit call. */
    if (fw.get_map_calls == 0 || fw.get_map_calls > 4 || fw.exit_calls > 2 || fw.allocate_calls > 1 ||
        fw.get_map_calls < 2 * fw.exit_calls)
        __builtin_trap();
    switch (out->result) {
    case EfiExitResult::exited:
        if (!fw.exited || out->attempts != fw.exit_calls || out->map_size != uint64_t(fw.descriptors) * DESC ||
            out->map_size > EFI_MMAP_BUFFER_SIZE || out->desc_size != DESC || out->map_key != fw.key)
            __builtin_trap();
        break;
    case EfiExitResult::map_too_large:
        /*
         * Named by the last answer, and no exit call after it: the size
         * query's answer left no room (efi_mmap_fits()), or the map
         * outgrew the whole buffer before it was read.
         */
        if (out->status != efi::BUFFER_TOO_SMALL || out->map_size != fw.last_too_small ||
            out->attempts != fw.exit_calls || fw.get_map_calls != 2 * fw.exit_calls + (fw.last_was_query ? 1 : 2))
            __builtin_trap();
        if (fw.last_was_query ? efi_mmap_fits(fw.last_too_small, fw.desc_size_when_too_small ? DESC : 0)
                              : fw.last_too_small <= EFI_MMAP_BUFFER_SIZE)
            __builtin_trap();
        break;
    case EfiExitResult::exit_refused:
        if (fw.exited || out->attempts != fw.exit_calls || out->attempts == 0 ||
            (fw.other_error && out->attempts != 1) ||
            out->status != (fw.other_error ? (efi::ERROR_BIT | 7) : efi::INVALID_PARAMETER))
            __builtin_trap();
        break;
    default:
        __builtin_trap();   /* the fake's GetMemoryMap() fails only with EFI_BUFFER_TOO_SMALL */
    }
    return 0;
}
