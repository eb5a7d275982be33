// The executor: runs a Plan on a oneTBB arena. Reductions walk their input's chunk grid as a
// fixed binary tree per output block (leaves are chunks, in index order), so the combine order
// and hence every bit of the result is the same for any thread count. Each task reserves its
// bytes from the MemoryBudget before reading.
#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/compute.hpp>
#include <chunkarr/exec/evaluator.hpp>
#include <chunkarr/exec/memory_budget.hpp>
#include <chunkarr/exec/plan.hpp>
#include <chunkarr/kernels/cast.hpp>
#include <chunkarr/optimize/optimizer.hpp>
#include <chunkarr/kernels/region_copy.hpp>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_invoke.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <sstream>

namespace chunkarr {

namespace {

using Clock = std::chrono::steady_clock;

std::string describe_task(const std::vector<Index>& block, const Region& region) {
    std::ostringstream out;
    out << " (chunk (";
    for (std::size_t i = 0; i < block.size(); ++i) out << (i ? ", " : "") << block[i];
    out << ") at [";
    for (std::size_t i = 0; i < region.size(); ++i) out << (i ? ", " : "") << region[i].start << ':' << region[i].stop;
    out << "])";
    return out.str();
}

class Executor {
public:
    Executor(const ComputeOptions& options, const Plan& plan, const OptimizedGraph& graph)
        : options_(options),
          threads_(options.threads > 0 ? options.threads : physical_core_count()),
          budget_(options.memory_limit > 0 ? options.memory_limit : default_memory_limit()),
          parallelism_(make_parallelism_limit(threads_)),
          arena_(threads_) {
        context_.tracker = &tracker_;
        context_.transient = graph.transient;
        // Scalars are made once for all tasks.
        for (const Node* node : topological_order(graph.outputs)) {
            if (node->kind != NodeKind::Scalar) continue;
            Block block = Block::allocate(node->dtype, {}, nullptr);
            kernels::cast(reinterpret_cast<const std::byte*>(&node->scalar), DType::Float64, block.data(), node->dtype, 1);
            context_.constants.emplace(node, std::move(block));
        }
        total_tasks_ = plan.total_tasks;
        progress_.tasks_total = plan.total_tasks;
        progress_.bytes_total = plan.total_input_bytes;
    }

    std::vector<NDArray> run(const Plan& plan) {
        arena_.execute([&] {
            for (const auto& stage : plan.stages)
                for (const auto& group : stage) run_group(group);
        });
        std::vector<NDArray> results;
        for (const auto& output : plan.outputs) {
            auto it = context_.done.find(output.get());
            if (it != context_.done.end()) {
                results.push_back(it->second);
                continue;
            }
            NDArray result(output->dtype, output->shape);
            arena_.execute([&] { evaluate_blocks(output, result); });
            results.push_back(std::move(result));
        }
        report_progress(true);
        fill_report();
        return results;
    }

    void run_blocks(const Plan& plan, const ChunkGrid& grid, BlockConsumer& consumer) {
        const NodePtr& output = plan.outputs.front();
        // The plan counted the output's own blocks (none for a reduction); these tasks replace them.
        if (output->kind != NodeKind::Reduce) progress_total_adjust_ -= output->chunks.block_count();
        else progress_.bytes_total += static_cast<std::uint64_t>(element_count(output->shape)) * itemsize(output->dtype);
        progress_total_adjust_ += grid.block_count();
        consumer.start(budget_);
        try {
            arena_.execute([&] {
                for (const auto& stage : plan.stages)
                    for (const auto& group : stage) run_group(group);
                consume_blocks(output, grid, consumer);
            });
            consumer.finish();
        } catch (...) {
            consumer.abort();
            throw;
        }
        report_progress(true);
        fill_report();
    }

private:
    void fill_report() {
        if (!options_.report) return;
        options_.report->tasks = tasks_done_.load();
        options_.report->bytes_read = bytes_read_.load();
        options_.report->peak_bytes = std::max(tracker_.peak(), budget_.peak());
        options_.report->memory_limit = budget_.limit();
        options_.report->threads = threads_;
        options_.report->buffers = tracker_.buffers();
    }

