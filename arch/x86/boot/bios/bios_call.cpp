/*
 * The C++ side of the real-mode BIOS-call thunk (bios_call.h,
 * realmode.S): copy it to its low page, and call through it.
 */
#include "bios/bios_call.h"

extern "C" const uint8_t realmode_blob[], realmode_blob_end[];

namespace relboot {

namespace {

/* One INT through the thunk at page (ctx): registers in, the blob, registers out. */
void thunk_call(void* ctx, BiosRegs* regs)
{
    uint8_t* page = static_cast<uint8_t*>(ctx);
    __builtin_memcpy(page + BIOS_CALL_REGS, regs, sizeof *regs);
    reinterpret_cast<void (*)()>(page)();
    __builtin_memcpy(regs, page + BIOS_CALL_REGS, sizeof *regs);
}

/* Real-mode memory is identity-mapped (below 1 MiB + 64 KiB; never page 0's null pointer). */
uint8_t* low_memory(void*, uint32_t linear, uint32_t len)
{
    constexpr uint32_t real_mode_end = 0x110000;
    if (linear == 0 || linear >= real_mode_end || len > real_mode_end - linear)
        return nullptr;
    return reinterpret_cast<uint8_t*>(uintptr_t(linear));
}

} // namespace

BiosBus bios_thunk_install(PhysAddr page)
{
    uint8_t* p = reinterpret_cast<uint8_t*>(page.value);
    __builtin_memcpy(p, realmode_blob, uint64_t(realmode_blob_end - realmode_blob));
    return BiosBus{p, thunk_call, low_memory, uint32_t(page.value) + BIOS_CALL_BUFFER};
}

} // namespace relboot
