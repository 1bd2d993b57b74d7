/*
 * The vCPU layer's instruction decoder (arch/x86/boot/payload/vcpu/insn.h):
 * every register <-> memory MOV form Linux emits on the local APIC's page
 * (the bytes of real encodings, from `gcc -c` and `as --32` output
 * disassembled with objdump, and forms built by hand from the SDM's
 * ModR/M and SIB tables), in 64-, 32- and 16-bit code, and the refusals:
 * a register operand, other opcodes, LOCK/REP/67 prefixes, a misplaced
 * REX, and every truncation.  Each decode reads a heap copy of exactly
 * count bytes, so ASan catches a read past them.
 */
#include <gtest/gtest.h>
#include "payload/vcpu/insn.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace relboot;

namespace {

using Bytes = std::vector<uint8_t>;

/* insn_decode_mem_move() on a copy of bytes[0, count) that ends exactly there. */
InsnError decode(const Bytes& bytes, uint32_t count, CodeSize code, MemMove* out)
{
    std::unique_ptr<uint8_t[]> copy(new uint8_t[count ? count : 1]);
    if (count)
        std::memcpy(copy.get(), bytes.data(), count);
    return insn_decode_mem_move(copy.get(), count, code, out);
}

InsnError decode(const Bytes& bytes, CodeSize code, MemMove* out)
{
    return decode(bytes, uint32_t(bytes.size()), code, out);
}

struct Form {
    const char* what;       /* the instruction, AT&T syntax as objdump prints it */
    Bytes bytes;
    CodeSize code;
    uint8_t size;
    uint8_t reg;
    bool store;
    bool exchange = false;
    bool high_byte = false;
};

constexpr auto B64 = CodeSize::bits64;
constexpr auto B32 = CodeSize::bits32;
constexpr auto B16 = CodeSize::bits16;

/*
 * Real encodings: asm() lines in a C file built with `gcc -c`, and
 * `as --32` for .code32/.code16, then `objdump -d`; the bytes copied
 * from its listing.
 */
const std::vector<Form> REAL_FORMS = {
    /* Linux's own: native_apic_mem_write()/read() on the fixmap (absolute disp32 through a SIB without base). */
    {"mov %esi,0xffffffffff5fd300", {0x89, 0x34, 0x25, 0x00, 0xd3, 0x5f, 0xff}, B64, 4, 6, true},
    {"mov 0xffffffffff5fd020,%eax", {0x8b, 0x04, 0x25, 0x20, 0xd0, 0x5f, 0xff}, B64, 4, 0, false},
    {"mov %esi,-0xa02d00(%rdi)", {0x89, 0xb7, 0x00, 0xd3, 0x5f, 0xff}, B64, 4, 6, true},
    {"xchg %esi,(%rdi)", {0x87, 0x37}, B64, 4, 6, true, true},
    /* Base + disp32, disp8, no displacement, the rsp/rbp special cases. */
    {"mov %eax,0x300(%rdx)", {0x89, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 4, 0, true},
    {"mov 0x300(%rdx),%eax", {0x8b, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 4, 0, false},
    {"mov %eax,(%rax)", {0x89, 0x00}, B64, 4, 0, true},
    {"mov %ecx,0x10(%rbx)", {0x89, 0x4b, 0x10}, B64, 4, 1, true},
    {"mov %edx,(%rsp)", {0x89, 0x14, 0x24}, B64, 4, 2, true},
    {"mov %ebx,0x0(%rbp)", {0x89, 0x5d, 0x00}, B64, 4, 3, true},
    {"mov %esp,0x7f(%rsi)", {0x89, 0x66, 0x7f}, B64, 4, 4, true},
    {"mov %ebp,-0x80(%rdi)", {0x89, 0x6f, 0x80}, B64, 4, 5, true},
    /* SIB with index and scale. */
    {"mov %esi,0x300(%rax,%rcx,4)", {0x89, 0xb4, 0x88, 0x00, 0x03, 0x00, 0x00}, B64, 4, 6, true},
    {"mov %edi,0x20(%rdx,%rbx,8)", {0x89, 0x7c, 0xda, 0x20}, B64, 4, 7, true},
    /* Every register r8..r15 through REX.R, bases and indexes through REX.B and REX.X. */
    {"mov %r8d,0x300(%rdx)", {0x44, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 4, 8, true},
    {"mov %r9d,(%rax)", {0x44, 0x89, 0x08}, B64, 4, 9, true},
    {"mov %r10d,0x10(%r11)", {0x45, 0x89, 0x53, 0x10}, B64, 4, 10, true},
    {"mov %r11d,(%r12)", {0x45, 0x89, 0x1c, 0x24}, B64, 4, 11, true},
    {"mov %r12d,0x0(%r13)", {0x45, 0x89, 0x65, 0x00}, B64, 4, 12, true},
    {"mov %r13d,0x300(%r14,%r15,2)", {0x47, 0x89, 0xac, 0x7e, 0x00, 0x03, 0x00, 0x00}, B64, 4, 13, true},
    {"mov %r14d,0x0(%rip)", {0x44, 0x89, 0x35, 0x00, 0x00, 0x00, 0x00}, B64, 4, 14, true},
    {"mov %r15d,0x12345678(,%r9,4)", {0x46, 0x89, 0x3c, 0x8d, 0x78, 0x56, 0x34, 0x12}, B64, 4, 15, true},
    {"mov 0x300(%r8),%r15d", {0x45, 0x8b, 0xb8, 0x00, 0x03, 0x00, 0x00}, B64, 4, 15, false},
    {"mov 0x300(%rdx),%r8d", {0x44, 0x8b, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 4, 8, false},
    {"mov 0x0(%rip),%eax", {0x8b, 0x05, 0x00, 0x00, 0x00, 0x00}, B64, 4, 0, false},
    {"mov (%rsp,%r12,1),%eax", {0x42, 0x8b, 0x04, 0x24}, B64, 4, 0, false},
    {"xchg %r8d,0x300(%rdx)", {0x44, 0x87, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 4, 8, true, true},
    /* Other sizes: REX.W, 66, byte moves (AH..BH without REX, SIL with it). */
    {"mov %rax,0x300(%rdx)", {0x48, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 8, 0, true},
    {"mov 0x300(%rdx),%r11", {0x4c, 0x8b, 0x9a, 0x00, 0x03, 0x00, 0x00}, B64, 8, 11, false},
    {"mov %ax,0x300(%rdx)", {0x66, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 2, 0, true},
    {"mov %al,0x300(%rdx)", {0x88, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 1, 0, true},
    {"mov %ah,0x300(%rdx)", {0x88, 0xa2, 0x00, 0x03, 0x00, 0x00}, B64, 1, 0, true, false, true},
    {"mov %sil,0x300(%rdx)", {0x40, 0x88, 0xb2, 0x00, 0x03, 0x00, 0x00}, B64, 1, 6, true},
    {"mov 0x300(%rdx),%bh", {0x8a, 0xba, 0x00, 0x03, 0x00, 0x00}, B64, 1, 3, false, false, true},
    /* Segment overrides. */
    {"mov %fs:0x300(%rdx),%eax", {0x64, 0x8b, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, 4, 0, false},
    {"mov %eax,%gs:(%rax)", {0x65, 0x89, 0x00}, B64, 4, 0, true},
    /* 32-bit code. */
    {"mov %eax,0x300(%edx) (32)", {0x89, 0x82, 0x00, 0x03, 0x00, 0x00}, B32, 4, 0, true},
    {"mov %esi,-0x11fffe0(,%ecx,4) (32)", {0x89, 0x34, 0x8d, 0x20, 0x00, 0xe0, 0xfe}, B32, 4, 6, true},
    {"mov %edi,(%esp) (32)", {0x89, 0x3c, 0x24}, B32, 4, 7, true},
    {"mov %ebx,0x8(%ebp) (32)", {0x89, 0x5d, 0x08}, B32, 4, 3, true},
    {"mov 0x20(%eax,%ebx,2),%ecx (32)", {0x8b, 0x4c, 0x58, 0x20}, B32, 4, 1, false},
    {"mov %ax,0x300(%edx) (32)", {0x66, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00}, B32, 2, 0, true},
    {"xchg %eax,(%ebx) (32)", {0x87, 0x03}, B32, 4, 0, true, true},
    /* 16-bit code (SDM table 2-1). */
    {"mov %ax,0x300(%bx) (16)", {0x89, 0x87, 0x00, 0x03}, B16, 2, 0, true},
    {"mov %eax,(%bx,%si) (16)", {0x66, 0x89, 0x00}, B16, 4, 0, true},
    {"mov %cx,0x4(%bp,%di) (16)", {0x89, 0x4b, 0x04}, B16, 2, 1, true},
    {"mov %dx,0x0(%bp) (16)", {0x89, 0x56, 0x00}, B16, 2, 2, true},
    {"mov %al,0x1234(%si) (16)", {0x88, 0x84, 0x34, 0x12}, B16, 1, 0, true},
    {"mov 0x10(%bx,%di),%sp (16)", {0x8b, 0x61, 0x10}, B16, 2, 4, false},
};

/* Forms built by hand from the SDM (Vol. 2A tables 2-1..2-3, 2.2.1.6), each naming the rule it tests. */
const std::vector<Form> SDM_FORMS = {
    /* mod 00 r/m 101: RIP + disp32 in 64-bit code, even with REX.B (r13 needs mod 01). */
    {"rip-relative with REX.B", {0x41, 0x8b, 0x05, 0x11, 0x22, 0x33, 0x44}, B64, 4, 0, false},
    /* The same ModR/M in 32-bit code: disp32, no base. */
    {"disp32 absolute (32)", {0x8b, 0x05, 0x00, 0x03, 0xe0, 0xfe}, B32, 4, 0, false},
    /* SIB base 101 with mod 00: disp32 and no base; with mod 01: rbp + disp8; with mod 10: rbp + disp32. */
    {"SIB no base, index", {0x8b, 0x04, 0x8d, 0x00, 0x03, 0x00, 0x00}, B64, 4, 0, false},
    {"SIB base rbp disp8", {0x8b, 0x44, 0x25, 0x10}, B64, 4, 0, false},
    {"SIB base rbp disp32", {0x8b, 0x84, 0x25, 0x00, 0x03, 0x00, 0x00}, B64, 4, 0, false},
    /* REX.B + r/m 100: still a SIB (r12). */
    {"REX.B SIB r12", {0x41, 0x89, 0x04, 0x24}, B64, 4, 0, true},
    /* REX.W beats 66; 66 ignored on byte moves; REX.W on a byte move still moves a byte. */
    {"66 REX.W", {0x66, 0x48, 0x89, 0x02}, B64, 8, 0, true},
    {"66 byte move", {0x66, 0x88, 0x02}, B64, 1, 0, true},
    {"REX.W byte move", {0x48, 0x88, 0x22}, B64, 1, 4, true},
    /* Any REX makes ModR/M.reg 4..7 SPL..DIL, not AH..BH. */
    {"REX spl", {0x40, 0x8a, 0x22}, B64, 1, 4, false},
    /* Several segment overrides and 66, in any order. */
    {"prefixes mixed", {0x2e, 0x66, 0x3e, 0x26, 0x36, 0x89, 0x02}, B64, 2, 0, true},
    /* 16-bit: mod 00 r/m 110 is disp16, no base; mod 10 gives disp16; 66 makes 32-bit operands. */
    {"disp16 absolute (16)", {0x8b, 0x06, 0x00, 0x03}, B16, 2, 0, false},
    {"bp+disp16 (16)", {0x89, 0x86, 0x00, 0x03}, B16, 2, 0, true},
    {"66 xchg (16)", {0x66, 0x87, 0x1c}, B16, 4, 3, true, true},
    /* The longest form: 7 prefix bytes, REX, opcode, ModR/M, SIB, disp32 = INSN_MAX bytes. */
    {"15 bytes", {0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x26, 0x44, 0x89, 0x84, 0x88, 0x00, 0x03, 0x00, 0x00}, B64, 2,
     8, true},
};

void expect_form(const Form& f)
{
    SCOPED_TRACE(f.what);
    MemMove m{};
    ASSERT_EQ(decode(f.bytes, f.code, &m), InsnError::none);
    EXPECT_EQ(m.length, f.bytes.size());
    EXPECT_EQ(m.size, f.size);
    EXPECT_EQ(m.reg, f.reg);
    EXPECT_EQ(m.store, f.store);
    EXPECT_EQ(m.exchange, f.exchange);
    EXPECT_EQ(m.high_byte, f.high_byte);

    /* Bytes after the instruction (the rest of a fetch) change nothing. */
    Bytes longer = f.bytes;
    longer.resize(INSN_MAX + 5, 0x90);
    MemMove more{};
    ASSERT_EQ(decode(longer, f.code, &more), InsnError::none);
    EXPECT_EQ(more.length, m.length);

    /* Every shorter count is truncated, and leaves *out alone. */
    for (uint32_t count = 0; count < f.bytes.size(); ++count) {
        MemMove untouched{};
        untouched.length = 0xee;
        EXPECT_EQ(decode(f.bytes, count, f.code, &untouched), InsnError::truncated) << "count " << count;
        EXPECT_EQ(untouched.length, 0xee);
    }
}

TEST(VcpuInsn, RealEncodings)
{
    for (const Form& f : REAL_FORMS)
        expect_form(f);
}

TEST(VcpuInsn, SdmForms)
{
    for (const Form& f : SDM_FORMS)
        expect_form(f);
}

TEST(VcpuInsn, SixteenBytesAreTooMany)
{
    const Form& f = SDM_FORMS.back();
    ASSERT_EQ(f.bytes.size(), INSN_MAX);
    /* One more prefix: the same instruction no longer fits in INSN_MAX bytes, however many there are. */
    Bytes sixteen = f.bytes;
    sixteen.insert(sixteen.begin(), 0x26);
    MemMove m{};
    EXPECT_EQ(decode(sixteen, B64, &m), InsnError::truncated);
    sixteen.resize(40, 0x90);
    EXPECT_EQ(decode(sixteen, B64, &m), InsnError::truncated);
}

struct Refusal {
    const char* what;
    Bytes bytes;
    CodeSize code;
    InsnError error;
};

const std::vector<Refusal> REFUSALS = {
    /* No memory operand. */
    {"mov %eax,%ecx", {0x89, 0xc1}, B64, InsnError::register_operand},
    {"mov %ecx,%eax (8b)", {0x8b, 0xc1}, B64, InsnError::register_operand},
    {"xchg %eax,%ecx (87)", {0x87, 0xc8}, B32, InsnError::register_operand},
    {"REX mov %r8d,%r9d", {0x45, 0x89, 0xc1}, B64, InsnError::register_operand},
    /* Other opcodes, from gcc/as output and the SDM. */
    {"movl $1,0x300(%rdx)", {0xc7, 0x82, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00}, B64, InsnError::opcode},
    {"add %eax,0x300(%rdx)", {0x01, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, InsnError::opcode},
    {"mov 0xfee00300,%eax (a1 moffs)", {0xa1, 0x00, 0x03, 0xe0, 0xfe}, B32, InsnError::opcode},
    {"mov %eax,moffs (a3)", {0xa3, 0x00, 0x03, 0xe0, 0xfe}, B32, InsnError::opcode},
    {"xchg %al,(%rdx) (86)", {0x86, 0x02}, B64, InsnError::opcode},
    {"lea 0x300(%rdx),%eax", {0x8d, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, InsnError::opcode},
    {"movnti (0f c3)", {0x0f, 0xc3, 0x02}, B64, InsnError::opcode},
    {"nop", {0x90}, B64, InsnError::opcode},
    /* 40..4F outside 64-bit code are INC/DEC. */
    {"inc %eax (32)", {0x40, 0x89, 0x02}, B32, InsnError::opcode},
    {"dec %eax (16)", {0x48, 0x89, 0x02}, B16, InsnError::opcode},
    /* Prefixes the decoder does not take. */
    {"rep movsl", {0xf3, 0xa5}, B64, InsnError::prefix},
    {"lock xchg %eax,(%rdx)", {0xf0, 0x87, 0x02}, B64, InsnError::prefix},
    {"rep mov", {0xf3, 0x89, 0x02}, B64, InsnError::prefix},
    {"repne mov", {0xf2, 0x89, 0x02}, B64, InsnError::prefix},
    {"mov %eax,0x300(%edx) (67)", {0x67, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00}, B64, InsnError::prefix},
    {"67 in 16-bit code", {0x67, 0x66, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00}, B16, InsnError::prefix},
    {"lock after segment", {0x64, 0xf0, 0x87, 0x02}, B64, InsnError::prefix},
    /* REX not last before the opcode. */
    {"REX then 66", {0x48, 0x66, 0x89, 0x02}, B64, InsnError::prefix},
    {"REX then segment", {0x44, 0x64, 0x89, 0x02}, B64, InsnError::prefix},
    {"REX twice", {0x44, 0x48, 0x89, 0x02}, B64, InsnError::prefix},
    {"REX then lock", {0x48, 0xf0, 0x87, 0x02}, B64, InsnError::prefix},
};

TEST(VcpuInsn, Refusals)
{
    for (const Refusal& r : REFUSALS) {
        SCOPED_TRACE(r.what);
        MemMove m{};
        m.length = 0xee;
        EXPECT_EQ(decode(r.bytes, r.code, &m), r.error);
        EXPECT_EQ(m.length, 0xee) << "*out written on a refusal";
    }
}

TEST(VcpuInsn, PrefixesOnlyAreTruncated)
{
    MemMove m{};
    EXPECT_EQ(decode(Bytes{}, B64, &m), InsnError::truncated);
    EXPECT_EQ(decode(Bytes(3, 0x66), B64, &m), InsnError::truncated);
    EXPECT_EQ(decode(Bytes{0x48}, B64, &m), InsnError::truncated);
    /* 15 prefixes and more: no opcode within INSN_MAX, whatever count says. */
    Bytes many(INSN_MAX + 4, 0x2e);
    many.push_back(0x89);
    many.push_back(0x02);
    EXPECT_EQ(decode(many, B64, &m), InsnError::truncated);
}

TEST(VcpuInsn, ErrorNames)
{
    EXPECT_STREQ(insn_error_name(InsnError::none), "none");
    EXPECT_STREQ(insn_error_name(InsnError::truncated), "truncated");
    EXPECT_STREQ(insn_error_name(InsnError::opcode), "opcode");
    EXPECT_STREQ(insn_error_name(InsnError::register_operand), "register_operand");
    EXPECT_STREQ(insn_error_name(InsnError::prefix), "prefix");
    EXPECT_STREQ(insn_error_name(InsnError(200)), "?");
}

} // namespace
