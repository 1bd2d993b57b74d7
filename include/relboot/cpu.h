/*
 * What relboot needs from the CPU before it touches CR4 or EFER, probed
 * with CPUID (Intel SDM Vol. 2A, CPUID; Vol. 1, 3.4.3.3 for EFLAGS.ID).
 * 32-bit stage only (it must run on CPUs that cannot enter long mode,
 * to refuse them with a clear line).
 */
#ifndef RELBOOT_CPU_H
#define RELBOOT_CPU_H

namespace relboot {

struct CpuProbe {
    const char* missing;    /* nullptr, or what the CPU lacks, e.g. "PAE (CPUID.01H:EDX[6])" */
    bool nx;                /* execute-disable present (CPUID.80000001H:EDX[20]) */
};

/*
 * Probes CPUID itself (EFLAGS.ID toggles), PAE and long mode, in that
 * order; the first one missing is reported.  Changes no CPU state.
 */
CpuProbe cpu_probe();

} // namespace relboot

#endif
