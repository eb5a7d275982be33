#include "exec/rechunk_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace chunkarr {

namespace {

Index largest(const std::vector<Index>& sizes) {
    Index most = 1;
    for (Index size : sizes) most = std::max(most, size);
    return most;
}

// Most (non-empty) chunks of `b` that one chunk of `a` overlaps; both split one axis.
Index max_overlap(const std::vector<Index>& a, const std::vector<Index>& b) {
    Index best = 0;
    std::size_t first = 0;
    Index first_start = 0;
    Index start = 0;
    for (Index size : a) {
        const Index stop = start + size;
        if (size > 0) {
            while (first < b.size() && first_start + b[first] <= start) first_start += b[first++];
            Index count = 0;
            Index at = first_start;
            for (std::size_t k = first; k < b.size() && at < stop; at += b[k++])
                if (b[k] > 0) ++count;
            best = std::max(best, count);
        }
        start = stop;
    }
    return best;
}

std::vector<Index> regular_axis(Index length, Index chunk) {
    std::vector<Index> sizes;
    for (Index at = 0; at < length; at += chunk) sizes.push_back(std::min(chunk, length - at));
    return sizes;
}

std::size_t bytes_of(const Shape& shape, std::size_t itemsize) {
    return static_cast<std::size_t>(element_count(shape)) * itemsize;
}

// A stage from chunks `previous` (the grid it reads) to chunks `next`.
RechunkStage make_stage(const ChunkGrid& previous, const Shape& next, const Shape& shape, std::size_t itemsize) {
    RechunkStage stage;
    stage.chunks = next;
    stage.reads = 1;
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        const Index before = largest(previous.chunks(axis));
        const Index task =
            std::min(std::max<Index>(shape[axis], 1), next[axis] * ((before + next[axis] - 1) / next[axis]));
        stage.tasks.push_back(task);
        stage.reads *= std::max<Index>(1, max_overlap(previous.chunks(axis), regular_axis(shape[axis], task)));
    }
    stage.task_bytes = bytes_of(stage.tasks, itemsize);
    return stage;
}

// The divisor of `n` that is a multiple of `multiple_of` and closest to `want` in ratio.
Index nearest_divisor(Index n, double want, Index multiple_of) {
    Index best = n;
    double best_error = std::numeric_limits<double>::infinity();
    for (Index d = 1; d * d <= n; ++d) {
        if (n % d != 0) continue;
        for (Index c : {d, n / d}) {
            if (c % multiple_of != 0) continue;
            const double error = std::abs(std::log(static_cast<double>(c) / want));
            if (error < best_error) best = c, best_error = error;
        }
    }
    return best;
}

}  // namespace

std::size_t rechunk_task_limit(std::size_t memory_limit) { return std::min<std::size_t>(memory_limit / 8, 32 << 20); }

