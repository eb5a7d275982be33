#include "graph/ops/reshape.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/node.hpp"

#include <algorithm>

namespace chunkarr {

namespace {

std::string requested_to_string(const std::vector<Index>& requested) {
    std::string text = "(";
    for (std::size_t i = 0; i < requested.size(); ++i) text += (i ? ", " : "") + std::to_string(requested[i]);
    return text + (requested.size() == 1 ? ",)" : ")");
}

// Product of shape[begin, end).
Index product(const Shape& shape, std::size_t begin, std::size_t end) {
    Index p = 1;
    for (std::size_t i = begin; i < end; ++i) p *= shape[i];
    return p;
}

std::vector<Index> regular_axis(Index length, Index chunk) {
    std::vector<Index> chunks;
    for (Index at = 0; at < length; at += chunk) chunks.push_back(std::min(chunk, length - at));
    if (chunks.empty()) chunks.push_back(0);
    return chunks;
}

// One input box of a group (its axes only), holding the group's flat run [at, at + count)
// of the region, counted from the region's first element in the group.
struct Part {
    Region box;
    Index at = 0;
    Index count = 0;
};

// Splits the group's flat run [s, e) of input elements into boxes that are each a contiguous
// run: (1, ..., 1, c, whole, ..., whole). At most about 2k boxes for k axes.
void split_run(const Shape& dims, Index s, Index e, Index local, std::vector<Part>& parts) {
    const std::size_t k = dims.size();
    std::vector<Index> stride(k, 1);
    for (std::size_t a = k; a-- > 1;) stride[a - 1] = stride[a] * dims[a];
    if (k == 0) {  // a group of unit output axes: one element, no input axes
        parts.push_back({Region{}, local, e - s});
        return;
    }
    const Index first = s;
    while (s < e) {
        std::size_t level = k - 1;
        for (std::size_t l = 0; l < k; ++l)
            if (s % stride[l] == 0 && s + stride[l] <= e) {
                level = l;
                break;
            }
        const Index at_level = (s / stride[level]) % dims[level];
        const Index c = std::min((e - s) / stride[level], dims[level] - at_level);
        Part part;
        part.box.resize(k);
        for (std::size_t a = 0; a < k; ++a) {
            const Index i = (s / stride[a]) % dims[a];
            if (a < level) part.box[a] = {i, i + 1};
            else if (a == level) part.box[a] = {i, i + c};
            else part.box[a] = {0, dims[a]};
        }
        part.at = local + (s - first);
        part.count = c * stride[level];
        parts.push_back(std::move(part));
        s += part.count;
    }
}

}  // namespace

Shape resolve_reshape(const Shape& in, const std::vector<Index>& requested) {
    const Index size = element_count(in);
    Shape out(requested.begin(), requested.end());
    std::size_t unknown = out.size();
    Index known = 1;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == -1) {
            if (unknown != out.size()) throw ValueError("can only specify one unknown dimension");
            unknown = i;
        } else if (out[i] < 0) {
            throw ValueError("negative dimensions not allowed in reshape " + requested_to_string(requested));
        } else {
            known *= out[i];
        }
    }
    auto mismatch = [&] {
        return ValueError("cannot reshape array of size " + std::to_string(size) + " into shape " +
                          requested_to_string(requested));
    };
    if (unknown != out.size()) {
        if (known == 0 || size % known != 0) throw mismatch();
        out[unknown] = size / known;
    }
    if (element_count(out) != size) throw mismatch();
    return out;
}

std::vector<ReshapeGroup> reshape_groups(const Shape& in, const Shape& out) {
    if (element_count(in) != element_count(out) || element_count(in) == 0)
        throw Error("internal: reshape groups need shapes of one non-zero size");
    std::vector<ReshapeGroup> groups;
    std::size_t i = 0, j = 0;
    while (i < in.size() || j < out.size()) {
        ReshapeGroup g;
        g.in_begin = i;
        g.out_begin = j;
        Index pi = 1, po = 1;
        if (i < in.size()) pi *= in[i++];
        if (j < out.size()) po *= out[j++];
        while (pi != po) {
            if (pi < po) pi *= in[i++];
            else po *= out[j++];
        }
        g.in_end = i;
        g.out_end = j;
        g.size = pi;
        groups.push_back(g);
    }
    return groups;
}

