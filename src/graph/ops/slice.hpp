#pragma once
// Slice: a basic (start:stop:step or integer) selection on every axis of the input.
#include <chunkarr/core/shape.hpp>

#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {

// One axis of a basic slice, already normalised against the input length.
struct SliceAxis {
    Index start = 0;
    Index stop = 0;
    Index step = 1;
    bool drop = false;     // an integer index: the axis disappears
    Index length() const;  // number of selected elements
    bool operator==(const SliceAxis&) const = default;
};

inline std::size_t hash_value(const SliceAxis& s) { return hash_of(s.start, s.stop, s.step, s.drop); }

namespace ops {

struct Slice {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    std::vector<SliceAxis> axes;                // one per input axis
    bool operator==(const Slice&) const = default;
    std::size_t hash() const { return hash_of(axes); }
    bool has_step() const;  // some kept axis takes every n-th element (n > 1)
};

}  // namespace ops

NodePtr make_slice_node(NodePtr input, std::vector<SliceAxis> axes);
NodePtr rebuild(const ops::Slice& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Slice& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
