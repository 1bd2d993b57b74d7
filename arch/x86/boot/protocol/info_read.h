/*
 * What the protocols' early steps and fillers share: reading a loader's
 * structures through a PhysMemory window (acpi.h), so that the host tests
 * and fuzzers run the same code on a buffer; what a filler is given
 * (FillContext); and the last step of every filler, the memory map with
 * what relboot keeps in use.  A structure relboot cannot use is refused
 * with a BootError (lib/error.h).
 */
#ifndef RELBOOT_INFO_READ_H
#define RELBOOT_INFO_READ_H

#include <cstddef>
#include <cstdint>
#include "platform/acpi.h"
#include "platform/memory_map.h"
#include "boot_state.h"
#include "lib/error.h"

namespace relboot {

/*
 * The T at p, copied: a loader's structures need not be aligned for T,
 * and a copy assumes neither alignment nor aliasing (one load on x86).
 * T is one of the specifications' structs (include/relboot/spec/).
 */
template <class T>
inline T load_as(const uint8_t* p)
{
    T v;
    __builtin_memcpy(&v, p, sizeof(T));
    return v;
}

/*
 * The member `field` of the spec struct T whose first byte is at p, read
 * on its own (load_as at offsetof(T, field)).  The 32-bit stage reads
 * fields this way, never whole structs: it links with -flto together
 * with lib/string.cpp, so a struct's copy becomes that file's byte-loop
 * memcpy, where a field of up to 4 bytes is one load.
 */
#define LOAD_FIELD(T, p, field) ::relboot::load_as<decltype(T::field)>((p) + offsetof(T, field))

/*
 * What a protocol's filler (protocols.def) gets besides BootState, in the
 * 64-bit stage from fill_boot_info() (stage64/main64.cpp), in the host
 * tests and fuzzers from buffers.
 */
struct FillContext {
    BootTables* tables;     /* BootState's tables, to fill */
    PhysAddr tables_phys;   /* their physical address (BootState names them by it) */
    PhysMemory mem;         /* the physical memory the filler may read: the identity map */
    PhysAddr efi_exit;      /* the EFI amd64 entry's EfiExit record (efi_exit.h), read through mem;
                               multiboot2 with BootState.entry_efi64 only */
};

/* Longest string (command line, module string) relboot looks for a NUL in. */
inline constexpr uint32_t INFO_STRING_MAX = 0x10000;

/*
 * The NUL-terminated string at phys: where it can be read, with *len its
 * bytes before the NUL; nullptr when phys is 0, mem cannot map it, or
 * there is no NUL within INFO_STRING_MAX bytes.
 */
const char* info_string(const PhysMemory& mem, uint64_t phys, uint32_t* len);

/*
 * What a filler marks in use in BootState's memory map: relboot's image
 * first, then the information structure, the command line, the module
 * list, and each module with its string.
 */
struct InUse {
    MemoryRange ranges[4 + 2 * MODULES_MAX];
    uint32_t count;

    explicit InUse(const BootState& bs) : count(0) { add(bs.load_base, bs.image_size, MemoryType::relboot); }
    void add(PhysAddr base, uint64_t size, MemoryType type) { ranges[count++] = MemoryRange{base, size, type, 0}; }
};

/*
 * The last step of a filler, after it added every firmware range to map
 * (a MemoryMapBuilder over tables.memory_map, MEMORY_MAP_MAX entries):
 * claims the in-use ranges used.ranges (relboot's image first), and
 * records in bs the map (address, count; when the cap dropped ranges,
 * WARN_MMAP_TRUNCATED, memory_map_cut and memory_map_dropped) and the
 * module table: module_count = min(module_total, MODULES_MAX) entries the
 * filler wrote, and, past MODULES_MAX, WARN_MODULES_TRUNCATED with
 * modules_dropped = module_total - MODULES_MAX.
 */
void boot_tables_finish(BootState& bs, MemoryMapBuilder& map, PhysAddr tables_phys, const InUse& used,
                        uint32_t module_total);

} // namespace relboot

#endif
