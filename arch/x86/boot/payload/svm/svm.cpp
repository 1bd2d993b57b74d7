/*
 * guest=svm's pure parts (arch/x86/boot/payload/svm/payload_svm.h): the nested page
 * table, the MSR permission map, the guest's CPUID view, instruction
 * lengths and the host's checks.  Freestanding: writes only what it is
 * given.
 */
#include "payload/svm/payload_svm.h"
#include <x86/cr.h>
#include <x86/paging.h>
#include <x86/svm.h>

namespace relboot {

namespace {

uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

bool overlaps(uint64_t base, uint64_t size, const PhysRange& r)
{
    return r.size && base < r.base.value + r.size && r.base.value < base + size;
}

bool covered(uint64_t base, uint64_t size, const PhysRange& r)
{
    return r.size && r.base.value <= base && base + size <= r.base.value + r.size;
}

/* What the NPT has for the 2 MiB page at base: a 2 MiB leaf, nothing (a hole covers it), or a page table. */
enum class Npt2M : uint8_t { leaf, absent, split };

Npt2M npt_2m(uint64_t base, const PhysRange* holes, uint32_t hole_count)
{
    bool touched = false;
    for (uint32_t h = 0; h < hole_count; ++h) {
        if (covered(base, SVM_2M, holes[h]))
            return Npt2M::absent;
        touched |= overlaps(base, SVM_2M, holes[h]);
    }
    return touched ? Npt2M::split : Npt2M::leaf;
}

/* A limit svm_npt_build() takes: a nonzero multiple of 1 GiB, its PDs (and the PML4 and PDPT) in page_count pages. */
bool npt_limit_ok(uint64_t limit, uint32_t page_count)
{
    const uint64_t gib = limit / SVM_1G;
    return limit && limit % SVM_1G == 0 && gib <= PT_ENTRIES && page_count >= 2 + gib;
}

/* The MSR permission map's byte and bit for msr's read bit; false outside the three ranges. */
bool msrpm_position(uint32_t msr, uint32_t* byte, uint32_t* bit)
{
    static constexpr struct {
        uint32_t first;
        uint32_t offset;
    } RANGES[] = {{0x00000000, 0x000}, {0xc0000000, 0x800}, {0xc0010000, 0x1000}};
    for (const auto& r : RANGES) {
        if (msr - r.first < 0x2000) {
            const uint32_t index = (msr - r.first) * 2;
            *byte = r.offset + index / 8;
            *bit = index % 8;
            return true;
        }
    }
    return false;
}

} // namespace

uint64_t svm_npt_limit(const MemoryRange* map, uint32_t count)
{
    uint64_t top = uint64_t(4) * SVM_1G;
    for (uint32_t i = 0; i < count; ++i) {
        const MemoryType t = map[i].type;
        if (t != MemoryType::usable && t != MemoryType::acpi_reclaimable && t != MemoryType::acpi_nvs &&
            t != MemoryType::relboot && t != MemoryType::boot_data && t != MemoryType::module)
            continue;
        const PhysRange r = phys_range_clamped(map[i].base.value, map[i].size);
        if (r.end() > top)
            top = r.end() > SVM_NPT_MAX ? SVM_NPT_MAX : r.end();
    }
    return align_up(top, SVM_1G);
}

uint32_t svm_npt_holes(PhysRange image, const PhysRange* windows, uint32_t window_count, PhysRange* out, uint32_t max)
{
    uint64_t pos = align_down(image.base.value, SVM_PAGE);
    const uint64_t end = align_up(image.end(), SVM_PAGE);
    uint32_t n = 0;
    auto emit = [&](uint64_t base, uint64_t stop) {
        if (stop <= base)
            return;
        if (n < max)
            out[n] = PhysRange{PhysAddr{base}, stop - base};
        ++n;
    };
    while (pos < end) {
        /* The next window at or after pos (lowest base), within the image. */
        uint64_t next_base = end, next_end = end;
        for (uint32_t i = 0; i < window_count; ++i) {
            const uint64_t wb = align_down(windows[i].base.value, SVM_PAGE);
            const uint64_t we = align_up(windows[i].end(), SVM_PAGE);
            if (!windows[i].size || we <= pos || wb >= end)
                continue;
            const uint64_t b = wb < pos ? pos : wb;
            if (b < next_base || (b == next_base && we > next_end))
                next_base = b, next_end = we;
        }
        emit(pos, next_base);
        pos = next_end > end ? end : next_end;
        if (next_base == end)
            break;
    }
    return n <= max ? n : max + 1;
}

BootError svm_npt_check(uint64_t limit, const PhysRange* holes, uint32_t hole_count, uint32_t page_count)
{
    if (!npt_limit_ok(limit, page_count))
        return BootError{.subject = SVM_ERROR_SUBJECT, .field = "npt limit", .found = limit,
                         .expected = "a nonzero multiple of 1 GiB whose page directories fit the NPT's pages",
                         .limit_name = "npt_pages", .limit = page_count, .limit_radix = Radix::dec};
    const uint64_t pt_pages = page_count - 2 - limit / SVM_1G;
    uint64_t split = 0;
    for (uint64_t base = 0; base < limit; base += SVM_2M)
        split += npt_2m(base, holes, hole_count) == Npt2M::split;
    if (split > pt_pages)
        return BootError{.subject = SVM_ERROR_SUBJECT, .field = "npt split_pages", .found = split,
                         .expected = "at most pt_pages 2 MiB pages where a hole of relboot's image starts or ends",
                         .limit_name = "pt_pages", .limit = pt_pages, .found_radix = Radix::dec,
                         .limit_radix = Radix::dec};
    return BootError{};
}

uint32_t svm_npt_build(uint64_t* pages, uint64_t pages_phys, uint32_t page_count, uint64_t limit,
                       const PhysRange* holes, uint32_t hole_count)
{
    const uint64_t gib = limit / SVM_1G;
    if (!npt_limit_ok(limit, page_count) || pages_phys % SVM_PAGE)
        return 0;
    for (uint64_t i = 0; i < (2 + gib) * PT_ENTRIES; ++i)
        pages[i] = 0;
    uint64_t* pml4 = pages;
    uint64_t* pdpt = pages + PT_ENTRIES;
    pml4[0] = (pages_phys + SVM_PAGE) | NPT_TABLE;
    uint32_t used = uint32_t(2 + gib);
    for (uint64_t g = 0; g < gib; ++g) {
        uint64_t* pd = pages + (2 + g) * PT_ENTRIES;
        pdpt[g] = (pages_phys + (2 + g) * SVM_PAGE) | NPT_TABLE;
        for (uint64_t e = 0; e < PT_ENTRIES; ++e) {
            const uint64_t base = g * SVM_1G + e * SVM_2M;
            const Npt2M kind = npt_2m(base, holes, hole_count);
            if (kind == Npt2M::absent)
                continue;
            if (kind == Npt2M::leaf) {
                pd[e] = base | NPT_LEAF_2M;
                continue;
            }
            if (used == page_count)
                return 0;
            uint64_t* pt = pages + uint64_t(used) * PT_ENTRIES;
            pd[e] = (pages_phys + uint64_t(used) * SVM_PAGE) | NPT_TABLE;
            ++used;
            for (uint64_t p = 0; p < PT_ENTRIES; ++p) {
                const uint64_t page = base + p * SVM_PAGE;
                bool hole = false;
                for (uint32_t h = 0; h < hole_count; ++h)
                    hole |= overlaps(page, SVM_PAGE, holes[h]);
                pt[p] = hole ? 0 : page | NPT_LEAF_4K;
            }
        }
    }
    return used;
}

bool svm_npt_translate(const uint64_t* pages, uint64_t pages_phys, uint32_t page_count, uint64_t gpa, uint64_t* hpa)
{
    auto table = [&](uint64_t entry) -> const uint64_t* {
        const uint64_t a = entry & PTE_ADDR_MASK;
        if (a < pages_phys || (a - pages_phys) / SVM_PAGE >= page_count)
            return nullptr;
        return pages + (a - pages_phys) / SVM_PAGE * PT_ENTRIES;
    };
    if (gpa >> 48)
        return false;
    const uint64_t e4 = pages[PT_INDEX(gpa, PML4_SHIFT)];
    const uint64_t* pdpt = (e4 & PTE_P) ? table(e4) : nullptr;
    if (!pdpt)
        return false;
    const uint64_t e3 = pdpt[PT_INDEX(gpa, PDPT_SHIFT)];
    const uint64_t* pd = (e3 & PTE_P) ? table(e3) : nullptr;
    if (!pd)
        return false;
    const uint64_t e2 = pd[PT_INDEX(gpa, PD_SHIFT)];
    if (!(e2 & PTE_P))
        return false;
    if (e2 & PTE_PS) {
        *hpa = (e2 & PTE_ADDR_MASK & ~(SVM_2M - 1)) | (gpa & (SVM_2M - 1));
        return true;
    }
    const uint64_t* pt = table(e2);
    if (!pt)
        return false;
    const uint64_t e1 = pt[PT_INDEX(gpa, PT_SHIFT)];
    if (!(e1 & PTE_P))
        return false;
    *hpa = (e1 & PTE_ADDR_MASK) | (gpa & (SVM_PAGE - 1));
    return true;
}

bool svm_msrpm_set(uint8_t* msrpm, uint32_t msr, bool read, bool write)
{
    uint32_t byte, bit;
    if (!msrpm_position(msr, &byte, &bit))
        return false;
    msrpm[byte] = uint8_t(msrpm[byte] | (read ? 1u << bit : 0) | (write ? 2u << bit : 0));
    return true;
}

bool svm_msrpm_intercepts(const uint8_t* msrpm, uint32_t msr, bool write)
{
    uint32_t byte, bit;
    if (!msrpm_position(msr, &byte, &bit))
        return true;
    return (msrpm[byte] >> (bit + (write ? 1 : 0))) & 1;
}

uint32_t svm_insn_length(uint64_t exitcode)
{
    switch (exitcode) {
    case VMEXIT_CPUID:
    case VMEXIT_MSR:
        return 2;
    case VMEXIT_VMMCALL:
        return 3;
    default:
        return 0;
    }
}

const char* svm_exit_name(uint64_t exitcode)
{
    if (uint32_t(exitcode) == VMEXIT_INVALID_LOW32)
        return "invalid";
    switch (exitcode) {
    case VMEXIT_CPUID: return "cpuid";
    case VMEXIT_MSR: return "msr";
    case VMEXIT_SHUTDOWN: return "shutdown";
    case VMEXIT_VMRUN: return "vmrun";
    case VMEXIT_VMMCALL: return "vmmcall";
    case VMEXIT_VMLOAD: return "vmload";
    case VMEXIT_VMSAVE: return "vmsave";
    case VMEXIT_STGI: return "stgi";
    case VMEXIT_CLGI: return "clgi";
    case VMEXIT_SKINIT: return "skinit";
    case VMEXIT_NPF: return "npf";
    case VMEXIT_NMI: return "nmi";
    default: return "other";
    }
}

namespace {

/* VMCB segment attributes (table B-2: descriptor bits 47:40 in 7:0, 55:52 in 11:8). */
constexpr uint16_t SEG_ATTR_CODE16 = 0x009b;    /* present, S, execute/read, accessed; D = 0 */
constexpr uint16_t SEG_ATTR_DATA16 = 0x0093;    /* present, S, read/write, accessed */
constexpr uint16_t SEG_ATTR_LDT = 0x0082;       /* present, LDT */
constexpr uint16_t SEG_ATTR_TSS16_BUSY = 0x0083; /* present, busy 16-bit TSS */
constexpr uint16_t SEG_ATTR_L = 1u << 9;        /* descriptor bit 53 */
constexpr uint16_t SEG_ATTR_D = 1u << 10;       /* descriptor bit 54 */
constexpr uint32_t REAL_LIMIT = 0xffff;
/* PAT's power-on value (APM vol. 2, 7.8.2). */
constexpr uint64_t PAT_RESET = 0x0007040600070406;

} // namespace

void svm_vmcb_init_state(x86::VmcbSave& s)
{
    s = x86::VmcbSave{};
    const x86::VmcbSegment data{0, SEG_ATTR_DATA16, REAL_LIMIT, 0};
    s.es = s.ss = s.ds = s.fs = s.gs = data;
    s.cs = x86::VmcbSegment{0xf000, SEG_ATTR_CODE16, REAL_LIMIT, 0xffff0000};
    s.gdtr = s.idtr = x86::VmcbSegment{0, 0, REAL_LIMIT, 0};
    s.ldtr = x86::VmcbSegment{0, SEG_ATTR_LDT, REAL_LIMIT, 0};
    s.tr = x86::VmcbSegment{0, SEG_ATTR_TSS16_BUSY, REAL_LIMIT, 0};
    s.cpl = 0;
    s.efer = EFER_SVME;
    s.cr0 = CR0_CD | CR0_NW | CR0_ET;
    s.rflags = 0x2;
    s.rip = 0xfff0;
    s.dr6 = 0xffff0ff0;
    s.dr7 = 0x400;
    s.g_pat = PAT_RESET;
}

void svm_vmcb_sipi(x86::VmcbSave& s, uint8_t vector)
{
    s.cs.selector = uint16_t(vector << 8);
    s.cs.base = uint64_t(vector) << 12;
    s.cs.limit = REAL_LIMIT;
    s.rip = 0;
}

CodeSize svm_code_size(const x86::VmcbSave& s)
{
    if ((s.efer & EFER_LMA) && (s.cs.attrib & SEG_ATTR_L))
        return CodeSize::bits64;
    if ((s.cr0 & CR0_PE) && (s.cs.attrib & SEG_ATTR_D))
        return CodeSize::bits32;
    return CodeSize::bits16;
}

BootError svm_check_cpuid(uint32_t ext_features_ecx, uint32_t svm_features_edx)
{
    if (!(ext_features_ecx & CPUID_80000001_ECX_SVM))
        return BootError{.subject = SVM_ERROR_SUBJECT, .field = "CPUID 0x80000001 ECX", .found = ext_features_ecx,
                         .expected = "SVM (bit 2) for guest=svm"};
    if (!(svm_features_edx & CPUID_8000000A_EDX_NP))
        return BootError{.subject = SVM_ERROR_SUBJECT, .field = "CPUID 0x8000000a EDX", .found = svm_features_edx,
                         .expected = "NP (bit 0): nested paging (NPT) for guest=svm"};
    return BootError{};
}

BootError svm_check_vm_cr(uint64_t vm_cr)
{
    if (vm_cr & VM_CR_SVMDIS)
        return BootError{.subject = SVM_ERROR_SUBJECT, .field = "VM_CR", .found = vm_cr,
                         .expected = "SVMDIS (bit 4) clear: SVM not disabled by the firmware"};
    return BootError{};
}

void svm_guest_pagetables(uint64_t* pages, uint64_t pages_phys)
{
    for (uint32_t i = 0; i < SVM_GUEST_PT_PAGES * PT_ENTRIES; ++i)
        pages[i] = 0;
    pages[0] = (pages_phys + SVM_PAGE) | PTE_TABLE;
    for (uint64_t g = 0; g < 4; ++g) {
        pages[PT_ENTRIES + g] = (pages_phys + (2 + g) * SVM_PAGE) | PTE_TABLE;
        for (uint64_t e = 0; e < PT_ENTRIES; ++e)
            pages[(2 + g) * PT_ENTRIES + e] = (g * SVM_1G + e * SVM_2M) | PTE_IDENT_2M;
    }
}

} // namespace relboot
