/*
 * guest=svm's pure parts (arch/x86/boot/payload/svm/payload_svm.h): the
 * host's checks and their error lines, the MSR permission map's layout, a
 * vCPU's INIT and SIPI states, event injection, instruction lengths.  The
 * nested page table is the vCPU layer's planner: vcpu_guest_map_test.cpp.
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
/* The error line as relboot prints it (print_error(), lib/error.h). */
std::string line(const BootError& e)
{
    char buf[512];
    Console con(buf, sizeof buf);
    print_error(con, e);
    return buf;
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

} // namespace