    void consume_blocks(const NodePtr& output, const ChunkGrid& grid, BlockConsumer& consumer) {
        tbb::parallel_for(tbb::blocked_range<Index>(0, grid.block_count(), 1), [&](const tbb::blocked_range<Index>& range) {
            for (Index flat = range.begin(); flat != range.end(); ++flat) {
                check_cancelled();
                const std::vector<Index> block = grid.unravel(flat);
                const Region region = grid.block_region(block);
                if (element_count(region_shape(region)) == 0) continue;
                try {
                    const std::size_t bytes =
                        Evaluator::footprint({output}, region, context_.done) + consumer.scratch_bytes(region);
                    budget_.reserve(bytes);
                    std::size_t kept = 0;
                    try {
                        Evaluator evaluator(context_);
                        const Block values = evaluator.evaluate(output, region);
                        bytes_read_ += evaluator.bytes_read();
                        kept = consumer.consume(block, region, values);
                        task_done(values.nbytes());
                    } catch (...) {
                        budget_.release(bytes);
                        budget_.end_active();
                        throw;
                    }
                    budget_.release(bytes - kept);
                    budget_.end_active();
                } catch (...) {
                    rethrow_with_context(describe_task(block, region));
                }
            }
        });
    }

    // One partial per distinct input of the group, with the budget bytes it holds.
    struct Partials {
        std::vector<kernels::ReducePartial> per_input;
        std::size_t reserved = 0;
    };

    void check_cancelled() const {
        if (options_.cancel && options_.cancel->load()) throw CancelledError("computation cancelled");
    }

    // Bytes of the partial results one task of `region` makes (one per input of the group).
    static std::size_t partial_bytes(const ReductionGroup& group, const Region& region) {
        const Shape shape = region_shape(region);
        Index slots = 1;
        for (std::size_t axis = 0; axis < shape.size(); ++axis)
            if (!group.reduced[axis]) slots *= shape[axis];
        std::size_t bytes = 0;
        for (std::size_t k = 0; k < group.inputs.size(); ++k)
            bytes += kernels::ReducePartial::bytes_for(group.inputs[k]->dtype, slots, group.needs[k]);
        return bytes;
    }

    // Bytes one task of `grid` needs at most (its first block is its largest): reads and partials.
    std::size_t task_bytes(const ReductionGroup& group, const ChunkGrid& grid) const {
        const Region region = grid.block_region(std::vector<Index>(grid.ndim(), 0));
        return Evaluator::footprint(group.inputs, region, context_.done) + partial_bytes(group, region);
    }

    // The group's grid, with chunks halved along the leading splittable axis while one task would
    // take more than half the budget: a small budget means smaller tasks, not a failure (down to
    // tasks of 64 KiB; below that the budget is unreasonable and reserve() says so). Depends on
    // the budget only, never on the thread count, so results stay reproducible.
    ChunkGrid fit_to_budget(const ReductionGroup& group) {
        constexpr std::size_t smallest_task = 64 << 10;
        ChunkGrid grid = group.grid;
        while (task_bytes(group, grid) > budget_.limit() / 2 &&
               static_cast<std::size_t>(grid.max_block_elements()) * 8 > smallest_task) {
            auto chunks = grid.chunks();
            auto axis = std::find_if(chunks.begin(), chunks.end(), [](const std::vector<Index>& c) {
                return *std::max_element(c.begin(), c.end()) > 1;
            });
            if (axis == chunks.end()) break;
            std::vector<Index> halves;
            for (Index c : *axis) {
                if (c > 1) halves.push_back((c + 1) / 2);
                halves.push_back(c > 1 ? c / 2 : c);
            }
            *axis = halves;
            grid = ChunkGrid(std::move(chunks));
        }
        progress_total_adjust_ += grid.block_count() - group.grid.block_count();
        return grid;
    }

