/*
 * Memory typing and DRAM decoding MSRs: the MTRRs (Intel SDM Vol. 3A,
 * "Memory Type Range Registers (MTRRs)"; Vol. 4, table 2-2), and AMD's
 * extensions to them (AMD APM vol. 2, chapter 7 "Memory System": the MTRR
 * extensions in SYSCFG, the I/O range registers (IORRs), TOP_MEM and
 * TOP_MEM2; appendix A "Memory-Typing MSRs").  They decide
 * what a physical address is (cached or not, DRAM or I/O), for the
 * hypervisor as for the guest.  Numbers only: the fields relboot never
 * decodes.
 */
#ifndef RELBOOT_X86_MTRR_H
#define RELBOOT_X86_MTRR_H

#include <relboot/spec/macros.h>

#define MSR_IA32_MTRRCAP            UINT32(0x000000fe)  /* read-only: VCNT, FIX, WC, SMRR */
#define MSR_IA32_MTRR_PHYSBASE0     UINT32(0x00000200)  /* PHYSBASEn = 200H + 2n, PHYSMASKn = 201H + 2n */
#define MSR_IA32_MTRR_PHYSMASK9     UINT32(0x00000213)  /* the last variable pair the SDM defines (VCNT <= 10) */
#define MSR_IA32_MTRR_FIX64K_00000  UINT32(0x00000250)
#define MSR_IA32_MTRR_FIX16K_80000  UINT32(0x00000258)
#define MSR_IA32_MTRR_FIX16K_A0000  UINT32(0x00000259)
#define MSR_IA32_MTRR_FIX4K_C0000   UINT32(0x00000268)  /* ... FIX4K_F8000 at 26FH */
#define MSR_IA32_MTRR_FIX4K_F8000   UINT32(0x0000026f)
#define MSR_IA32_MTRR_DEF_TYPE      UINT32(0x000002ff)

/* AMD (APM vol. 2, chapter 7 and appendix A). */
#define MSR_SYSCFG                  UINT32(0xc0010010)  /* system configuration: MTRR extensions, TOM2, SME */
#define MSR_IORR_BASE0              UINT32(0xc0010016)  /* IORRBase0, IORRMask0, IORRBase1, IORRMask1 */
#define MSR_IORR_MASK1              UINT32(0xc0010019)
#define MSR_TOP_MEM                 UINT32(0xc001001a)  /* DRAM below 4 GiB ends here */
#define MSR_TOP_MEM2                UINT32(0xc001001d)  /* DRAM above 4 GiB ends here (SYSCFG.MtrrTom2En) */

#endif
