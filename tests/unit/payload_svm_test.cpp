/*
 * guest=svm's pure parts (arch/x86/boot/payload/svm/payload_svm.h): the nested page
 * table built for sample memory maps (relboot's pages absent, everything
 * else identity-mapped) and its refusals, the host's checks and their
 * error lines, the MSR permission map's layout, a vCPU's INIT and SIPI
 * states, event injection, instruction lengths, the guest's e820 view
 * (what the NPT leaves out is reserved) and the guest's first page tables.
 */
#include "boot_test_util.h"

#include <gtest/gtest.h>
#include "lib/console.h"
#include "payload/svm/payload_svm.h"
#include <x86/cr.h>
#include <x86/svm.h>

#include <cstring>
#include <string>
#include <vector>

using namespace relboot;
using namespace boot_test;
using linuxboot::boot_e820_entry;

namespace {

constexpr uint64_t MiB = 1 << 20;
constexpr uint64_t GiB = uint64_t(1) << 30;
/* Where the tests pretend the NPT's pages lie (host-physical); any 4 KiB-aligned value. */
constexpr uint64_t NPT_PHYS = 0x7f000000;

/* relboot's image and the windows the guest reads inside it, as svm_launch() passes them. */
struct Layout {
    PhysRange image;
    std::vector<PhysRange> windows;
};

struct Npt {
    std::vector<uint64_t> pages = std::vector<uint64_t>(SVM_NPT_PAGES * 512);
    uint32_t used = 0;
    uint64_t limit = 0;
    std::vector<PhysRange> holes;
};

Npt build(const std::vector<MemoryRange>& map, const Layout& l)
{
    Npt n;
    n.holes.resize(SVM_NPT_MAX_HOLES);
    const uint32_t count = svm_npt_holes(l.image, l.windows.data(), uint32_t(l.windows.size()), n.holes.data(),
                                         SVM_NPT_MAX_HOLES);
    EXPECT_LE(count, SVM_NPT_MAX_HOLES);
    n.holes.resize(count);
    n.limit = svm_npt_limit(map.data(), uint32_t(map.size()));
    n.used = svm_npt_build(n.pages.data(), NPT_PHYS, SVM_NPT_PAGES, n.limit, n.holes.data(), count);
    return n;
}

/* relboot's page: in the image and in no window (windows rounded outwards to 4 KiB, as the NPT has them). */
bool relboot_page(uint64_t page, const Layout& l)
{
    const uint64_t image_base = l.image.base.value & ~uint64_t(4095);
    if (page < image_base || page >= l.image.end())
        return false;
    for (const PhysRange& w : l.windows) {
        const uint64_t b = w.base.value & ~uint64_t(4095), e = (w.end() + 4095) & ~uint64_t(4095);
        if (page >= b && page < e)
            return false;
    }
    return true;
}

/*
 * Every 4 KiB page below the limit: relboot's absent, the rest
 * identity-mapped (checked at the page's first and last byte); nothing at
 * or above the limit.
 */
void expect_identity_but_relboot(const Npt& n, const Layout& l)
{
    ASSERT_NE(n.used, 0u);
    uint64_t absent = 0;
    for (uint64_t page = 0; page < n.limit; page += 4096) {
        uint64_t hpa = 0;
        const bool mapped = svm_npt_translate(n.pages.data(), NPT_PHYS, n.used, page, &hpa);
        if (relboot_page(page, l)) {
            ASSERT_FALSE(mapped) << std::hex << "relboot's page 0x" << page << " is mapped";
            ++absent;
            continue;
        }
        ASSERT_TRUE(mapped) << std::hex << "page 0x" << page << " is not mapped";
        ASSERT_EQ(hpa, page);
        ASSERT_TRUE(svm_npt_translate(n.pages.data(), NPT_PHYS, n.used, page + 4095, &hpa));
        ASSERT_EQ(hpa, page + 4095);
    }
    EXPECT_GT(absent, 0u);
    uint64_t hpa;
    EXPECT_FALSE(svm_npt_translate(n.pages.data(), NPT_PHYS, n.used, n.limit, &hpa));
    EXPECT_FALSE(svm_npt_translate(n.pages.data(), NPT_PHYS, n.used, n.limit + 123 * GiB, &hpa));
}

/* Every entry the NPT holds is user-accessible (nested walks are user accesses) and writable. */
void expect_user_rw(const Npt& n)
{
    for (uint32_t i = 0; i < n.used * 512; ++i) {
        if (n.pages[i] & 1) {
            ASSERT_EQ(n.pages[i] & 7, 7u) << "entry " << i;
        }
    }
}

/* SeaBIOS, -m 256M; relboot at its link address with LinuxBuffers and SvmGuestPages inside (svm_launch()). */
TEST(SvmNpt, SeabiosImageAtLinkAddress)
{
    const std::vector<MemoryRange> map = {
        span(0x0, 0x9fc00, U),         span(0x9fc00, 0xa0000, R),          span(0xf0000, 0x100000, R),
        span(0x100000, 0x1000000, U),  span(0x1000000, 0x1058000, IMG),    span(0x1058000, 0xffe0000, U),
        span(0xffe0000, 0x10000000, R), span(0xfffc0000, 0x100000000, R), span(0xfd00000000, 0x10000000000, R),
    };
    const Layout l{PhysRange{PhysAddr{0x1000000}, 0x58000},
                   {PhysRange{PhysAddr{0x1029000}, 0x6000}, PhysRange{PhysAddr{0x1050000}, 0x7000}}};
    const Npt n = build(map, l);
    EXPECT_EQ(n.limit, 4 * GiB);   /* reserved ranges above 4 GiB are not guest memory */
    EXPECT_EQ(n.holes.size(), 3u);
    EXPECT_EQ(n.used, 2u + 4u + 1u); /* PML4, PDPT, 4 PDs, one PT for the image's 2 MiB */
    expect_identity_but_relboot(n, l);
    expect_user_rw(n);
}

/* OVMF-like, -m 512M, relboot high (GRUB's preference): the image crosses a 2 MiB boundary. */
TEST(SvmNpt, ImageAcrossTwoMegabyteBoundary)
{
    const std::vector<MemoryRange> map = {
        span(0x0, 0xa0000, U),           span(0x100000, 0x800000, U),      span(0x800000, 0x808000, NVS),
        span(0x808000, 0x1fdf0000, U),   span(0x1fdf0000, 0x1fe70000, IMG), span(0x1fe70000, 0x1f77e000 + 0x900000, U),
        span(0xffc00000, 0x100000000, R),
    };
    const Layout l{PhysRange{PhysAddr{0x1fdf0000}, 0x80000}, {PhysRange{PhysAddr{0x1fe29000}, 0x6000}}};
    const Npt n = build(map, l);
    EXPECT_EQ(n.limit, 4 * GiB);
    EXPECT_EQ(n.used, 2u + 4u + 2u);
    expect_identity_but_relboot(n, l);
}

/* RAM above 4 GiB: the NPT covers it, rounded up to 1 GiB. */
TEST(SvmNpt, RamAboveFourGiB)
{
    const std::vector<MemoryRange> map = {
        span(0x0, 0x9fc00, U), span(0x100000, 0x1000000, U), span(0x1000000, 0x1040000, IMG),
        span(0x1040000, 0xbffe0000, U), span(0x100000000, 0x140000000 + 0x20000000, U),
    };
    const Layout l{PhysRange{PhysAddr{0x1000000}, 0x40000}, {PhysRange{PhysAddr{0x1010000}, 0x1000}}};
    const Npt n = build(map, l);
    EXPECT_EQ(n.limit, 6 * GiB);
    expect_identity_but_relboot(n, l);
}

/* More RAM than the NPT covers: it stops at SVM_NPT_MAX (the e820 clip drops the rest). */
TEST(SvmNpt, LimitCapped)
{
    const std::vector<MemoryRange> map = {span(0x0, 0x9fc00, U), span(0x100000, 0x1000000, U),
                                          span(0x1000000, 0x1040000, IMG), span(0x100000000, 40 * GiB, U)};
    EXPECT_EQ(svm_npt_limit(map.data(), uint32_t(map.size())), SVM_NPT_MAX);
}

/* A page left out on purpose (debug-npt-hole=zero-page) is absent too. */
TEST(SvmNpt, ExtraHole)
{
    std::vector<uint64_t> pages(SVM_NPT_PAGES * 512);
    const PhysRange holes[] = {PhysRange{PhysAddr{0x1000000}, 0x29000}, PhysRange{PhysAddr{0x1030000}, 0x28000},
                               PhysRange{PhysAddr{0x1029000}, 0x1000}};
    const uint32_t used = svm_npt_build(pages.data(), NPT_PHYS, SVM_NPT_PAGES, 4 * GiB, holes, 3);
    ASSERT_NE(used, 0u);
    uint64_t hpa;
    EXPECT_FALSE(svm_npt_translate(pages.data(), NPT_PHYS, used, 0x1029230, &hpa));
    EXPECT_TRUE(svm_npt_translate(pages.data(), NPT_PHYS, used, 0x102a000, &hpa));
    EXPECT_EQ(hpa, 0x102a000u);
}

/* The error line as relboot prints it (print_error(), lib/error.h). */
std::string line(const BootError& e)
{
    char buf[512];
    Console con(buf, sizeof buf);
    print_error(con, e);
    return buf;
}

/* svm_npt_check() says ok exactly when svm_npt_build() builds. */
void expect_check_matches_build(uint32_t page_count, uint64_t limit, const std::vector<PhysRange>& holes)
{
    std::vector<uint64_t> pages(uint64_t(page_count) * 512);
    const uint32_t used = svm_npt_build(pages.data(), NPT_PHYS, page_count, limit, holes.data(), uint32_t(holes.size()));
    const BootError e = svm_npt_check(limit, holes.data(), uint32_t(holes.size()), page_count);
    EXPECT_EQ(e.ok(), used != 0) << std::hex << "limit 0x" << limit << std::dec << ", " << holes.size() << " holes";
    if (!e.ok()) {
        EXPECT_STREQ(e.subject, "svm");
    }
}

/* Refusals: a limit that is no multiple of 1 GiB, too few pages for the PTs the holes need. */
TEST(SvmNpt, Refusals)
{
    std::vector<uint64_t> pages(SVM_NPT_PAGES * 512);
    EXPECT_EQ(svm_npt_build(pages.data(), NPT_PHYS, SVM_NPT_PAGES, 4 * GiB + 2 * MiB, nullptr, 0), 0u);
    EXPECT_EQ(svm_npt_build(pages.data(), NPT_PHYS, SVM_NPT_PAGES, 0, nullptr, 0), 0u);
    EXPECT_EQ(svm_npt_build(pages.data(), NPT_PHYS + 8, SVM_NPT_PAGES, 4 * GiB, nullptr, 0), 0u);
    /* Page tables for 4 KiB pages come from what the PDs leave: 8 here, a hole in each of 9 different 2 MiB pages. */
    const uint32_t page_count = 2 + 4 + 8;
    std::vector<PhysRange> holes;
    for (uint32_t i = 0; i < 9; ++i)
        holes.push_back(PhysRange{PhysAddr{0x1000000 + i * 2 * MiB}, 0x1000});
    EXPECT_EQ(svm_npt_build(pages.data(), NPT_PHYS, page_count, 4 * GiB, holes.data(), uint32_t(holes.size())), 0u);
    expect_check_matches_build(page_count, 4 * GiB, holes);
    EXPECT_EQ(line(svm_npt_check(4 * GiB, holes.data(), uint32_t(holes.size()), page_count)),
              "relboot: error: svm npt split_pages: 9, expected at most pt_pages 2 MiB pages where a hole of "
              "relboot's image starts or ends; pt_pages = 8\r\n");
    holes.pop_back();
    EXPECT_EQ(svm_npt_build(pages.data(), NPT_PHYS, page_count, 4 * GiB, holes.data(), uint32_t(holes.size())),
              page_count);
    expect_check_matches_build(page_count, 4 * GiB, holes);
    /* A hole over a whole 2 MiB page needs no page table; one that starts and ends inside two does need two. */
    expect_check_matches_build(2 + 4 + 1, 4 * GiB, {PhysRange{PhysAddr{0x1000000}, 2 * MiB}});
    expect_check_matches_build(2 + 4 + 1, 4 * GiB, {PhysRange{PhysAddr{0x11ff000}, 0x2000}});
    expect_check_matches_build(2 + 4 + 2, 4 * GiB, {PhysRange{PhysAddr{0x11ff000}, 0x2000}});
    /* A limit the PDs alone do not fit in. */
    EXPECT_EQ(svm_npt_build(pages.data(), NPT_PHYS, SVM_NPT_PAGES, 512 * GiB, nullptr, 0), 0u);
    for (uint64_t limit : {uint64_t(0), 4 * GiB + 2 * MiB, 512 * GiB, SVM_NPT_MAX, SVM_NPT_MAX + GiB})
        expect_check_matches_build(SVM_NPT_PAGES, limit, {});
    EXPECT_EQ(line(svm_npt_check(4 * GiB + 2 * MiB, nullptr, 0, SVM_NPT_PAGES)),
              "relboot: error: svm npt limit: 0x0000000100200000, expected a nonzero multiple of 1 GiB whose page "
              "directories fit the NPT's pages; npt_pages = 26\r\n");
}

/* The host's checks (APM vol. 2, 15.4), in the order the launcher makes them, and their lines. */
TEST(SvmHost, ChecksAndTheirLines)
{
    const uint32_t svm = CPUID_80000001_ECX_SVM, np = CPUID_8000000A_EDX_NP;
    EXPECT_TRUE(svm_check_cpuid(svm | 0x1, np | 0x8).ok());
    EXPECT_EQ(line(svm_check_cpuid(0x00000121, np)),
              "relboot: error: svm CPUID 0x80000001 ECX: 0x00000121, expected SVM (bit 2) for guest=svm\r\n");
    EXPECT_EQ(line(svm_check_cpuid(0, 0)),        /* SVM is named first */
              "relboot: error: svm CPUID 0x80000001 ECX: 0x00000000, expected SVM (bit 2) for guest=svm\r\n");
    EXPECT_EQ(line(svm_check_cpuid(svm, 0)), "relboot: error: svm CPUID 0x8000000a EDX: 0x00000000, expected NP "
                                             "(bit 0): nested paging (NPT) for guest=svm\r\n");
    EXPECT_TRUE(svm_check_vm_cr(0).ok());
    EXPECT_TRUE(svm_check_vm_cr(0x8).ok());
    EXPECT_EQ(line(svm_check_vm_cr(0x10)), "relboot: error: svm VM_CR: 0x00000010, expected SVMDIS (bit 4) clear: "
                                           "SVM not disabled by the firmware\r\n");
}

TEST(SvmNptHoles, WindowsRoundedOutwardsAndClipped)
{
    const PhysRange image{PhysAddr{0x1000000}, 0x20000};
    const PhysRange windows[] = {
        PhysRange{PhysAddr{0x1010800}, 0x100},     /* rounded out to [0x1010000, 0x1011000) */
        PhysRange{PhysAddr{0x1004000}, 0x2000},
        PhysRange{PhysAddr{0x2000000}, 0x1000},    /* outside the image: ignored */
        PhysRange{PhysAddr{0x101f000}, 0x5000},    /* runs past the image's end */
        PhysRange{PhysAddr{0x1005000}, 0x2000},    /* overlaps the second */
    };
    PhysRange out[8];
    ASSERT_EQ(svm_npt_holes(image, windows, 5, out, 8), 3u);
    EXPECT_EQ(out[0].base.value, 0x1000000u);
    EXPECT_EQ(out[0].size, 0x4000u);
    EXPECT_EQ(out[1].base.value, 0x1007000u);
    EXPECT_EQ(out[1].size, 0x9000u);
    EXPECT_EQ(out[2].base.value, 0x1011000u);
    EXPECT_EQ(out[2].size, 0xe000u);
    /* Too many holes for out: max + 1. */
    EXPECT_EQ(svm_npt_holes(image, windows, 5, out, 2), 3u);
    /* No windows: the whole image. */
    ASSERT_EQ(svm_npt_holes(image, nullptr, 0, out, 8), 1u);
    EXPECT_EQ(out[0].size, 0x20000u);
}

/* The MSR permission map's layout (APM vol. 2, 15.11; svm-facts "MSRPM layout"): two bits an MSR, three ranges. */
TEST(SvmMsrpm, LayoutOfTheThreeRanges)
{
    std::vector<uint8_t> msrpm(SVM_MSRPM_SIZE, 0);
    EXPECT_TRUE(svm_msrpm_set(msrpm.data(), MSR_IA32_EFER, false, true));
    EXPECT_EQ(msrpm[0x820], 0x02);      /* EFER (0xc0000080): write bit */
    EXPECT_TRUE(svm_msrpm_set(msrpm.data(), MSR_VM_HSAVE_PA, true, true));
    EXPECT_EQ(msrpm[0x1045], 0xc0);     /* VM_HSAVE_PA (0xc0010117): read and write bits */
    uint32_t bits = 0;
    for (uint8_t b : msrpm)
        bits += __builtin_popcount(b);
    EXPECT_EQ(bits, 3u);
    EXPECT_TRUE(svm_msrpm_intercepts(msrpm.data(), MSR_IA32_EFER, true));
    EXPECT_FALSE(svm_msrpm_intercepts(msrpm.data(), MSR_IA32_EFER, false));
    EXPECT_TRUE(svm_msrpm_intercepts(msrpm.data(), MSR_VM_HSAVE_PA, false));
    EXPECT_TRUE(svm_msrpm_intercepts(msrpm.data(), MSR_VM_HSAVE_PA, true));
    for (uint32_t msr : {0x1bu, 0x277u, 0x1fffu, 0xc0000081u, 0xc0000100u, 0xc0000102u, 0xc0010114u, 0xc0011fffu}) {
        EXPECT_FALSE(svm_msrpm_intercepts(msrpm.data(), msr, false)) << std::hex << msr;
        EXPECT_FALSE(svm_msrpm_intercepts(msrpm.data(), msr, true)) << std::hex << msr;
    }
    /* Outside the three ranges: no bit to set, and such an MSR always exits. */
    EXPECT_FALSE(svm_msrpm_set(msrpm.data(), 0x40000000, true, true));
    EXPECT_FALSE(svm_msrpm_set(msrpm.data(), 0xc0002000, true, true));
    EXPECT_TRUE(svm_msrpm_intercepts(msrpm.data(), 0x40000000, false));
    EXPECT_TRUE(svm_msrpm_set(msrpm.data(), 0x1fff, true, false));
    EXPECT_EQ(msrpm[0x7ff], 0x40);
}

/*
 * INIT's state (APM vol. 2, table 14-1) with what VMRUN needs (QEMU 7.2's
 * checks, svm-facts 1.2: EFER.SVME, CR0.NW only with CD, CPL from SS's
 * DPL), then a SIPI: CS = vector << 8, base vector << 12, IP 0.
 */
TEST(SvmVcpuState, InitThenSipi)
{
    x86::VmcbSave s{};
    s.rax = 0x1234;
    s.efer = EFER_LME | EFER_LMA | EFER_SVME;
    svm_vmcb_init_state(s);
    EXPECT_EQ(s.rax, 0u);
    EXPECT_EQ(s.efer, uint64_t(EFER_SVME));
    EXPECT_EQ(s.cr0, uint64_t(CR0_CD | CR0_NW | CR0_ET));
    EXPECT_EQ(s.cr3 | s.cr4 | s.cr2, 0u);
    EXPECT_EQ(s.rflags, 2u);
    EXPECT_EQ(s.rip, 0xfff0u);
    EXPECT_EQ(s.cs.selector, 0xf000u);
    EXPECT_EQ(s.cs.base, 0xffff0000u);
    EXPECT_EQ(s.cs.limit, 0xffffu);
    EXPECT_EQ(s.cs.attrib, 0x9bu);                  /* present code, execute/read, D = 0: 16-bit */
    for (const x86::VmcbSegment* seg : {&s.ds, &s.es, &s.ss, &s.fs, &s.gs}) {
        EXPECT_EQ(seg->attrib, 0x93u);
        EXPECT_EQ(seg->limit, 0xffffu);
        EXPECT_EQ(seg->base, 0u);
        EXPECT_EQ(seg->selector, 0u);
    }
    EXPECT_EQ((s.ss.attrib >> 5) & 3, 0u);          /* DPL 0: CPL 0 */
    EXPECT_EQ(s.cpl, 0u);
    EXPECT_EQ(s.gdtr.limit, 0xffffu);
    EXPECT_EQ(s.idtr.limit, 0xffffu);
    EXPECT_EQ(s.dr6, 0xffff0ff0u);
    EXPECT_EQ(s.dr7, 0x400u);
    EXPECT_EQ(s.g_pat, 0x0007040600070406u);
    EXPECT_EQ(svm_code_size(s), CodeSize::bits16);

    svm_vmcb_sipi(s, 0x9a);
    EXPECT_EQ(s.cs.selector, 0x9a00u);
    EXPECT_EQ(s.cs.base, 0x9a000u);
    EXPECT_EQ(s.cs.limit, 0xffffu);
    EXPECT_EQ(s.rip, 0u);
    EXPECT_EQ(s.cs.attrib, 0x9bu);
    EXPECT_EQ(s.cr0, uint64_t(CR0_CD | CR0_NW | CR0_ET));
}

/* The code size the decoder gets: CS.L with EFER.LMA, CS.D with CR0.PE, else 16-bit. */
TEST(SvmVcpuState, CodeSize)
{
    x86::VmcbSave s{};
    s.cs.attrib = 0x0a9b;                           /* L = 1, D = 0 */
    s.efer = EFER_LMA | EFER_LME | EFER_SVME;
    s.cr0 = CR0_PE | CR0_PG;
    EXPECT_EQ(svm_code_size(s), CodeSize::bits64);
    s.efer = EFER_SVME;                             /* LMA clear: CS.L means nothing */
    EXPECT_EQ(svm_code_size(s), CodeSize::bits16);
    s.cs.attrib = 0x0c9b;                           /* D = 1 */
    EXPECT_EQ(svm_code_size(s), CodeSize::bits32);
    s.cr0 = 0;                                      /* real mode */
    EXPECT_EQ(svm_code_size(s), CodeSize::bits16);
}

/* EVENTINJ (APM vol. 2, 15.20): #GP(0) with its error code, #UD without, NMI type 2 vector 2. */
TEST(SvmVcpuState, EventInjection)
{
    EXPECT_EQ(svm_event_exception(13, true, 0), 0x80000b0du);
    EXPECT_EQ(svm_event_exception(13, true, 0x18), 0x0000001880000b0dull);
    EXPECT_EQ(svm_event_exception(6, false), 0x80000306u);
    EXPECT_EQ(SVM_EVENT_NMI, 0x80000202u);
}

TEST(SvmExit, LengthsAndNames)
{
    EXPECT_EQ(svm_insn_length(VMEXIT_CPUID), 2u);
    EXPECT_EQ(svm_insn_length(VMEXIT_MSR), 2u);
    EXPECT_EQ(svm_insn_length(VMEXIT_VMMCALL), 3u);
    EXPECT_EQ(svm_insn_length(VMEXIT_NPF), 0u);
    /* VMEXIT_INVALID: -1 on hardware, its low 32 bits only under QEMU 7.2's TCG. */
    EXPECT_STREQ(svm_exit_name(0xffffffffffffffffull), "invalid");
    EXPECT_STREQ(svm_exit_name(0x00000000ffffffffull), "invalid");
    EXPECT_STREQ(svm_exit_name(VMEXIT_NPF), "npf");
    EXPECT_STREQ(svm_exit_name(VMEXIT_SHUTDOWN), "shutdown");
    EXPECT_STREQ(svm_exit_name(VMEXIT_NMI), "nmi");
    EXPECT_STREQ(svm_exit_name(0x78), "other");
}

/*
 * The guest's memory view, decided with the plan: with memory_limit =
 * svm_npt_limit(), everything the NPT leaves out (relboot's pages inside
 * the image, everything at or above the limit) is reserved in the e820
 * table, and every RAM entry is identity-mapped by the NPT.
 */
void expect_guest_view_matches_npt(const std::vector<MemoryRange>& map, const Layout& l, uint64_t ram_above)
{
    const Npt n = build(map, l);
    ASSERT_NE(n.used, 0u);
    std::vector<boot_e820_entry> e820(linuxboot::E820_MAX_ENTRIES_ZEROPAGE);
    bool truncated = true;
    e820.resize(linux_e820_from_memory_map(map.data(), uint32_t(map.size()), n.limit, e820.data(),
                                           uint32_t(e820.size()), &truncated));
    EXPECT_FALSE(truncated);
    auto type_at = [&](uint64_t addr) -> uint32_t {
        for (const boot_e820_entry& e : e820)
            if (addr >= e.addr && addr - e.addr < e.size)
                return e.type;
        return 0;   /* not in the table */
    };
    for (const PhysRange& h : n.holes)
        for (uint64_t a = h.base.value; a < h.end(); a += 4096)
            ASSERT_EQ(type_at(a), linuxboot::E820_TYPE_RESERVED) << std::hex << "hole page 0x" << a;
    uint64_t ram_below = 0;
    for (const boot_e820_entry& e : e820) {
        if (e.addr + e.size > n.limit) {
            EXPECT_EQ(e.type, linuxboot::E820_TYPE_RESERVED) << std::hex << "entry at 0x" << e.addr;
        }
        if (e.type != linuxboot::E820_TYPE_RAM)
            continue;
        ram_below += e.size;
        for (uint64_t a = e.addr; a < e.addr + e.size; a += 0x10000) {   /* every 64 KiB: 16 GiB in 256 Ki steps */
            uint64_t hpa = 0;
            ASSERT_TRUE(svm_npt_translate(n.pages.data(), NPT_PHYS, n.used, a, &hpa)) << std::hex << "RAM 0x" << a;
            ASSERT_EQ(hpa, a);
        }
        uint64_t hpa = 0;
        ASSERT_TRUE(svm_npt_translate(n.pages.data(), NPT_PHYS, n.used, e.addr + e.size - 1, &hpa));
        ASSERT_EQ(hpa, e.addr + e.size - 1);
    }
    /* The RAM cut off is what the view reserves: native RAM = RAM below + RAM above. */
    std::vector<boot_e820_entry> native(linuxboot::E820_MAX_ENTRIES_ZEROPAGE);
    native.resize(linux_e820_from_memory_map(map.data(), uint32_t(map.size()), 0, native.data(),
                                             uint32_t(native.size()), &truncated));
    uint64_t ram_native = 0;
    for (const boot_e820_entry& e : native)
        ram_native += e.type == linuxboot::E820_TYPE_RAM ? e.size : 0;
    EXPECT_EQ(ram_native - ram_below, ram_above);
}

TEST(SvmGuestView, RelbootsPagesAndTheNptLimitReserved)
{
    /* SeaBIOS, -m 256M (SvmNpt.SeabiosImageAtLinkAddress's layout). */
    const std::vector<MemoryRange> small = {
        span(0x0, 0x9fc00, U),         span(0x9fc00, 0xa0000, R),          span(0xf0000, 0x100000, R),
        span(0x100000, 0x1000000, U),  span(0x1000000, 0x1058000, IMG),    span(0x1058000, 0xffe0000, U),
        span(0xffe0000, 0x10000000, R), span(0xfffc0000, 0x100000000, R), span(0xfd00000000, 0x10000000000, R),
    };
    const Layout l{PhysRange{PhysAddr{0x1000000}, 0x58000},
                   {PhysRange{PhysAddr{0x1029000}, 0x6000}, PhysRange{PhysAddr{0x1050000}, 0x7000}}};
    expect_guest_view_matches_npt(small, l, 0);
    /* 40 GiB of RAM: the NPT stops at 16 GiB, the rest is reserved (24 GiB withheld). */
    const std::vector<MemoryRange> big = {
        span(0x0, 0x9fc00, U), span(0x100000, 0x1000000, U), span(0x1000000, 0x1058000, IMG),
        span(0x1058000, 0xbffe0000, U), span(0x100000000, 40 * GiB, U),
    };
    expect_guest_view_matches_npt(big, l, 24 * GiB);
}

/* The guest's first page tables: [0, 4 GiB) identity in 2 MiB pages. */
TEST(SvmGuest, PageTablesIdentityFourGiB)
{
    constexpr uint64_t PHYS = 0x1031000;
    std::vector<uint64_t> pt(SVM_GUEST_PT_PAGES * 512, 0xdead);
    svm_guest_pagetables(pt.data(), PHYS);
    EXPECT_EQ(pt[0], (PHYS + 0x1000) | 3);
    for (uint64_t g = 0; g < 4; ++g)
        EXPECT_EQ(pt[512 + g], (PHYS + (2 + g) * 0x1000) | 3);
    EXPECT_EQ(pt[512 + 4], 0u);
    for (uint64_t a : {uint64_t(0), uint64_t(0x1a00000), uint64_t(0xfee00000), 3 * GiB + 5 * MiB}) {
        const uint64_t e = pt[(2 + a / GiB) * 512 + (a % GiB) / (2 * MiB)];
        EXPECT_EQ(e, (a & ~(2 * MiB - 1)) | 0x83) << std::hex << a;
    }
}

} // namespace