RechunkPlan plan_rechunk(const ChunkGrid& from, const ChunkGrid& to, std::size_t itemsize, std::size_t memory_limit,
                         const RechunkLimits& limits) {
    RechunkPlan plan;
    const Shape shape = to.shape();
    const std::size_t ndim = shape.size();
    Shape source(ndim), target(ndim);
    plan.direct_reads = 1;
    for (std::size_t axis = 0; axis < ndim; ++axis) {
        source[axis] = largest(from.chunks(axis));
        target[axis] = largest(to.chunks(axis));
        plan.direct_reads *= std::max<Index>(1, max_overlap(from.chunks(axis), to.chunks(axis)));
    }
    Shape direct_task(ndim);
    for (std::size_t axis = 0; axis < ndim; ++axis)
        direct_task[axis] = std::min(std::max<Index>(shape[axis], 1),
                                     target[axis] * ((source[axis] + target[axis] - 1) / target[axis]));
    plan.direct_task_bytes = bytes_of(direct_task, itemsize);
    plan.task_limit =
        std::max({rechunk_task_limit(memory_limit), bytes_of(source, itemsize), bytes_of(target, itemsize)});
    if (ndim == 0 || element_count(shape) == 0 || plan.direct_reads <= limits.max_reads) return plan;

    std::vector<RechunkStage> best;
    std::size_t best_bytes = 0;
    for (int count = 1; count <= std::max(1, limits.max_stages); ++count) {
        std::vector<RechunkStage> stages;
        ChunkGrid previous = from;
        std::size_t most = 0;
        // Where one size divides the other, intermediate sizes stay in that chain of divisors
        // (each stage's tasks then hold whole chunks of the one before): the factor of the
        // larger size over the smaller, per axis, so far.
        std::vector<Index> factor(ndim);
        for (std::size_t axis = 0; axis < ndim; ++axis)
            factor[axis] = source[axis] >= target[axis] ? source[axis] / target[axis] : 1;
        for (int k = 1; k <= count; ++k) {
            Shape next = target;
            if (k < count) {
                const double f = static_cast<double>(k) / count;
                for (std::size_t axis = 0; axis < ndim; ++axis) {
                    const double size = std::exp((1 - f) * std::log(static_cast<double>(source[axis])) +
                                                 f * std::log(static_cast<double>(target[axis])));
                    const Index big = std::max(source[axis], target[axis]),
                                small = std::min(source[axis], target[axis]);
                    if (big % small == 0 && source[axis] >= target[axis]) {
                        // Shrinking: target x a divisor of the previous factor.
                        factor[axis] = nearest_divisor(factor[axis], size / static_cast<double>(small), 1);
                        next[axis] = small * factor[axis];
                    } else if (big % small == 0) {
                        // Growing: source x a multiple of the previous factor dividing target / source.
                        factor[axis] = nearest_divisor(big / small, size / static_cast<double>(small), factor[axis]);
                        next[axis] = small * factor[axis];
                    } else {
                        next[axis] = std::llround(size);
                    }
                    next[axis] = std::clamp<Index>(next[axis], 1, std::max<Index>(shape[axis], 1));
                }
            }
            if (!stages.empty() && stages.back().chunks == next) continue;
            RechunkStage stage = make_stage(previous, next, shape, itemsize);
            most = std::max(most, stage.task_bytes);
            previous = ChunkGrid::regular(shape, next);
            stages.push_back(std::move(stage));
        }
        if (best.empty() || most < best_bytes) best = stages, best_bytes = most;
        if (most <= plan.task_limit) break;
    }
    plan.stages = std::move(best);
    return plan;
}

std::string describe_rechunk_plan(const ChunkGrid& from, const ChunkGrid& to, const RechunkPlan& plan) {
    // A grid as its largest chunk: "(1, 256, 256)".
    auto chunk_shape = [](const ChunkGrid& grid) {
        Shape shape;
        for (std::size_t axis = 0; axis < grid.ndim(); ++axis) shape.push_back(largest(grid.chunks(axis)));
        return shape_to_string(shape);
    };
    std::ostringstream out;
    out << "rechunk chunks " << chunk_shape(from) << " -> " << chunk_shape(to) << ": ";
    if (plan.direct()) {
        out << "direct, each input chunk read by at most " << plan.direct_reads << " task"
            << (plan.direct_reads == 1 ? "" : "s") << "\n";
        return out.str();
    }
    out << plan.stages.size() << " stage" << (plan.stages.size() == 1 ? "" : "s")
        << " through temporary files (direct: each input chunk read by " << plan.direct_reads << " tasks, or tasks of "
        << plan.direct_task_bytes << " bytes; task limit " << plan.task_limit << " bytes)\n";
    for (std::size_t k = 0; k < plan.stages.size(); ++k) {
        const RechunkStage& stage = plan.stages[k];
        out << "    stage " << k + 1 << ": chunks " << shape_to_string(stage.chunks) << " in tasks "
            << shape_to_string(stage.tasks) << " of " << stage.task_bytes << " bytes, each input chunk read by at most "
            << stage.reads << " task" << (stage.reads == 1 ? "" : "s") << "\n";
    }
    return out.str();
}

}  // namespace chunkarr
