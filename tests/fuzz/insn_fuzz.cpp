/*
 * libFuzzer target for the vCPU layer's instruction decoder
 * (arch/x86/boot/payload/vcpu/insn.h): the first byte picks the code size
 * (16, 32 or 64-bit), the rest are the instruction bytes, handed over in
 * an allocation of exactly their size, so ASan stops any read past
 * count.  A decoded move must be well-formed and no longer than count
 * or INSN_MAX, and decode the same from exactly its own bytes (and be
 * truncated one byte short); a refusal must leave *out alone.
 */
#include "payload/vcpu/insn.h"

#include <cstring>
#include <memory>

using namespace relboot;

namespace {

constexpr uint8_t SENTINEL = 0xa5;

/* A decode of bytes[0, count) from a copy that ends exactly there. */
InsnError decode_exact(const uint8_t* bytes, uint32_t count, CodeSize code, MemMove* out)
{
    std::unique_ptr<uint8_t[]> copy(new uint8_t[count ? count : 1]);
    std::memcpy(copy.get(), bytes, count);
    return insn_decode_mem_move(copy.get(), count, code, out);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const CodeSize code = CodeSize(data[0] % 3);
    const uint8_t* bytes = data + 1;
    const uint32_t count = uint32_t(size - 1);

    MemMove m;
    std::memset(&m, SENTINEL, sizeof(m));
    const InsnError e = insn_decode_mem_move(bytes, count, code, &m);
    if (e != InsnError::none) {
        if (uint8_t(e) > uint8_t(InsnError::prefix))
            __builtin_trap();
        const uint8_t* raw = reinterpret_cast<const uint8_t*>(&m);
        for (size_t i = 0; i < sizeof(m); ++i)
            if (raw[i] != SENTINEL)
                __builtin_trap();   /* *out written on a refusal */
        return 0;
    }

    if (m.length < 2 || m.length > count || m.length > INSN_MAX)
        __builtin_trap();
    if (m.size != 1 && m.size != 2 && m.size != 4 && m.size != 8)
        __builtin_trap();
    if (m.reg > 15 || (m.high_byte && (m.size != 1 || m.reg > 3)))
        __builtin_trap();
    if (code != CodeSize::bits64 && m.reg > 7)
        __builtin_trap();   /* r8..r15 need REX, which only 64-bit code has */
    if (m.size == 8 && code != CodeSize::bits64)
        __builtin_trap();
    if (m.exchange && !m.store)
        __builtin_trap();

    /* Exactly its own bytes decode to the same move; one byte fewer is truncated. */
    MemMove again{};
    if (decode_exact(bytes, m.length, code, &again) != InsnError::none || std::memcmp(&again, &m, sizeof(m)) != 0)
        __builtin_trap();
    if (decode_exact(bytes, m.length - 1u, code, &again) != InsnError::truncated)
        __builtin_trap();
    return 0;
}
