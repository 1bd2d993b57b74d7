/*
 * Physical memory through relboot's identity map (64-bit stage and
 * hand-off targets): [0, BootState.identity_limit) is mapped at virtual =
 * physical (handoff.h).
 */
#ifndef RELBOOT_IDENTITY_MAP_H
#define RELBOOT_IDENTITY_MAP_H

#include <cstdint>
#include "platform/acpi.h"
#include "boot_state.h"
#include "stage64/image_symbols.h"
#include "layout.h"

namespace relboot {

/* A pointer to physical address pa; the caller checks that pa lies below identity_limit. */
template <class T>
const T* phys_ptr(PhysAddr pa)
{
    return reinterpret_cast<const T*>(pa.value);
}

/*
 * The identity (physical) address of an image object given its link-time
 * (higher-half) one: .boot_tables lies outside the higher-half map, so its
 * objects are reached this way.
 */
template <class T>
T* image_identity(const BootState& bs, T* higher_half)
{
    return reinterpret_cast<T*>(image_phys(bs, higher_half).value);
}

/* A PhysMemory window on [0, limit): the identity map, as mem= left it. */
PhysMemory identity_memory(const uint64_t* limit);

} // namespace relboot

#endif
