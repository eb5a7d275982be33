#pragma once
// User functions over blocks (Dask's map_blocks / map_overlap), lazy like every other op. The
// function runs on the executor's worker threads, several blocks at once: it must be safe to
// call concurrently. Its result is checked per block (shape and dtype), the error naming the
// block.
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/block_function.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// `function` on every block of `arrays` (one shape; differing chunks are refined to a common
// grid): blocks[k] is arrays[k]'s block. It returns a block of `dtype` (default: the first
// array's) and of the block's shape, or of `chunks`' block shape when given (same number of
// blocks per axis as the inputs).
Array map_blocks(BlockCallable function, const std::vector<Array>& arrays, std::optional<DType> dtype = std::nullopt,
                 std::optional<ChunkGrid> chunks = std::nullopt, std::string name = "map_blocks");

// `function` on every block of `x` extended by `depth` elements (per axis, or one for all) from
// the neighbouring blocks, and past the array's edges by `boundary` (see Boundary); it returns
// a block of the extended shape, which is trimmed back by `depth` (Dask's trim=True; with
// trim=false the results are kept whole and the output's blocks are the extended ones). Depth
// may exceed a chunk: the extension is read from the array, not only from the next block.
Array map_overlap(std::function<NDArray(const NDArray& block, const BlockInfo& info)> function, const Array& x,
                  std::vector<Index> depth, Boundary boundary = Boundary::Reflect, double value = 0,
                  std::optional<DType> dtype = std::nullopt, std::string name = "map_overlap", bool trim = true);
// The same with a boundary (and Constant fill value) per axis.
Array map_overlap(std::function<NDArray(const NDArray& block, const BlockInfo& info)> function, const Array& x,
                  std::vector<Index> depth, std::vector<Boundary> boundaries, std::vector<double> values,
                  std::optional<DType> dtype = std::nullopt, std::string name = "map_overlap", bool trim = true);

}  // namespace chunkarr
