/*
 * Helpers that let one header serve GNU as, C++ and the GNU ld script.
 *
 * The assembler and ld do not understand C integer suffixes, so constants
 * are written through UINT32()/UINT64(), which add the suffix only for C++.
 * Files preprocessed for as or ld define __ASSEMBLER__ (gcc -x
 * assembler-with-cpp does this for both).
 */
#ifndef RELBOOT_MACROS_H
#define RELBOOT_MACROS_H

#ifdef __ASSEMBLER__
#define UINT32(x) x
#define UINT64(x) x
#else
#define UINT32(x) x##U
#define UINT64(x) x##ULL
#endif

/* Bit n of a 32-bit or 64-bit value (n in 0..31 or 0..63). */
#define BIT32(n) (UINT32(1) << (n))
#define BIT64(n) (UINT64(1) << (n))

#define KIB(x) ((x) * 1024)
#define MIB(x) ((x) * 1024 * 1024)

#endif
