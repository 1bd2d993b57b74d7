/*
 * CRC-32 as zlib's crc32() and IEEE 802.3 compute it (reflected polynomial
 * 0xedb88320, initial value and final XOR 0xffffffff).  Used to prove that
 * relboot leaves GRUB's modules untouched.
 */
#ifndef RELBOOT_CRC32_H
#define RELBOOT_CRC32_H

#include <cstddef>
#include <cstdint>

namespace relboot {

/*
 * CRC-32 of len bytes at data, continuing from crc (0 to start; pass the
 * previous result to continue), exactly as zlib's crc32(crc, data, len).
 */
uint32_t crc32(uint32_t crc, const uint8_t* data, size_t len);

} // namespace relboot

#endif
