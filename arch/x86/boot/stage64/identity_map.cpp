#include "stage64/identity_map.h"

namespace relboot {

namespace {

const uint8_t* identity_at(const void* ctx, uint64_t phys, uint64_t len)
{
    const uint64_t limit = *static_cast<const uint64_t*>(ctx);
    /* Physical 0 would be a null pointer: nothing relboot reads lies there (handoff: 0 = absent). */
    if (phys == 0 || phys >= limit || len > limit - phys)
        return nullptr;
    return reinterpret_cast<const uint8_t*>(phys);
}

} // namespace

PhysMemory identity_memory(const uint64_t* limit)
{
    return PhysMemory{identity_at, limit};
}

} // namespace relboot
