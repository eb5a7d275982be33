#include "support/catch.hpp"

#include <chunkarr/kernels/region_copy.hpp>

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
    kernels::paste_region(reinterpret_cast<std::byte*>(small.data()), reinterpret_cast<std::byte*>(back.data()), {4, 5}, 2,
                          {{1, 3}, {2, 5}});
    CHECK(back[7] == 7);
    CHECK(back[14] == 14);
    CHECK(back[0] == 0);
    std::vector<std::uint32_t> words{0x01020304u, 0xa0b0c0d0u};
    kernels::swap_bytes(reinterpret_cast<std::byte*>(words.data()), 2, 4);
    CHECK(words[0] == 0x04030201u);
    CHECK(words[1] == 0xd0c0b0a0u);
}
