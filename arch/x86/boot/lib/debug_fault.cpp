#include "lib/debug_fault.h"
#include <x86/segment.h>

namespace relboot {

void raise_debug_fault(DebugFault fault, const void* read_only)
{
    switch (fault) {
    case DebugFault::ud2:
        asm volatile("ud2");
        break;
    case DebugFault::gp:
#if defined(__x86_64__)
        asm volatile("movq (%0), %%rax" : : "r"(0x8000000000000000ULL) : "rax", "memory");
#else
        asm volatile("movl %0, %%gs" : : "r"(uint32_t(GDT_ENTRIES * 8)));
#endif
        break;
    case DebugFault::pf:
        asm volatile("movb $0, (%0)" : : "r"(read_only) : "memory");
        break;
    default:
        break;
    }
}

} // namespace relboot
