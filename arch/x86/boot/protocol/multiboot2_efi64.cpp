/*
 * The EFI amd64 entry's C++ part: ExitBootServices() with one retry on a
 * stale map key (efi_exit.h says what it follows and what it leaves).
 *
 * Runs before anything else of relboot, called from
 * multiboot2_efi64_entry.S in 64-bit mode on the firmware's page tables
 * (identity map) and stack, with boot services alive and interrupts as
 * the firmware has them.  So it is built position-independent (-fpie, the
 * small code model: every reference RIP-relative, which the Makefile checks
 * on the object) and runs at the load address; it uses no other object's
 * code or data, and touches memory only through its arguments.  Firmware
 * calls use the Microsoft x64 convention (UEFI 2.10, 2.3.4.2), which GCC
 * emits for the ms_abi function types below.
 */
#include <relboot/spec/efi.h>
#include "protocol/efi_exit.h"
#include "protocol/mbi.h"
#include "protocol/mbi_limits.h"
#include <relboot/spec/multiboot2.h>

/* The record: in .boot_tables (outside .bss, which start32 zeroes after this has run). */
__attribute__((section(".boot_tables"))) relboot::EfiExit efi_exit_record;

namespace relboot {
namespace {

/* EFI_BOOT_SERVICES.GetMemoryMap(), ExitBootServices(), AllocatePages() (UEFI 2.10, 7.2, 7.4). */
using GetMemoryMap = uint64_t(__attribute__((ms_abi)) *)(uint64_t* map_size, void* map, uint64_t* map_key,
                                                         uint64_t* descriptor_size, uint32_t* descriptor_version);
using ExitBootServices = uint64_t(__attribute__((ms_abi)) *)(uint64_t image_handle, uint64_t map_key);
using AllocatePages = uint64_t(__attribute__((ms_abi)) *)(uint32_t type, uint32_t memory_type, uint64_t pages,
                                                          uint64_t* memory);

/* The function pointer at byte offset off of EFI_BOOT_SERVICES (an offsetof of efi::BootServicesX64). */
template <class Fn>
Fn service(uint64_t table, uint32_t off)
{
    return load_as<Fn>(reinterpret_cast<const uint8_t*>(table) + off);
}

/*
 * debug-ebs= as the command-line parser will read it later: the last
 * whole token "debug-ebs=stale-once" or "debug-ebs=stale-twice" in
 * [s, s+len).  A test hook only, so the plain token form is all it knows
 * (no quotes); anything else is "none" here and reported by the parser.
 */
DebugEbs debug_ebs_token(const uint8_t* s, uint32_t len)
{
    static constexpr char ONCE[] = "debug-ebs=stale-once", TWICE[] = "debug-ebs=stale-twice";
    auto is = [&](uint32_t at, uint32_t end, const char* want, uint32_t n) {
        if (end - at != n)
            return false;
        for (uint32_t i = 0; i < n; ++i)
            if (s[at + i] != uint8_t(want[i]))
                return false;
        return true;
    };
    DebugEbs found = DebugEbs::none;
    for (uint32_t at = 0; at < len && s[at];) {
        uint32_t end = at;
        while (end < len && s[end] && s[end] != ' ')
            ++end;
        if (is(at, end, ONCE, sizeof(ONCE) - 1))
            found = DebugEbs::stale_once;
        else if (is(at, end, TWICE, sizeof(TWICE) - 1))
            found = DebugEbs::stale_twice;
        at = end < len && s[end] == ' ' ? end + 1 : end;
    }
    return found;
}

void set_result(EfiExit* out, EfiExitResult result, uint64_t status)
{
    out->result = result;
    out->status = status;
}

} // namespace
} // namespace relboot

using namespace relboot;

