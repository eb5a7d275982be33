#include <chunkarr/core/error.hpp>
#include <chunkarr/io/generator_source.hpp>
#include <chunkarr/io/memory_source.hpp>

#include "support/catch.hpp"

#include <vector>

using namespace chunkarr;

TEST_CASE("memory source reads any box of the array", "[io]") {
    NDArray a(DType::Int32, {4, 5});
    for (int i = 0; i < 20; ++i) a.data_as<std::int32_t>()[i] = i;
    const MemorySource source(a, ChunkGrid::regular({4, 5}, {2, 2}));
    std::vector<std::int32_t> out(6);
    source.read({{1, 3}, {2, 5}}, out.data());
    CHECK(out == std::vector<std::int32_t>{7, 8, 9, 12, 13, 14});
    CHECK_THROWS_AS(MemorySource(a, ChunkGrid::regular({4, 4}, {2, 2})), ValueError);
}

TEST_CASE("generator sources produce their values", "[io]") {
    const ArangeSource arange(10, 0.5, 7, DType::Float64, ChunkGrid::regular({7}, {3}));
    std::vector<double> out(3);
    arange.read({{4, 7}}, out.data());
    CHECK(out == std::vector<double>{12.0, 12.5, 13.0});
    const FullSource full({2, 2}, DType::UInt8, 7, ChunkGrid::regular({2, 2}, {1, 2}));
    std::vector<std::uint8_t> bytes(2);
    full.read({{1, 2}, {0, 2}}, bytes.data());
    CHECK(bytes == std::vector<std::uint8_t>{7, 7});
}

TEST_CASE("sources that do not decode stored chunks have no storage chunks", "[io]") {
    const MemorySource memory(NDArray(DType::Float64, {4}), ChunkGrid::regular({4}, {2}));
    CHECK_FALSE(memory.storage_chunks().has_value());
    const FullSource full({3, 3}, DType::Int32, 7, ChunkGrid::regular({3, 3}, {3, 3}));
    CHECK_FALSE(full.storage_chunks().has_value());
}
