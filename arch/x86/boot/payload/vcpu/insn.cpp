/*
 * Decoding the register <-> memory moves relboot emulates (insn.h).
 * Intel SDM Vol. 2A, 2.1.1 "Instruction Prefixes", 2.1.5 "Addressing-Mode
 * Encoding of ModR/M and SIB Bytes" (tables 2-1 for 16-bit, 2-2 and 2-3
 * for 32-bit addressing), 2.2.1 "REX Prefixes" (2.2.1.6 RIP-relative
 * addressing).  Freestanding: reads only bytes[0, count).
 */
#include "payload/vcpu/insn.h"

namespace relboot {

namespace {

/* Legacy prefixes (SDM 2.1.1). */
constexpr uint8_t PREFIX_OPERAND_SIZE = 0x66;
constexpr uint8_t PREFIX_ADDRESS_SIZE = 0x67;
constexpr uint8_t PREFIX_LOCK = 0xf0;
constexpr uint8_t PREFIX_REPNE = 0xf2;
constexpr uint8_t PREFIX_REP = 0xf3;
constexpr uint8_t SEGMENT_OVERRIDES[] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65};   /* ES, CS, SS, DS, FS, GS */

/* REX (SDM 2.2.1): 0100WRXB. */
constexpr uint8_t REX_MASK = 0xf0;
constexpr uint8_t REX_BASE = 0x40;
constexpr uint8_t REX_W = 0x08;
constexpr uint8_t REX_R = 0x04;

/* The opcodes (SDM Vol. 2B, MOV and XCHG). */
constexpr uint8_t OP_MOV_RM8_R8 = 0x88;    /* MOV r/m8, r8 */
constexpr uint8_t OP_MOV_RM_R = 0x89;      /* MOV r/m16/32/64, r16/32/64 */
constexpr uint8_t OP_MOV_R8_RM8 = 0x8a;    /* MOV r8, r/m8 */
constexpr uint8_t OP_MOV_R_RM = 0x8b;      /* MOV r16/32/64, r/m16/32/64 */
constexpr uint8_t OP_XCHG_RM_R = 0x87;     /* XCHG r/m16/32/64, r16/32/64 */

/* ModR/M fields (SDM 2.1.5). */
constexpr uint8_t MOD_REGISTER = 3;
constexpr uint8_t RM_SIB = 4;              /* 32/64-bit addressing: a SIB byte follows */
constexpr uint8_t RM_DISP32 = 5;           /* with mod 00: disp32 (RIP-relative in 64-bit code), no base */
constexpr uint8_t SIB_BASE_NONE = 5;       /* with mod 00: disp32, no base */
constexpr uint8_t RM16_DISP16 = 6;         /* 16-bit addressing with mod 00: disp16, no base */

bool is_segment_override(uint8_t b)
{
    for (uint8_t s : SEGMENT_OVERRIDES)
        if (b == s)
            return true;
    return false;
}

bool is_refused_prefix(uint8_t b)
{
    return b == PREFIX_LOCK || b == PREFIX_REPNE || b == PREFIX_REP || b == PREFIX_ADDRESS_SIZE;
}

/* What follows the ModR/M byte: a SIB byte or not, then the displacement's bytes. */
struct AddressingTail {
    bool sib;
    uint32_t disp;     /* bytes of displacement */
};

AddressingTail addressing_16(uint8_t mod, uint8_t rm)
{
    if (mod == 0)
        return {false, rm == RM16_DISP16 ? 2u : 0u};
    return {false, mod == 1 ? 1u : 2u};
}

/* 32- and 64-bit addressing: sib_base is the SIB byte's base field, read only when the form has a SIB. */
AddressingTail addressing_32(uint8_t mod, uint8_t rm, uint8_t sib_base)
{
    const bool sib = rm == RM_SIB;
    if (mod == 1)
        return {sib, 1};
    if (mod == 2)
        return {sib, 4};
    if (sib)
        return {true, sib_base == SIB_BASE_NONE ? 4u : 0u};
    return {false, rm == RM_DISP32 ? 4u : 0u};
}

} // namespace

InsnError insn_decode_mem_move(const uint8_t* bytes, uint32_t count, CodeSize code, MemMove* out)
{
    const uint32_t limit = count < INSN_MAX ? count : INSN_MAX;
    uint32_t at = 0;

    /* Legacy prefixes: 66 and segment overrides taken (the segment does not matter: the address comes from the fault). */
    bool operand_size = false;
    for (;; ++at) {
        if (at >= limit)
            return InsnError::truncated;
        const uint8_t b = bytes[at];
        if (b == PREFIX_OPERAND_SIZE)
            operand_size = true;
        else if (is_refused_prefix(b))
            return InsnError::prefix;
        else if (!is_segment_override(b))
            break;
    }

    /* REX: 64-bit code only, and only as the last byte before the opcode. */
    uint8_t rex = 0;
    if (code == CodeSize::bits64 && (bytes[at] & REX_MASK) == REX_BASE) {
        rex = bytes[at++];
        if (at >= limit)
            return InsnError::truncated;
        const uint8_t next = bytes[at];
        if ((next & REX_MASK) == REX_BASE || next == PREFIX_OPERAND_SIZE || is_segment_override(next) ||
            is_refused_prefix(next))
            return InsnError::prefix;
    }

    const uint8_t opcode = bytes[at++];
    if (opcode != OP_MOV_RM8_R8 && opcode != OP_MOV_RM_R && opcode != OP_MOV_R8_RM8 && opcode != OP_MOV_R_RM &&
        opcode != OP_XCHG_RM_R)
        return InsnError::opcode;

    if (at >= limit)
        return InsnError::truncated;
    const uint8_t modrm = bytes[at++];
    const uint8_t mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
    if (mod == MOD_REGISTER)
        return InsnError::register_operand;

    AddressingTail tail;
    if (code == CodeSize::bits16) {
        tail = addressing_16(mod, rm);
    } else {
        const bool has_sib = rm == RM_SIB;
        if (has_sib && at >= limit)
            return InsnError::truncated;
        tail = addressing_32(mod, rm, has_sib ? bytes[at] & 7 : 0);
    }
    const uint32_t length = at + (tail.sib ? 1 : 0) + tail.disp;
    if (length > limit)
        return InsnError::truncated;

    const bool byte_op = opcode == OP_MOV_RM8_R8 || opcode == OP_MOV_R8_RM8;
    uint8_t size;
    if (byte_op)
        size = 1;
    else if (rex & REX_W)
        size = 8;
    else if (code == CodeSize::bits16)
        size = operand_size ? 4 : 2;
    else
        size = operand_size ? 2 : 4;

    MemMove m{};
    m.length = uint8_t(length);
    m.size = size;
    m.high_byte = byte_op && !rex && reg >= 4;
    m.reg = m.high_byte ? uint8_t(reg - 4) : uint8_t(reg | ((rex & REX_R) ? 8 : 0));
    m.store = opcode != OP_MOV_R8_RM8 && opcode != OP_MOV_R_RM;
    m.exchange = opcode == OP_XCHG_RM_R;
    *out = m;
    return InsnError::none;
}

const char* insn_error_name(InsnError e)
{
    switch (e) {
    case InsnError::none: return "none";
    case InsnError::truncated: return "truncated";
    case InsnError::opcode: return "opcode";
    case InsnError::register_operand: return "register_operand";
    case InsnError::prefix: return "prefix";
    }
    return "?";
}

} // namespace relboot