extern "C" void efi64_exit_boot_services(const uint8_t* mbi, EfiExit* out)
{
    out->status = 0;
    out->map_size = out->map_key = out->desc_size = 0;
    out->desc_version = out->attempts = out->stale_injected = 0;

    /*
     * The MBI's EFI tags, every tag bounded by total_size before a field is
     * read.  A walk of its own: it runs before boot services end, long
     * before the 32-bit stage's checked walk (mbi.h), and reads only these.
     */
    const uint32_t total = LOAD_FIELD(mb2::Fixed, mbi, total_size);
    if (total < sizeof(mb2::Fixed) + sizeof(mb2::Tag) || total > MBI_MAX_SIZE)
        return set_result(out, EfiExitResult::mbi_malformed, 0);
    bool malformed = false, boot_services = false;
    uint64_t system_table = 0, image_handle = 0;
    DebugEbs debug = DebugEbs::none;
    mbi_for_each_tag(mbi, total, [&](uint32_t off, uint32_t type, uint32_t size) {
        if (size < sizeof(mb2::Tag) || size > total - off) {
            malformed = true;
            return;
        }
        const uint8_t* tag = mbi + off;
        if (type == MULTIBOOT2_TAG_TYPE_EFI_BS)
            boot_services = true;
        else if (type == MULTIBOOT2_TAG_TYPE_EFI64 && size >= sizeof(mb2::TagEfi64))
            system_table = LOAD_FIELD(mb2::TagEfi64, tag, pointer);
        else if (type == MULTIBOOT2_TAG_TYPE_EFI64_IH && size >= sizeof(mb2::TagEfi64ImageHandle))
            image_handle = LOAD_FIELD(mb2::TagEfi64ImageHandle, tag, pointer);
        else if (type == MULTIBOOT2_TAG_TYPE_CMDLINE)
            debug = debug_ebs_token(tag + sizeof(mb2::TagString), size - sizeof(mb2::TagString));
    });
    out->system_table = system_table;
    out->image_handle = image_handle;
    if (malformed)
        return set_result(out, EfiExitResult::mbi_malformed, 0);
    if (!boot_services)
        return set_result(out, EfiExitResult::no_boot_services_tag, 0);
    if (!system_table)
        return set_result(out, EfiExitResult::no_system_table, 0);
    if (!image_handle)
        return set_result(out, EfiExitResult::no_image_handle, 0);

    /* One field, not the table: this code copies nothing larger than it needs (no memcpy to call). */
    const uint64_t boot_services_table =
        LOAD_FIELD(efi::SystemTableX64, reinterpret_cast<const uint8_t*>(system_table), BootServices);
    const auto get_memory_map = service<GetMemoryMap>(boot_services_table, efi::BOOT_SERVICES_GET_MEMORY_MAP);
    const auto exit_boot_services =
        service<ExitBootServices>(boot_services_table, efi::BOOT_SERVICES_EXIT_BOOT_SERVICES);

    uint64_t status = 0, stale_key = 0;
    for (uint32_t attempt = 1; attempt <= 2; ++attempt) {
        uint64_t size = EFI_MMAP_BUFFER_SIZE, key = 0, desc_size = 0;
        uint32_t desc_version = 0;
        status = get_memory_map(&size, out->map, &key, &desc_size, &desc_version);
        if (status == efi::BUFFER_TOO_SMALL) {
            out->map_size = size;
            return set_result(out, EfiExitResult::map_too_large, status);
        }
        if (status != efi::SUCCESS)
            return set_result(out, EfiExitResult::get_memory_map_failed, status);
        /* The converter: record the map, nothing else (it may run twice and must allocate nothing). */
        out->map_size = size;
        out->map_key = key;
        out->desc_size = desc_size;
        out->desc_version = desc_version;

        /*
         * debug-ebs= (tests): make this attempt's key stale.  The first
         * attempt allocates a page after GetMemoryMap(), so the firmware's
         * map really changes; the second may call nothing but
         * GetMemoryMap() (7.4), so it passes the first attempt's key,
         * which is stale by then.
         */
        uint64_t use_key = key;
        if (attempt == 1 && debug != DebugEbs::none) {
            uint64_t page = 0;
            const auto allocate_pages = service<AllocatePages>(boot_services_table, efi::BOOT_SERVICES_ALLOCATE_PAGES);
            if (allocate_pages(efi::ALLOCATE_ANY_PAGES, efi::LOADER_DATA, 1, &page) == efi::SUCCESS)
                ++out->stale_injected;
            stale_key = key;
        } else if (attempt == 2 && debug == DebugEbs::stale_twice) {
            use_key = stale_key;
            ++out->stale_injected;
        }

        status = exit_boot_services(image_handle, use_key);
        out->attempts = attempt;
        if (status == efi::SUCCESS)
            return set_result(out, EfiExitResult::exited, 0);
        if (status != efi::INVALID_PARAMETER)
            break;
    }
    set_result(out, EfiExitResult::exit_refused, status);
}
