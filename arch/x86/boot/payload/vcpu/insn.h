/*
 * Decoding the few guest instructions relboot emulates: the moves
 * between a general-purpose register and memory that Linux uses on the
 * local APIC's page (arch/x86/include/asm/apic.h: native_apic_mem_write()
 * is MOV r32 -> m32, or XCHG on CPUs with the 11AP erratum;
 * native_apic_mem_read() is MOV m32 -> r32).  Intel SDM Vol. 2A, 2.1
 * "Instruction Format" (prefixes, ModR/M, SIB, displacement), 2.2.1 "REX
 * Prefixes"; Vol. 2B, MOV (89 /r, 8B /r) and XCHG (87 /r).
 *
 * Pure: host-tested and fuzzed.  Anything it does not know is refused
 * with the reason, never guessed: the caller then ends the run with one
 * line naming the bytes (vcpu.h).
 */
#ifndef RELBOOT_VCPU_INSN_H
#define RELBOOT_VCPU_INSN_H

#include <cstdint>

namespace relboot {

/* Longest x86 instruction (bytes). */
inline constexpr uint32_t INSN_MAX = 15;

/* The guest's code size at the instruction (CS.L, CS.D, CR0.PE). */
enum class CodeSize : uint8_t { bits16 = 0, bits32 = 1, bits64 = 2 };

/*
 * What a decoded register <-> memory move does.  The memory operand's
 * address is not decoded (the caller has it from the fault: the NPF's
 * guest-physical address); its bytes are only counted in length.
 */
struct MemMove {
    uint8_t length;         /* bytes of the instruction, 2..INSN_MAX */
    uint8_t size;           /* bytes moved: 1 (88, 8A), or 2, 4 or 8 (89, 8B, 87: 66, REX.W and the code size) */
    uint8_t reg;            /* the general register (SDM numbering: 0 rAX, 1 rCX, 2 rDX, 3 rBX, 4 rSP, 5 rBP, 6 rSI, 7 rDI, 8..15 r8..r15) */
    bool high_byte;         /* size 1 without REX, ModR/M.reg 4..7: AH, CH, DH, BH, i.e. bits 15:8 of reg (then 0..3) */
    bool store;             /* true: register -> memory (MOV 88/89 /r, XCHG 87 /r); false: memory -> register (8A/8B /r) */
    bool exchange;          /* XCHG: the register also gets the memory's old value */
};

/* Why an instruction was refused. */
enum class InsnError : uint8_t {
    none = 0,
    truncated,              /* fewer bytes than the instruction needs (count, or INSN_MAX) */
    opcode,                 /* not one of 88, 89, 8A, 8B, 87 (with the prefixes below) */
    register_operand,       /* ModR/M.mod = 3: no memory operand */
    prefix,                 /* a prefix other than REX, 66 (operand size), segment overrides (LOCK F0, REP F2/F3,
                               address size 67); or a REX that is not the last byte before the opcode */
};

/*
 * Decodes the instruction at bytes[0, count) (at most INSN_MAX are
 * looked at; count 0 is truncated) for code of the given size into *out.
 * Knows MOV r/m <-> r (88, 89, 8A, 8B) and XCHG r/m, r (87) with a
 * memory operand, with 66, segment-override (26, 2E, 36, 3E, 64, 65; any
 * number, in any order) and REX prefixes (40..4F only in 64-bit code,
 * one, the last byte before the opcode: elsewhere they are INC/DEC and
 * refused as opcodes), every ModR/M and SIB form and 8/16/32-bit
 * displacements (mod 00 r/m 101 is RIP-relative disp32 in 64-bit code,
 * disp32 in 32-bit code; 16-bit code uses 16-bit addressing, SDM table
 * 2-1, with disp16).  The first error met, reading from the start, is
 * returned.  Returns InsnError::none and fills *out, or the error and
 * leaves *out alone.  Never reads past bytes[count - 1].
 */
InsnError insn_decode_mem_move(const uint8_t* bytes, uint32_t count, CodeSize code, MemMove* out);

/* The error's text for the error line: "none", "truncated", "opcode", "register_operand", "prefix" ("?" for a value outside the enum). */
const char* insn_error_name(InsnError e);

} // namespace relboot

#endif
