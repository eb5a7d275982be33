#include <chunkarr/core/error.hpp>
#include <chunkarr/core/shape.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("regular chunk grids have partial edge chunks", "[shape]") {
    const ChunkGrid grid = ChunkGrid::regular({37, 53}, {8, 10});
    CHECK(grid.chunks(0) == std::vector<Index>{8, 8, 8, 8, 5});
    CHECK(grid.chunks(1) == std::vector<Index>{10, 10, 10, 10, 10, 3});
    CHECK(grid.block_count() == 30);
    CHECK(grid.shape() == Shape{37, 53});
    const Region last = grid.block_region({4, 5});
    CHECK(last[0] == Range{32, 37});
    CHECK(last[1] == Range{50, 53});
    CHECK(grid.unravel(7) == std::vector<Index>{1, 1});
    CHECK(grid.to_string() == "((8, 8, 8, 8, 5), (10, 10, 10, 10, 10, 3))");
}

TEST_CASE("zero-length axes and 0-d arrays have one block", "[shape]") {
    const ChunkGrid empty = ChunkGrid::regular({3, 0}, {2, 4});
    CHECK(empty.chunks(1) == std::vector<Index>{0});
    CHECK(empty.block_count() == 2);
    const ChunkGrid scalar = ChunkGrid::regular({}, {});
    CHECK(scalar.block_count() == 1);
    CHECK(scalar.block_region({}).empty());
    CHECK_THROWS_AS(ChunkGrid::regular({4}, {0}), ValueError);
}

TEST_CASE("common refinement keeps every boundary", "[shape]") {
    const ChunkGrid a = ChunkGrid::regular({10}, {4});  // 4 4 2
    const ChunkGrid b = ChunkGrid::regular({10}, {3});  // 3 3 3 1
    CHECK(common_refinement(a, b).chunks(0) == std::vector<Index>{3, 1, 2, 2, 1, 1});
}

TEST_CASE("task chunks are whole storage chunks grown to the target", "[shape]") {
    // 1 MiB storage chunks of float64 grown along the leading axis to ~4 MiB.
    const ChunkGrid grid = task_chunks({100, 256, 512}, {1, 256, 512}, 8, 4 << 20);
    CHECK(grid.chunks(0).front() == 4);
    CHECK(grid.chunks(1) == std::vector<Index>{256});
    // A storage chunk already above the target is used as it is.
    const ChunkGrid big = task_chunks({64, 512, 512}, {8, 512, 512}, 8, 4 << 20);
    CHECK(big.chunks(0).front() == 8);
    CHECK(shape_to_string({3}) == "(3,)");
    CHECK(element_count({}) == 1);
}
