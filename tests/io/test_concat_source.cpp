#include <chunkarr/core/error.hpp>
#include <chunkarr/io/concat_source.hpp>
#include <chunkarr/io/memory_source.hpp>

#include "support/catch.hpp"

#include <numeric>

using namespace chunkarr;

namespace {
SourcePtr part(Index rows, Index cols, int first, DType dtype = DType::Int32) {
    NDArray a(DType::Int32, {rows, cols});
    std::iota(a.data_as<std::int32_t>(), a.data_as<std::int32_t>() + a.size(), first);
    return std::make_shared<MemorySource>(a.astype(dtype), ChunkGrid::regular({rows, cols}, {2, cols}));
}
}  // namespace

TEST_CASE("parts join along the first axis and reads cross the joins", "[io]") {
    const ConcatSource joined({part(3, 2, 0), part(1, 2, 100), part(2, 2, 200)}, {"a", "b", "c"}, 0);
    CHECK(joined.shape() == Shape{6, 2});
    CHECK(joined.task_grid().chunks(0) == std::vector<Index>{2, 1, 1, 2});
    std::vector<std::int32_t> out(8);
    joined.read({{2, 6}, {0, 2}}, out.data());
    CHECK(out == std::vector<std::int32_t>{4, 5, 100, 101, 200, 201, 202, 203});
}

TEST_CASE("parts join along an inner axis", "[io]") {
    const ConcatSource joined({part(2, 2, 0), part(2, 3, 10)}, {"a", "b"}, 1);
    CHECK(joined.shape() == Shape{2, 5});
    std::vector<std::int32_t> out(6);
    joined.read({{0, 2}, {1, 4}}, out.data());
    CHECK(out == std::vector<std::int32_t>{1, 10, 11, 3, 13, 14});
}

TEST_CASE("mismatched parts are refused with the part's name", "[io][errors]") {
    CHECK_THROWS_WITH(ConcatSource({part(2, 2, 0), part(2, 3, 0)}, {"jan.nc", "feb.nc"}, 0),
                      Catch::Matchers::Contains("feb.nc"));
    CHECK_THROWS_AS(ConcatSource({part(2, 2, 0), part(2, 2, 0, DType::Float64)}, {"jan.nc", "feb.nc"}, 0), FormatError);
}