    void run_group(const ReductionGroup& planned) {
        ReductionGroup group = planned;
        group.grid = fit_to_budget(planned);
        // Split block indices into kept axes (one output block each) and reduced axes (the tree).
        const Shape numblocks = group.grid.numblocks();
        Shape kept_blocks, reduced_blocks;
        for (std::size_t axis = 0; axis < numblocks.size(); ++axis)
            (group.reduced[axis] ? reduced_blocks : kept_blocks).push_back(numblocks[axis]);
        const Index outputs = element_count(kept_blocks);
        const Index leaves = element_count(reduced_blocks);

        std::vector<NDArray> results;
        for (const auto& reduction : group.reductions) results.emplace_back(reduction->dtype, reduction->shape);

        auto block_of = [&](Index kept_flat, Index reduced_flat) {
            std::vector<Index> block(numblocks.size());
            for (std::size_t axis = numblocks.size(); axis-- > 0;) {
                Index& flat = group.reduced[axis] ? reduced_flat : kept_flat;
                block[axis] = flat % numblocks[axis];
                flat /= numblocks[axis];
            }
            return block;
        };

        std::function<Partials(Index, Index, Index)> tree = [&](Index kept, Index lo, Index hi) -> Partials {
            if (hi - lo == 1) return leaf(group, block_of(kept, lo));
            const Index mid = lo + (hi - lo) / 2;
            Partials left, right;
            tbb::parallel_invoke([&] { left = tree(kept, lo, mid); }, [&] { right = tree(kept, mid, hi); });
            budget_.begin_active();
            for (std::size_t k = 0; k < left.per_input.size(); ++k) left.per_input[k].merge(right.per_input[k]);
            release_partials(right);
            budget_.end_active();
            return left;
        };

        tbb::parallel_for(tbb::blocked_range<Index>(0, outputs, 1), [&](const tbb::blocked_range<Index>& range) {
            for (Index kept = range.begin(); kept != range.end(); ++kept) {
                Partials partials = tree(kept, 0, std::max<Index>(leaves, 1));
                // Where this output block lands in each result.
                const std::vector<Index> first = block_of(kept, 0);
                const Region input_region = group.grid.block_region(first);
                for (std::size_t r = 0; r < group.reductions.size(); ++r) {
                    const Node& reduction = *group.reductions[r];
                    const CFDecoding* mask = reduction.mask ? &*reduction.mask : nullptr;
                    std::size_t k = 0;
                    while (!(group.inputs[k] == reduction.inputs[0] &&
                             (group.masks[k] == mask || (group.masks[k] && mask && *group.masks[k] == *mask))))
                        ++k;
                    Region out_region;
                    for (std::size_t axis = 0; axis < input_region.size(); ++axis) {
                        if (!group.reduced[axis]) out_region.push_back(input_region[axis]);
                        else if (reduction.keepdims) out_region.push_back({0, 1});
                    }
                    const auto& partial = partials.per_input[k];
                    std::vector<std::byte> values(static_cast<std::size_t>(partial.slots()) * itemsize(reduction.dtype));
                    partial.finalize(reduction.reduce, reduction.skipna, reduction.ddof, reduction.dtype, values.data());
                    kernels::paste_region(values.data(), results[r].data(), reduction.shape, itemsize(reduction.dtype),
                                          out_region);
                }
                release_partials(partials);
            }
        });
        for (std::size_t r = 0; r < group.reductions.size(); ++r) context_.done[group.reductions[r].get()] = results[r];
    }

    Partials leaf(const ReductionGroup& group, const std::vector<Index>& block) {
        check_cancelled();
        const Region region = group.grid.block_region(block);
        Partials partials;
        try {
            const std::size_t partial = partial_bytes(group, region);
            const std::size_t read_bytes = Evaluator::footprint(group.inputs, region, context_.done);
            budget_.reserve(read_bytes + partial);
            partials.reserved = partial;
            std::uint64_t processed = 0;
            {
                Evaluator evaluator(context_);
                try {
                    for (std::size_t k = 0; k < group.inputs.size(); ++k) {
                        const Block values = evaluator.evaluate(group.inputs[k], region);
                        partials.per_input.emplace_back(values.dtype, values.data(), values.shape, group.reduced,
                                                        group.needs[k], group.masks[k]);
                        tracker_.add(partials.per_input.back().bytes());
                        processed += values.nbytes();
                    }
                } catch (...) {
                    budget_.release(read_bytes + partial);
                    budget_.end_active();
                    for (const auto& p : partials.per_input) tracker_.remove(p.bytes());
                    throw;
                }
                bytes_read_ += evaluator.bytes_read();
            }
            budget_.release(read_bytes);
            budget_.end_active();
            task_done(processed);
        } catch (...) {
            rethrow_with_context(describe_task(block, region));
        }
        return partials;
    }

