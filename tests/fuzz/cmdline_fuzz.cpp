/*
 * libFuzzer target for the command line, the way the 32-bit stage meets
 * it: the input's first 4 bytes are tag 1's size field (arbitrary, so
 * sizes smaller or larger than the string are tried), the rest is the
 * string.  The MBI walker must refuse or bound it; when it accepts, the
 * parser runs on what it found and every recorded span is decoded.  The
 * raw bytes are also parsed directly with an arbitrary length.  Built
 * with ASan and UBSan: any out-of-bounds read, overflow or UB is a crash.
 */
#include "cmdline/cmdline.h"
#include "cmdline/keywords.h"
#include "cmdline/values.h"
#include "protocol/mbi.h"

#include <cstdint>
#include <cstring>
#include <vector>

using namespace relboot;

namespace {

/* A span lies within the parsed bytes (at most len, at most CMDLINE_MAX) and decodes to no more than its length. */
void check_span(const char* line, uint32_t len, Span span)
{
    char buf[CMDLINE_MAX];
    if (uint32_t(span.offset) + span.length > len || uint32_t(span.offset) + span.length > CMDLINE_MAX)
        __builtin_trap();
    if (cmdline_decode(line + span.offset, span.length, buf) > span.length)
        __builtin_trap();
}

/* The invariants of a parse of line[0, len): counts, spans and every enumerated value in range. */
void check_parse(const char* line, uint32_t len, const Options& o, const CmdlineSpans& spans)
{
    if (o.unknown_count > CMDLINE_MAX_UNKNOWN || o.malformed_count > CMDLINE_MAX_MALFORMED)
        __builtin_trap();
    for (uint32_t i = 0; i < o.unknown_count; ++i)
        check_span(line, len, spans.unknown[i]);
    for (uint32_t i = 0; i < o.malformed_count; ++i) {
        check_span(line, len, spans.malformed[i]);
        if (spans.malformed_option[i] >= OptionId::count)
            __builtin_trap();
    }
    if (o.has_passthrough)
        check_span(line, len, o.passthrough);
    if (o.present >> uint32_t(OptionId::count) || o.console > ConsoleSel::none || o.loglvl > LogLevel::debug ||
        o.debug_fault > DebugFault::pf || o.debug_fault32 == DebugFault::pf || o.debug_fault32 > DebugFault::pf)
        __builtin_trap();
    /* Every KEYWORD and FLAG option the line set prints back as a word of its table (the report's line). */
#define RELBOOT_CHECK_VALUE(id)
#define RELBOOT_CHECK_FLAG(id) RELBOOT_CHECK_KEYWORD(id)
#define RELBOOT_CHECK_KEYWORD(id)                                                                  \
    if ((o.present & (1u << uint32_t(OptionId::id))) && !cmdline::keyword_of(o, OptionId::id)) \
        __builtin_trap();
#define RELBOOT_OPTION(id, name, kind, form, help) RELBOOT_CHECK_##kind(id)
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
#undef RELBOOT_CHECK_KEYWORD
#undef RELBOOT_CHECK_FLAG
#undef RELBOOT_CHECK_VALUE
    if ((o.present & (1u << uint32_t(OptionId::vga))) && !keyword_word(VGA_KINDS, o.vga.kind))
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 4 || size > 3 * CMDLINE_MAX)
        return 0;
    uint32_t tag_size;
    std::memcpy(&tag_size, data, 4);
    const uint8_t* body = data + 4;
    const uint32_t body_len = uint32_t(size - 4);

    /* The MBI: fixed part, tag 1 with the fuzzed size field, end tag; exactly as big as the bytes. */
    const uint32_t tag_bytes = (8 + body_len + 7) & ~7u;
    std::vector<uint64_t> words((8 + tag_bytes + 8) / 8, 0);
    auto* mbi = reinterpret_cast<uint8_t*>(words.data());
    const uint32_t total = 8 + tag_bytes + 8;
    std::memcpy(mbi, &total, 4);
    const uint32_t type = 1;
    std::memcpy(mbi + 8, &type, 4);
    std::memcpy(mbi + 12, &tag_size, 4);
    std::memcpy(mbi + 16, body, body_len);
    /* The end tag lies after the padded body: zero words already. */
    std::memset(mbi + 8 + tag_bytes, 0, 4);
    const uint32_t end_size = 8;
    std::memcpy(mbi + 8 + tag_bytes + 4, &end_size, 4);

    MbiIndex index;
    const MbiScan scan = mbi_scan(mbi, 0x100000, total, index);
    if (scan.error.ok() && index.cmdline) {
        const uint32_t offset = index.cmdline + 8, len = tag_size - 9;   /* the string, before the tag's last byte */
        if (offset + len >= total)
            __builtin_trap();
        Options o{};
        CmdlineSpans spans;
        const char* line = reinterpret_cast<const char*>(mbi + offset);
        cmdline_parse(line, len, &o, &spans);
        check_parse(line, len, o, spans);
    }

    /* The parser alone: the raw bytes NUL-terminated, parsed with a length taken from the input. */
    std::vector<char> line(body, body + body_len);
    line.push_back('\0');
    Options o{};
    CmdlineSpans spans;
    const uint32_t len = tag_size % (body_len + 1);
    cmdline_parse(line.data(), len, &o, &spans);
    check_parse(line.data(), len, o, spans);
    return 0;
}