ChunkGrid reshape_chunks(const Shape& in, const ChunkGrid& in_chunks, const Shape& out) {
    if (element_count(out) == 0) return ChunkGrid::regular(out, out);
    std::vector<std::vector<Index>> chunks(out.size());
    for (std::size_t o = 0; o < out.size(); ++o) chunks[o] = {out[o]};
    for (const ReshapeGroup& g : reshape_groups(in, out)) {
        if (g.in_end - g.in_begin == 1 && g.out_end - g.out_begin == 1) {
            chunks[g.out_begin] = in_chunks.chunks(g.in_begin);
            continue;
        }
        std::size_t j0 = g.out_begin;  // the first output axis longer than 1
        while (j0 < g.out_end && out[j0] == 1) ++j0;
        if (j0 == g.out_end) continue;  // all unit axes
        std::size_t i0 = g.in_begin;
        while (i0 < g.in_end && in[i0] == 1) ++i0;
        // Input chunked along its first long axis only: its blocks are runs of the group. One
        // output block per input block when the runs are whole output rows (Dask's merge/split).
        bool runs = true;
        for (std::size_t a = i0 + 1; a < g.in_end; ++a) runs = runs && in_chunks.chunks(a).size() == 1;
        if (runs) {
            const Index row = product(in, i0 + 1, g.in_end), out_row = product(out, j0 + 1, g.out_end);
            bool aligned = true;
            for (Index c : in_chunks.chunks(i0)) aligned = aligned && (c * row) % out_row == 0;
            if (aligned) {
                chunks[j0].clear();
                for (Index c : in_chunks.chunks(i0)) chunks[j0].push_back(c * row / out_row);
                continue;
            }
        }
        // Otherwise runs of about an input block's elements in the group: unit chunks on the
        // leading output axes, then `c` rows of the first axis whose rows fit, then whole axes.
        Index block = 1;
        for (std::size_t a = g.in_begin; a < g.in_end; ++a) {
            const auto& c = in_chunks.chunks(a);
            block *= std::max<Index>(1, *std::max_element(c.begin(), c.end()));
        }
        std::size_t j = j0;
        while (product(out, j + 1, g.out_end) > block) ++j;
        const Index row = product(out, j + 1, g.out_end);
        for (std::size_t o = j0; o < j; ++o) chunks[o].assign(static_cast<std::size_t>(out[o]), 1);
        chunks[j] = regular_axis(out[j], std::clamp<Index>(block / row, 1, out[j]));
    }
    return ChunkGrid(std::move(chunks));
}

ReshapeLayout reshape_layout(const Shape& in, const Shape& out, const Region& region) {
    const std::vector<ReshapeGroup> groups = reshape_groups(in, out);
    ReshapeLayout layout;
    std::vector<std::vector<Part>> parts(groups.size());
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const ReshapeGroup& g = groups[gi];
        const std::size_t m = g.out_end - g.out_begin;
        Index count = 1;
        for (std::size_t o = g.out_begin; o < g.out_end; ++o) count *= region[o].size();
        layout.region_flat.push_back(count);
        if (count == 0) return {layout.region_flat, {}};
        const Shape in_dims(in.begin() + static_cast<std::ptrdiff_t>(g.in_begin),
                            in.begin() + static_cast<std::ptrdiff_t>(g.in_end));
        // The region in the group's output axes: runs over the last partial axis `j`, whole
        // axes after it, one run per index of the axes before it.
        std::size_t t = m;
        while (t > 0 && region[g.out_begin + t - 1] == Range{0, out[g.out_begin + t - 1]}) --t;
        if (t == 0) {
            split_run(in_dims, 0, g.size, 0, parts[gi]);
            continue;
        }
        const std::size_t j = g.out_begin + t - 1;
        std::vector<Index> stride(m, 1);
        for (std::size_t a = m; a-- > 1;) stride[a - 1] = stride[a] * out[g.out_begin + a];
        const Index run = region[j].size() * stride[j - g.out_begin];
        std::vector<Index> index;
        for (std::size_t o = g.out_begin; o < j; ++o) index.push_back(region[o].start);
        Index local = 0;
        while (true) {
            Index base = region[j].start * stride[j - g.out_begin];
            for (std::size_t a = 0; a < index.size(); ++a) base += index[a] * stride[a];
            split_run(in_dims, base, base + run, local, parts[gi]);
            local += run;
            bool advanced = false;
            for (std::size_t a = index.size(); a-- > 0;) {
                if (++index[a] < region[g.out_begin + a].stop) {
                    advanced = true;
                    break;
                }
                index[a] = region[g.out_begin + a].start;
            }
            if (!advanced) break;
        }
    }
    // Every combination of one part per group is one input box.
    std::vector<std::size_t> pick(groups.size(), 0);
    while (true) {
        ReshapePiece piece;
        for (std::size_t gi = 0; gi < groups.size(); ++gi) {
            const Part& part = parts[gi][pick[gi]];
            piece.input.insert(piece.input.end(), part.box.begin(), part.box.end());
            piece.at.push_back(part.at);
            piece.count.push_back(part.count);
        }
        layout.pieces.push_back(std::move(piece));
        std::size_t gi = groups.size();
        while (gi > 0) {
            --gi;
            if (++pick[gi] < parts[gi].size()) break;
            pick[gi] = 0;
            if (gi == 0) return layout;
        }
        if (groups.empty()) return layout;
    }
}

NodePtr make_reshape_node(NodePtr input, Shape shape, std::optional<ChunkGrid> chunks) {
    if (element_count(shape) != element_count(input->shape))
        throw ValueError("cannot reshape array of size " + std::to_string(element_count(input->shape)) +
                         " into shape " + shape_to_string(shape));
    if (shape == input->shape && (!chunks || *chunks == input->chunks)) return input;
    Node n;
    n.dtype = input->dtype;
    n.chunks = chunks ? std::move(*chunks) : reshape_chunks(input->shape, input->chunks, shape);
    if (n.chunks.shape() != shape)
        throw ValueError("chunks " + n.chunks.to_string() + " do not cover shape " + shape_to_string(shape));
    n.shape = std::move(shape);
    n.op = ops::Reshape{};
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Reshape&, const Node& node, std::vector<NodePtr> inputs) {
    return make_reshape_node(std::move(inputs[0]), node.shape, node.chunks);
}

std::string describe(const ops::Reshape&, const Node& node, const std::vector<std::string>& inputs) {
    return "reshape(" + inputs[0] + ", " + shape_to_string(node.shape) + ")";
}

}  // namespace chunkarr
