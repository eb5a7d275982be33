#include "kernels/region_copy.hpp"
#include "support/catch.hpp"

#include <numeric>
#include <vector>

using namespace chunkarr;

TEST_CASE("boxes move between arrays of different shapes", "[kernels]") {
    std::vector<std::int16_t> big(4 * 5);
    std::iota(big.begin(), big.end(), 0);
    std::vector<std::int16_t> small(2 * 3);
    kernels::copy_region(reinterpret_cast<std::byte*>(big.data()), {4, 5}, 2, {{1, 3}, {2, 5}},
                         reinterpret_cast<std::byte*>(small.data()));
    CHECK(small == std::vector<std::int16_t>{7, 8, 9, 12, 13, 14});
    std::vector<std::int16_t> back(4 * 5, 0);
    kernels::paste_region(reinterpret_cast<std::byte*>(small.data()), reinterpret_cast<std::byte*>(back.data()), {4, 5},
                          2, {{1, 3}, {2, 5}});
    CHECK(back[7] == 7);
    CHECK(back[14] == 14);
    CHECK(back[0] == 0);
    std::vector<std::uint32_t> words{0x01020304u, 0xa0b0c0d0u};
    kernels::swap_bytes(reinterpret_cast<std::byte*>(words.data()), 2, 4);
    CHECK(words[0] == 0x04030201u);
    CHECK(words[1] == 0xd0c0b0a0u);
}

TEST_CASE("gather_indexed picks elements per axis and fills -1", "[kernels]") {
    std::vector<std::int32_t> src(3 * 4);
    std::iota(src.begin(), src.end(), 0);
    const std::int32_t fill = -9;
    std::vector<std::int32_t> dst(4 * 3);
    kernels::gather_indexed(reinterpret_cast<const std::byte*>(src.data()), {3, 4}, {{2, 0, -1, 1}, {3, -1, 0}},
                            reinterpret_cast<std::byte*>(dst.data()), 4, reinterpret_cast<const std::byte*>(&fill));
    CHECK(dst == std::vector<std::int32_t>{11, -9, 8, 3, -9, 0, -9, -9, -9, 7, -9, 4});
}
