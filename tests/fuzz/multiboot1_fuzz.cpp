/*
 * libFuzzer target for multiboot1's early step and BootState filler
 * (protocol/multiboot1.cpp): arbitrary bytes as the physical memory that
 * holds the boot information (info_window.h).  A malformed structure must
 * end in one BootError, never in a read outside the window; an accepted
 * one must give a BootState that keeps its invariants.
 */
#include "protocol/multiboot1.h"

#include "info_window.h"

using namespace relboot;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    BootState bs;
    fuzz::run_protocol(data, size, Protocol::multiboot1, multiboot1_early, boot_info_from_multiboot1, bs);
    return 0;
}
