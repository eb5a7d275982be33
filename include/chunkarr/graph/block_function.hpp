#pragma once
// A user function applied to every block of arrays (map_blocks), optionally to blocks extended
// by their neighbours' edges (map_overlap): what a MapBlocks node holds.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/shape.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace chunkarr {

// Where a call of the function is.
struct BlockInfo {
    std::vector<Index> block;           // the output block's index in the output chunk grid
    Region region;                      // the output block's place in the output array
    Shape shape;                        // the shape the function must return (before trimming)
    DType dtype = DType::Float64;       // the dtype it must return
    std::vector<Region> input_regions;  // per input, what was passed (with overlap: may reach
                                        // past the array, filled by the boundary rule)
};

// blocks: one per input, C-contiguous, read-only (valid for the call only).
using BlockCallable = std::function<NDArray(const std::vector<NDArray>& blocks, const BlockInfo& info)>;

struct BlockFunction {
    std::string name;  // for explain() and error messages
    BlockCallable call;
};
using BlockFunctionPtr = std::shared_ptr<const BlockFunction>;

// How map_overlap fills the extension past the array's edges (Dask's names):
//   Reflect  - mirrored with the edge repeated: d c b a | a b c d (np.pad "symmetric")
//   Periodic - wrapped around: c d | a b c d (np.pad "wrap")
//   Nearest  - the edge value repeated: a a | a b c d (np.pad "edge")
//   Constant - a given value (np.pad "constant")
//   None     - no extension at the array's edges: edge blocks are passed shorter there
enum class Boundary { Reflect, Periodic, Nearest, Constant, None };

struct Overlap {
    std::vector<Index> depth;          // per axis, elements taken from each neighbour
    std::vector<Boundary> boundaries;  // per axis, what lies past the array's edges
    std::vector<double> values;        // per axis, the fill of a Constant boundary
    bool trim = true;                  // false: results kept whole (output blocks are extended)
    bool operator==(const Overlap&) const = default;
};

// Boundary from its name ("reflect", "periodic", "nearest", "constant", "none"); ValueError else.
Boundary parse_boundary(const std::string& name);
const char* boundary_name(Boundary boundary);

// The element of an axis of length `n` that position `p` (possibly outside [0, n)) shows under
// `boundary`; -1 for Constant outside the array. (Not used for None.)
Index boundary_source(Boundary boundary, Index p, Index n);

}  // namespace chunkarr