    void release_partials(Partials& partials) {
        for (const auto& p : partials.per_input) tracker_.remove(p.bytes());
        budget_.release(partials.reserved);
        partials.reserved = 0;
        partials.per_input.clear();
    }

    void evaluate_blocks(const NodePtr& output, NDArray& result) {
        const ChunkGrid& grid = output->chunks;
        tbb::parallel_for(tbb::blocked_range<Index>(0, grid.block_count(), 1), [&](const tbb::blocked_range<Index>& range) {
            for (Index flat = range.begin(); flat != range.end(); ++flat) {
                check_cancelled();
                const std::vector<Index> block = grid.unravel(flat);
                const Region region = grid.block_region(block);
                try {
                    const std::size_t bytes = Evaluator::footprint({output}, region, context_.done);
                    budget_.reserve(bytes);
                    try {
                        Evaluator evaluator(context_);
                        const Block values = evaluator.evaluate(output, region);
                        kernels::paste_region(values.data(), result.data(), result.shape(), itemsize(result.dtype()), region);
                        bytes_read_ += evaluator.bytes_read();
                        task_done(values.nbytes());
                    } catch (...) {
                        budget_.release(bytes);
                        budget_.end_active();
                        throw;
                    }
                    budget_.release(bytes);
                    budget_.end_active();
                } catch (...) {
                    rethrow_with_context(describe_task(block, region));
                }
            }
        });
    }

    void task_done(std::uint64_t bytes) {
        tasks_done_.fetch_add(1, std::memory_order_relaxed);
        bytes_done_.fetch_add(bytes, std::memory_order_relaxed);
        report_progress(false);
    }

    void report_progress(bool final) {
        if (!options_.progress) return;
        const auto now = Clock::now();
        std::unique_lock lock(progress_mutex_, std::defer_lock);
        if (final) lock.lock();
        else if (!lock.try_lock() || now - last_progress_ < std::chrono::milliseconds(100)) return;
        last_progress_ = now;
        progress_.tasks_total = total_tasks_ + progress_total_adjust_.load();
        progress_.tasks_done = tasks_done_.load();
        progress_.bytes_done = bytes_done_.load();
        options_.progress(progress_);
    }

    // More threads than cores were asked for (I/O-bound work): raise TBB's process-wide cap,
    // which would otherwise print a warning and ignore the request.
    static std::unique_ptr<tbb::global_control> make_parallelism_limit(int threads) {
        if (threads <= tbb::info::default_concurrency()) return nullptr;
        return std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                     static_cast<std::size_t>(threads));
    }

    const ComputeOptions& options_;
    int threads_;
    MemoryBudget budget_;
    std::unique_ptr<tbb::global_control> parallelism_;
    MemoryTracker tracker_;
    tbb::task_arena arena_;
    EvaluationContext context_;
    std::atomic<std::int64_t> tasks_done_{0};
    std::int64_t total_tasks_ = 0;
    std::atomic<std::int64_t> progress_total_adjust_{0};   // tasks added by fit_to_budget
    std::atomic<std::uint64_t> bytes_done_{0};
    std::atomic<std::uint64_t> bytes_read_{0};
    std::mutex progress_mutex_;
    Clock::time_point last_progress_{};
    Progress progress_;
};

}  // namespace

std::vector<NDArray> compute(const std::vector<Array>& arrays, const ComputeOptions& options) {
    if (options.threads < 0) throw ValueError("threads must be positive (or 0 for one per core), got " + std::to_string(options.threads));
    std::vector<NodePtr> outputs;
    for (const auto& array : arrays) outputs.push_back(array.node());
    const OptimizedGraph graph = optimize(outputs);
    const Plan plan = make_plan(graph.outputs);
    Executor executor(options, plan, graph);
    return executor.run(plan);
}

void compute_blocks(const Array& array, const ChunkGrid& grid, BlockConsumer& consumer, const ComputeOptions& options) {
    if (options.threads < 0) throw ValueError("threads must be positive (or 0 for one per core), got " + std::to_string(options.threads));
    if (grid.shape() != array.shape()) throw ValueError("compute_blocks: grid " + grid.to_string() + " does not cover the array");
    const OptimizedGraph graph = optimize({array.node()});
    const Plan plan = make_plan(graph.outputs);
    Executor executor(options, plan, graph);
    executor.run_blocks(plan, grid, consumer);
}

}  // namespace chunkarr
