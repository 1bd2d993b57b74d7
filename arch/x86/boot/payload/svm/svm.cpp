/*
 * guest=svm's pure parts (arch/x86/boot/payload/svm/payload_svm.h): the MSR
 * permission map, instruction lengths, the INIT and SIPI states and the
 * host's checks (the nested page table is the vCPU layer's planner,
 * payload/vcpu/guest_map.h).  Freestanding: writes only what it is given.
 */
#include "payload/svm/payload_svm.h"
#include <x86/cr.h>
#include <x86/paging.h>
#include <x86/svm.h>

namespace relboot {

namespace {

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

} // namespace relboot
