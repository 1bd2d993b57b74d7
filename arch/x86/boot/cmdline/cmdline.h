/*
 * relboot's command line (MBI tag 1): the options, their parsed form and
 * the parser.  The grammar is in docs/cmdline.md; the options are listed
 * once, in arch/x86/boot/cmdline/cmdline_options.def.
 *
 * The parser is pure, freestanding C++ with no writable static data: the
 * 32-bit stage runs it before paging is set up, the host tests and the
 * fuzzer run the same source.  It keeps no copy of the line: unknown
 * tokens, malformed values and the passthrough text are remembered as
 * spans of the raw line and decoded again when printed.
 */
#ifndef RELBOOT_CMDLINE_H
#define RELBOOT_CMDLINE_H

#include <cstdint>

namespace relboot {

/* Longest command line parsed (bytes); the rest is ignored and reported. */
inline constexpr uint32_t CMDLINE_MAX = 4096;
/* Unknown tokens and malformed values remembered for the report; more are counted. */
inline constexpr uint32_t CMDLINE_MAX_UNKNOWN = 32;
inline constexpr uint32_t CMDLINE_MAX_MALFORMED = 8;

enum class OptionId : uint8_t {
#define RELBOOT_OPTION(id, name, kind, form, help) id,
#include "cmdline/cmdline_options.def"
#undef RELBOOT_OPTION
    count,
};
static_assert(uint32_t(OptionId::count) <= 32, "Options::present and Options::flag_on have 32 bits");

/* debug-fault= / debug-fault32=: which exception to raise on purpose (tests). */
enum class DebugFault : uint8_t {
    none = 0,
    ud2 = 1,    /* #UD from UD2 */
    gp = 2,     /* #GP (64-bit: non-canonical load; 32-bit: selector beyond the GDT) */
    pf = 3,     /* #PF from a write to read-only image text (64-bit stage only) */
    ud2_all = 4, /* #UD on every online CPU at once, once the APs are parked (64-bit stage only) */
};

/*
 * debug-ebs=: how many of the efi64 entry's ExitBootServices() calls get a
 * stale map key on purpose (tests; multiboot2_efi64.cpp reads the token
 * itself, before this parser runs).
 */
enum class DebugEbs : uint8_t { none = 0, stale_once = 1, stale_twice = 2 };

/* console=: which COM port carries the report (com1..com4 index, or none). */
enum class ConsoleSel : uint8_t { com1 = 0, com2 = 1, com3 = 2, com4 = 3, none = 4 };

enum class LogLevel : uint8_t { info = 0, quiet = 1, debug = 2 };
enum class Edd : uint8_t { on = 0, off = 1, skipmbr = 2 };
/* payload=: what the hand-off starts (handoff.h). */
enum class PayloadSel : uint8_t {
    automatic = 0,  /* "auto": module 0 when it is a bzImage, else the report */
    linux_kernel,   /* "linux": module 0 must be a bzImage */
    none,           /* "none": never launch; report the modules */
};
/* guest=: how the Linux payload runs (payload_svm.h, payload_vmx.h). */
enum class GuestSel : uint8_t {
    native = 0,     /* entered directly (linux_entry.S) */
    svm,            /* as an AMD SVM guest of relboot */
    vmx,            /* as an Intel VT-x guest of relboot */
    automatic,      /* "auto": vmx or svm as the CPU has them, else native */
};
/* debug-npt-hole=: a guest page left out of the NPT on purpose (tests). */
enum class NptHole : uint8_t { none = 0, zero_page = 1 };
enum class Edid : uint8_t { unset = 0, no = 1, force = 2 };
enum class VgaKind : uint8_t { unset = 0, current, text, gfx, mode };

/* comN=: one serial port's settings; zero fields mean the default. */
struct SerialSettings {
    uint16_t divisor;       /* 115200 / baud (the baud divides 115200); 0 = 1, 115200 baud */
    uint16_t io_port;       /* 0 = the port's standard address */
    uint8_t data_bits;      /* 5..8; 0 = 8 */
    char parity;            /* 'n', 'o', 'e', 'm', 's'; 0 = 'n' */
    uint8_t stop_bits;      /* 1 or 2; 0 = 1 */
    uint8_t reserved;
};
static_assert(sizeof(SerialSettings) == 8);

struct VgaSettings {
    VgaKind kind;
    uint8_t keep;           /* ",keep" or "keep": Xen keeps its VGA console after dom0 starts; recorded for the hypervisor */
    uint16_t depth;         /* gfx: bits per pixel */
    uint32_t width;         /* text: 80; gfx: pixels; mode: the mode number */
    uint32_t height;        /* text: rows; gfx: pixels */
};
static_assert(sizeof(VgaSettings) == 12);

/* A run of the raw command line: [offset, offset + length). */
struct Span {
    uint16_t offset;
    uint16_t length;
};

/*
 * Parsed options.  All-zero is "every default"; present says which
 * options the line set (bit OptionId).  A FLAG option's value is bit
 * OptionId of flag_on, meaningful only where present has the bit (read it
 * with flag_value()).  Filled by cmdline_parse only.
 */
struct Options {
    uint32_t present;
    uint32_t flag_on;                   /* bit OptionId: the value a FLAG option was given (1 = on) */
    alignas(8) uint64_t mem;            /* mem=: bytes; 0 = no cap (8-aligned in both stages) */
    SerialSettings com[4];
    VgaSettings vga;
    uint16_t debug_exit_port;           /* 1..0xffff; 0 = halt at the end */
    DebugFault debug_fault;
    DebugFault debug_fault32;           /* ud2 or gp only */
    ConsoleSel console;
    LogLevel loglvl;
    Edd edd;
    Edid edid;
    PayloadSel payload;
    GuestSel guest;
    NptHole debug_npt_hole;
    /* What the report has to say about the line itself. */
    uint8_t truncated;                  /* the line was longer than CMDLINE_MAX */
    uint8_t unterminated_quote;         /* a '"' was never closed */
    uint8_t has_passthrough;            /* "--" was present */
    uint8_t unknown_count;              /* entries in unknown[] */
    uint8_t malformed_count;            /* entries in malformed[] */
    DebugEbs debug_ebs;
    uint16_t unknown_dropped;           /* unknown tokens beyond CMDLINE_MAX_UNKNOWN */
    uint16_t malformed_dropped;         /* malformed values beyond CMDLINE_MAX_MALFORMED */
    Span passthrough;                   /* raw text after "--" */
    uint16_t maxcpus;                   /* maxcpus=: CPUs to bring online, BSP included; 0 = no limit */
    uint16_t reserved2;
};
static_assert(sizeof(Options) % 8 == 0);

/*
 * A FLAG option's value: what the line last gave (name, no-name or
 * name=on|off), or default_on when the line did not set it.  id must
 * name a FLAG option; for a VALUE option the answer means nothing.
 */
constexpr bool flag_value(const Options& o, OptionId id, bool default_on)
{
    const uint32_t bit = 1u << uint32_t(id);
    return (o.present & bit) ? (o.flag_on & bit) != 0 : default_on;
}

/* True when the line turned execute-disable off (nx=off, no-nx); the default is on. */
constexpr bool nx_off(const Options& o) { return !flag_value(o, OptionId::nx, true); }
/* True when the line said no-real-mode (or real-mode=off); the default is on. */
constexpr bool real_mode_off(const Options& o) { return !flag_value(o, OptionId::real_mode, true); }

/*
 * The tokens the report lists, as spans of the raw line.  Only the first
 * Options::unknown_count and Options::malformed_count entries are valid,
 * so this need not start zeroed (it lives outside the zeroed .bss).
 */
struct CmdlineSpans {
    Span unknown[CMDLINE_MAX_UNKNOWN];              /* unknown tokens, in line order */
    Span malformed[CMDLINE_MAX_MALFORMED];          /* tokens whose value was refused */
    OptionId malformed_option[CMDLINE_MAX_MALFORMED];
};

/*
 * Parses the command line s, which must be NUL-terminated (the MBI walk
 * checks that tag 1 is): its first len bytes, or CMDLINE_MAX when len is
 * larger (truncated is then set), or up to an earlier NUL.  Bytes past len
 * may be read up to the NUL but are not parsed.  Tokens are separated by runs of space, tab, CR or LF; '"'
 * groups (and is removed); '\' before '\', '\'' or '"' is GRUB's escape
 * and is removed; "--" ends the options.  Unknown tokens and malformed
 * values are recorded, never fatal; the last occurrence of an option
 * wins.  *out must start zeroed (Options{}: every default); the parser
 * writes only what the line sets, so a boot costs no copy of Options.
 * Unknown tokens and malformed values go to *spans (counted in *out).
 */
void cmdline_parse(const char* s, uint32_t len, Options* out, CmdlineSpans* spans);

/*
 * Decodes the token at s[0, len) (a Span from Options) into out, which
 * has room for len bytes: quotes dropped, GRUB's backslash escapes
 * undone.  Returns the decoded length (<= len).
 */
uint32_t cmdline_decode(const char* s, uint32_t len, char* out);

/* The option's name as written ("debug-exit"), and its value forms. */
const char* option_name(OptionId id);
const char* option_form(OptionId id);

/* Standard I/O port of COM1..COM4 (index 0..3). */
uint16_t com_default_port(uint32_t index);

} // namespace relboot

#endif
