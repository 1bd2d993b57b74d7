/*
 * The VMX instructions relboot executes, as inline functions (Intel SDM
 * Vol. 3C, chapter 30 "VMX Instruction Reference"; 64-bit stage only).
 * Each reports the instruction's outcome (SDM 30.2 "Conventions"):
 * VMsucceed (CF = ZF = 0), VMfailInvalid (CF = 1: no current VMCS, or a
 * bad operand to VMXON) or VMfailValid (ZF = 1: the reason is the current
 * VMCS's VM-instruction error field, vmx_vmread(VMCS_VM_INSTRUCTION_ERROR)).
 */
#ifndef RELBOOT_VMX_INSN_H
#define RELBOOT_VMX_INSN_H

#include <cstdint>

namespace relboot {

/* An outcome of a VMX instruction. */
enum class VmxResult : uint8_t { ok = 0, fail_invalid, fail_valid };

/* The outcome from the flags an instruction left: CF, then ZF. */
inline VmxResult vmx_result(bool cf, bool zf)
{
    return cf ? VmxResult::fail_invalid : zf ? VmxResult::fail_valid : VmxResult::ok;
}

/* VMXON with the 4 KiB-aligned VMXON region at region (its first word the VMCS revision identifier). */
inline VmxResult vmx_on(uint64_t region)
{
    bool cf, zf;
    asm volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(region) : "memory");
    return vmx_result(cf, zf);
}

/* VMCLEAR of the VMCS at vmcs: its data written back, its launch state "clear". */
inline VmxResult vmx_clear(uint64_t vmcs)
{
    bool cf, zf;
    asm volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(vmcs) : "memory");
    return vmx_result(cf, zf);
}

/* VMPTRLD: the VMCS at vmcs becomes current. */
inline VmxResult vmx_ptrld(uint64_t vmcs)
{
    bool cf, zf;
    asm volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(vmcs) : "memory");
    return vmx_result(cf, zf);
}

/* VMWRITE of value to the current VMCS's field (appendix B encoding). */
inline VmxResult vmx_vmwrite(uint64_t field, uint64_t value)
{
    bool cf, zf;
    asm volatile("vmwrite %3, %2" : "=@ccc"(cf), "=@ccz"(zf) : "r"(field), "rm"(value) : "memory");
    return vmx_result(cf, zf);
}

/* VMREAD of the current VMCS's field; 0 when it fails (a field the CPU lacks: the callers read only known ones). */
inline uint64_t vmx_vmread(uint64_t field)
{
    uint64_t value = 0;
    asm volatile("vmread %1, %0" : "+rm"(value) : "r"(field) : "cc");
    return value;
}

/* INVEPT of type with the EPT pointer eptp (SDM 30.3): the EPT's cached translations dropped. */
inline VmxResult vmx_invept(uint64_t type, uint64_t eptp)
{
    const struct {
        uint64_t eptp, reserved;
    } descriptor{eptp, 0};
    bool cf, zf;
    asm volatile("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(descriptor), "r"(type) : "memory");
    return vmx_result(cf, zf);
}

/* INVVPID of type for vpid (SDM 30.3): the guest's cached linear translations dropped. */
inline VmxResult vmx_invvpid(uint64_t type, uint16_t vpid)
{
    const struct {
        uint64_t vpid, linear;
    } descriptor{vpid, 0};
    bool cf, zf;
    asm volatile("invvpid %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(descriptor), "r"(type) : "memory");
    return vmx_result(cf, zf);
}

} // namespace relboot

#endif
