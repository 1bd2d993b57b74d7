#include <gtest/gtest.h>
#include "lib/crc32.h"

#include <cstring>
#include <vector>

using relboot::crc32;

TEST(Crc32, KnownValues)
{
    const auto* check = reinterpret_cast<const uint8_t*>("123456789");
    EXPECT_EQ(crc32(0, check, 9), 0xcbf43926u);   /* the CRC-32/ISO-HDLC check value */
    EXPECT_EQ(crc32(0, nullptr, 0), 0u);
    const uint8_t zero = 0;
    EXPECT_EQ(crc32(0, &zero, 1), 0xd202ef8du);
    const auto* fox = reinterpret_cast<const uint8_t*>("The quick brown fox jumps over the lazy dog");
    EXPECT_EQ(crc32(0, fox, 43), 0x414fa339u);
}

TEST(Crc32, ContinuesLikeZlib)
{
    std::vector<uint8_t> data(1000);
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = uint8_t(i * 7 + 3);
    const uint32_t whole = crc32(0, data.data(), data.size());
    EXPECT_EQ(crc32(crc32(0, data.data(), 400), data.data() + 400, 600), whole);
}
