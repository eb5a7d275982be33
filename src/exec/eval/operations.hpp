#pragma once
// What the evaluator needs of each operation, defined in exec/eval/<op>.cpp:
//   input_region - the box of input k that a region of the node reads;
//   evaluate     - the node's values on a region (reading inputs through the evaluator);
//   footprint    - the bytes evaluate() allocates for a region, inputs included (walk).
// The evaluator dispatches with std::visit over the node's Operation: an operation missing
// here does not compile.
#include "exec/evaluator.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace chunkarr {

// Sums footprints down the graph, each (node, region) once, as one task's memo would hold them.
class FootprintWalk {
public:
    explicit FootprintWalk(const Materialized& done) : done_(done) {}
    std::size_t operator()(const Node& node, const Region& region);
    const Materialized& done() const { return done_; }

private:
    const Materialized& done_;
    std::vector<std::pair<const Node*, Region>> seen_;
};

std::size_t region_bytes(const Region& region, DType dtype);
bool is_empty(const Region& region);
// The footprint of a node that makes one new block from its inputs' regions: its own block,
// the inputs', and a converted copy of each input whose dtype is not wanted(k).
template <class WantedType>
std::size_t elementwise_footprint(const Node& node, const Region& region, FootprintWalk& walk, WantedType&& wanted) {
    std::size_t total = region_bytes(region, node.dtype);
    for (std::size_t k = 0; k < node.inputs.size(); ++k) {
        const Region ir = input_region(node, k, region);
        const Node& input = *node.inputs[k];
        total += walk(input, ir);
        const DType type = wanted(k);
        if (input.dtype != type) total += region_bytes(input.is<ops::Scalar>() ? Region{} : ir, type);
    }
    return total;
}

#define CHUNKARR_EVALUATION(Op)                                                                      \
    Region input_region(const ops::Op& op, const Node& node, std::size_t k, const Region& region);   \
    Block evaluate(const ops::Op& op, const Node& node, const Region& region, Evaluator& evaluator); \
    std::size_t footprint(const ops::Op& op, const Node& node, const Region& region, FootprintWalk& walk);

CHUNKARR_EVALUATION(Source)       // eval/source.cpp
CHUNKARR_EVALUATION(Scalar)       // eval/scalar.cpp
CHUNKARR_EVALUATION(Unary)        // eval/elementwise.cpp
CHUNKARR_EVALUATION(Binary)       // eval/elementwise.cpp
CHUNKARR_EVALUATION(Where)        // eval/elementwise.cpp
CHUNKARR_EVALUATION(Cast)         // eval/cast.cpp
CHUNKARR_EVALUATION(DecodeCF)     // eval/decode_cf.cpp
CHUNKARR_EVALUATION(Slice)        // eval/slice.cpp
CHUNKARR_EVALUATION(Reduce)       // eval/reduce.cpp
CHUNKARR_EVALUATION(Quantile)     // eval/quantile.cpp
CHUNKARR_EVALUATION(Rechunk)      // eval/rechunk.cpp
CHUNKARR_EVALUATION(Concatenate)  // eval/concatenate.cpp
CHUNKARR_EVALUATION(Transpose)    // eval/transpose.cpp
CHUNKARR_EVALUATION(ExpandDims)   // eval/expand_dims.cpp
CHUNKARR_EVALUATION(Scan)         // eval/scan.cpp
CHUNKARR_EVALUATION(Reshape)      // eval/reshape.cpp
CHUNKARR_EVALUATION(MapBlocks)    // eval/map_blocks.cpp
CHUNKARR_EVALUATION(Contract)     // eval/contract.cpp
CHUNKARR_EVALUATION(Take)         // eval/take.cpp

#undef CHUNKARR_EVALUATION

// A reduction's values on `region`, copied from its stage's result (Reduce and Quantile).
Block materialized(const Node& node, const Region& region, Evaluator& evaluator);
// Reshape: the input boxes a region reads, each once.
std::vector<Region> reshape_input_pieces(const Node& node, const Region& region);

}  // namespace chunkarr
