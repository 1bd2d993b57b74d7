/*
 * Physical addresses and ranges, as their own types.
 *
 * Everything the hand-off passes on (BootInfo) names physical memory with
 * these, never with a bare integer or a pointer: 64 bits wide in both
 * stages, so memory above 4 GiB is representable, and a distinct type, so
 * a physical address cannot be mixed up with a virtual one or a size by
 * accident.  8-byte aligned in both stages (the i386 ABI aligns a bare
 * uint64_t to 4), so structures that hold them have one layout.
 *
 * "Absent" is address 0 throughout BootInfo: relboot never reports an
 * object at physical address 0 (the real-mode interrupt vector table
 * lives there).
 */
#ifndef RELBOOT_PHYS_H
#define RELBOOT_PHYS_H

#include <stdint.h>

namespace relboot {

/* A physical address (bytes). */
struct alignas(8) PhysAddr {
    uint64_t value;

    constexpr bool present() const { return value != 0; }
    friend constexpr bool operator==(PhysAddr a, PhysAddr b) { return a.value == b.value; }
    friend constexpr bool operator!=(PhysAddr a, PhysAddr b) { return a.value != b.value; }
    friend constexpr bool operator<(PhysAddr a, PhysAddr b) { return a.value < b.value; }
    friend constexpr PhysAddr operator+(PhysAddr a, uint64_t bytes) { return PhysAddr{a.value + bytes}; }
};
static_assert(sizeof(PhysAddr) == 8 && alignof(PhysAddr) == 8);

/*
 * A physical range [base, base + size), size in bytes.  A range never
 * wraps: whoever builds one from loader input clamps it so that
 * base + size <= 2^64 - 1 (the last byte of the address space is given
 * up; no machine has RAM there).
 */
struct alignas(8) PhysRange {
    PhysAddr base;
    uint64_t size;

    constexpr uint64_t end() const { return base.value + size; }   /* exclusive */
    constexpr bool contains(PhysAddr a) const { return a.value >= base.value && a.value - base.value < size; }
    constexpr bool overlaps(const PhysRange& o) const
    {
        return size && o.size && base.value < o.end() && o.base.value < end();
    }
};
static_assert(sizeof(PhysRange) == 16);

/* Largest end a range may have (see PhysRange). */
inline constexpr uint64_t PHYS_END_MAX = ~uint64_t(0);

/*
 * [base, base + size) clamped to end at PHYS_END_MAX at most: the way
 * to build a range from a loader's (base, length) pair.
 */
constexpr PhysRange phys_range_clamped(uint64_t base, uint64_t size)
{
    return PhysRange{PhysAddr{base}, size > PHYS_END_MAX - base ? PHYS_END_MAX - base : size};
}

} // namespace relboot

#endif
