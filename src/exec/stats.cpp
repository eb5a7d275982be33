#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/compute.hpp>
#include <chunkarr/exec/stats.hpp>

#include <cmath>
#include <limits>

namespace chunkarr {

namespace {

// float64 copy of `values` with NaN wherever count is 0.
NDArray defined_where_counted(const NDArray& values, const NDArray& count) {
    NDArray out = values.astype(DType::Float64);
    double* y = out.data_as<double>();
    const std::int64_t* n = count.data_as<std::int64_t>();
    for (Index i = 0; i < out.size(); ++i)
        if (n[i] == 0) y[i] = std::numeric_limits<double>::quiet_NaN();
    return out;
}

}  // namespace

std::vector<Statistics> statistics(const std::vector<Array>& arrays, const Axes& axes, int ddof,
                                   const ComputeOptions& options) {
    // Six reductions per array over the same axes: the planner puts them in one group, so each
    // chunk is read once and feeds one shared partial state.
    std::vector<Array> outputs;
    std::vector<Index> reduced_sizes;
    for (const Array& x : arrays) {
        const std::vector<int> normalized = normalize_axes(axes, x.ndim());
        Index reduced = 1;
        for (int axis : normalized) reduced *= x.shape()[static_cast<std::size_t>(axis)];
        reduced_sizes.push_back(reduced);
        const NodePtr& n = x.node();
        outputs.emplace_back(make_reduce_node(ReduceOp::Count, n, normalized, false, true, 0));
        outputs.emplace_back(make_reduce_node(ReduceOp::Min, n, normalized, false, true, 0));
        outputs.emplace_back(make_reduce_node(ReduceOp::Max, n, normalized, false, true, 0));
        // Reported in float64 whatever the input: float32 data keeps its float64 accumulation.
        const DType sum_type = is_float(x.dtype()) ? DType::Float64 : sum_result(x.dtype());
        outputs.emplace_back(make_reduce_node(ReduceOp::Mean, n, normalized, false, true, 0, DType::Float64));
        outputs.emplace_back(make_reduce_node(ReduceOp::Std, n, normalized, false, true, ddof, DType::Float64));
        outputs.emplace_back(make_reduce_node(ReduceOp::Sum, n, normalized, false, true, 0, sum_type));
    }
    const std::vector<NDArray> values = compute(outputs, options);
    std::vector<Statistics> result;
    for (std::size_t i = 0; i < arrays.size(); ++i) {
        const NDArray* v = &values[6 * i];
        Statistics s;
        s.count = v[0];
        s.missing = NDArray(DType::Int64, s.count.shape());
        for (Index j = 0; j < s.count.size(); ++j)
            s.missing.data_as<std::int64_t>()[j] = reduced_sizes[i] - s.count.data_as<std::int64_t>()[j];
        s.min = defined_where_counted(v[1], s.count);
        s.max = defined_where_counted(v[2], s.count);
        s.mean = v[3];
        s.std = v[4];
        s.sum = v[5];
        s.min_exact = v[1];
        s.max_exact = v[2];
        result.push_back(std::move(s));
    }
    return result;
}

Statistics statistics(const Array& x, const Axes& axes, int ddof, const ComputeOptions& options) {
    return statistics(std::vector<Array>{x}, axes, ddof, options).front();
}

}  // namespace chunkarr
