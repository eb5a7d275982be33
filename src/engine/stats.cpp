#include <chunkarr/core/error.hpp>
#include <chunkarr/engine/compute.hpp>
#include <chunkarr/engine/stats.hpp>
#include <chunkarr/graph/quantile.hpp>

#include "graph/inference.hpp"
#include "graph/node.hpp"
#include "graph/ops/decode_cf.hpp"

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

std::vector<Array> statistics_reductions(const std::vector<Array>& arrays, const std::vector<Axes>& axes, int ddof,
                                         const StatisticsSelection& selection) {
    // The reductions of an array over the same axes: the planner puts them in one group, so each
    // chunk is read once and feeds one shared partial state. Only those asked for are built.
    std::vector<Array> outputs;
    for (std::size_t i = 0; i < arrays.size(); ++i) {
        const Array& x = arrays[i];
        const std::vector<int> normalized = normalize_axes(axes[i], x.ndim());
        // Masked values are skipped inside the reduction, which then runs on the values as
        // stored, with no decoding pass: integers' min, max and sum stay exact instead of passing
        // through float64, and floats whose decoding keeps their type are the stored ones or NaN.
        // Packed integers (scale_factor/add_offset) are reduced as stored too, and the results
        // unpacked: unpacking is affine, so min and max are the unpacked stored extremes (the
        // same rounding as unpacking each value), mean = mean * scale + offset, std = std * |scale|,
        // sum = sum * scale + count * offset. Only when they unpack to float64 (ERA5's int16 with
        // double scale_factor): unpacking each value then rounds by an ulp at most, so both ways
        // agree to rounding; unpacked to float32, each value is rounded to float32 first, and
        // the sum of those values is what the user's data sums to (then the decoding pass stays).
        NodePtr n = x.node();
        std::optional<CFDecoding> mask;
        const auto* decode = n->as<ops::DecodeCF>();
        bool unpack = false;
        if (decode) {
            const CFDecoding& d = decode->decoding;
            const DType stored = n->inputs[0]->dtype;
            const bool identity = d.scale_factor == 1.0 && d.add_offset == 0.0;
            unpack = !identity && !is_float(stored) && d.result == DType::Float64 && std::isfinite(d.scale_factor) &&
                     d.scale_factor != 0.0 && std::isfinite(d.add_offset);
            if ((identity && (!is_float(stored) || stored == n->dtype)) || unpack) {
                mask = d;
                n = n->inputs[0];
            }
        }
        auto reduction = [&](ReduceOp op, int op_ddof, std::optional<DType> result = std::nullopt) {
            return Array(make_reduce_node(op, n, normalized, false, true, op_ddof, result, mask));
        };
        // The unpacked value of a stored extreme (NaN where nothing was counted: see statistics()).
        auto unpacked_extreme = [&](ReduceOp op) {
            const bool flips = mask->scale_factor < 0;  // a negative scale turns min into max
            const ReduceOp stored_op = flips ? (op == ReduceOp::Min ? ReduceOp::Max : ReduceOp::Min) : op;
            return Array(make_decode_cf_node(reduction(stored_op, 0).node(), *mask));
        };
        // Reported in float64 whatever the input: float32 data keeps its float64 accumulation.
        const DType sum_type = is_float(n->dtype) || unpack ? DType::Float64 : sum_result(n->dtype);
        const Array count = reduction(ReduceOp::Count, 0);
        outputs.push_back(count);
        if (selection.min) outputs.push_back(unpack ? unpacked_extreme(ReduceOp::Min) : reduction(ReduceOp::Min, 0));
        if (selection.max) outputs.push_back(unpack ? unpacked_extreme(ReduceOp::Max) : reduction(ReduceOp::Max, 0));
        if (selection.mean) {
            const Array mean = reduction(ReduceOp::Mean, 0, DType::Float64);
            outputs.push_back(unpack ? mean * mask->scale_factor + mask->add_offset : mean);
        }
        if (selection.std) {
            const Array std = reduction(ReduceOp::Std, ddof, DType::Float64);
            outputs.push_back(unpack ? std * std::abs(mask->scale_factor) : std);
        }
        if (selection.sum) {
            const Array sum = reduction(ReduceOp::Sum, 0, sum_type);
            outputs.push_back(unpack ? sum * mask->scale_factor + count * mask->add_offset : sum);
        }
        // Quantiles of the decoded values (masked ones are NaN there), NaN skipped.
        if (!selection.quantiles.empty())
            outputs.push_back(
                quantile(x, selection.quantiles, Axes(normalized.begin(), normalized.end()), false, true));
    }
    return outputs;
}

std::vector<Statistics> statistics(const std::vector<Array>& arrays, const std::vector<Axes>& axes, int ddof,
                                   const ComputeOptions& options, const StatisticsSelection& selection) {
    std::vector<Index> reduced_sizes;
    for (std::size_t i = 0; i < arrays.size(); ++i) {
        Index reduced = 1;
        for (int axis : normalize_axes(axes[i], arrays[i].ndim()))
            reduced *= arrays[i].shape()[static_cast<std::size_t>(axis)];
        reduced_sizes.push_back(reduced);
    }
    const std::vector<NDArray> values = compute(statistics_reductions(arrays, axes, ddof, selection), options);
    std::vector<Statistics> result;
    std::size_t next = 0;  // the outputs come in statistics_reductions' order
    for (std::size_t i = 0; i < arrays.size(); ++i) {
        Statistics s;
        s.count = values[next++];
        s.missing = NDArray(DType::Int64, s.count.shape());
        for (Index j = 0; j < s.count.size(); ++j)
            s.missing.data_as<std::int64_t>()[j] = reduced_sizes[i] - s.count.data_as<std::int64_t>()[j];
        if (selection.min) {
            s.min_exact = values[next++];
            s.min = defined_where_counted(s.min_exact, s.count);
        }
        if (selection.max) {
            s.max_exact = values[next++];
            s.max = defined_where_counted(s.max_exact, s.count);
        }
        if (selection.mean) s.mean = values[next++];
        if (selection.std) s.std = values[next++];
        if (selection.sum) s.sum = values[next++];
        if (!selection.quantiles.empty()) s.quantiles = values[next++].astype(DType::Float64);
        result.push_back(std::move(s));
    }
    return result;
}

std::vector<Statistics> statistics(const std::vector<Array>& arrays, const Axes& axes, int ddof,
                                   const ComputeOptions& options, const StatisticsSelection& selection) {
    return statistics(arrays, std::vector<Axes>(arrays.size(), axes), ddof, options, selection);
}

Statistics statistics(const Array& x, const Axes& axes, int ddof, const ComputeOptions& options,
                      const StatisticsSelection& selection) {
    return statistics(std::vector<Array>{x}, axes, ddof, options, selection).front();
}

}  // namespace chunkarr
