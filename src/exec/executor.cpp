// The executor: runs a Plan on a oneTBB arena. Reductions walk their input's chunk grid as a
// fixed binary tree per output block (leaves are chunks, in index order), so the combine order
// and hence every bit of the result is the same for any thread count. Each task reserves its
// bytes from the MemoryBudget before reading. Across MPI ranks (ComputeOptions::world) each
// rank runs a contiguous share of the tasks and the ranks exchange their results; reductions
// keep the same tree (exec/rank_share.hpp), so the result is the same bits for any rank count.
#include "exec/executor.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/mpi_world.hpp>

#include "core/cast.hpp"
#include "exec/evaluator.hpp"
#include "exec/memory_budget.hpp"
#include "exec/rank_share.hpp"
#include "kernels/linalg.hpp"
#include "kernels/quantile.hpp"
#include "kernels/reduce.hpp"
#include "kernels/region_copy.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_invoke.h>
#include <oneapi/tbb/task_arena.h>
#include <optional>
#include <sstream>
#include <thread>
#include <type_traits>

namespace chunkarr {

namespace {

using Clock = std::chrono::steady_clock;

// A reduction group's blocks split into the kept axes' (one output block each) and the reduced
// axes' (the leaves of that output's tree, in index order).
struct GroupBlocks {
    Shape numblocks;
    std::vector<bool> reduced;
    Index outputs = 1;  // output blocks
    Index leaves = 1;   // leaves per output block

    explicit GroupBlocks(const ReductionGroup& group) : numblocks(group.grid.numblocks()), reduced(group.reduced) {
        for (std::size_t axis = 0; axis < numblocks.size(); ++axis)
            (reduced[axis] ? leaves : outputs) *= numblocks[axis];
    }

    // The block at position `kept_flat` among the outputs and `reduced_flat` among its leaves.
    std::vector<Index> block(Index kept_flat, Index reduced_flat) const {
        std::vector<Index> result(numblocks.size());
        for (std::size_t axis = numblocks.size(); axis-- > 0;) {
            Index& flat = reduced[axis] ? reduced_flat : kept_flat;
            result[axis] = flat % numblocks[axis];
            flat /= numblocks[axis];
        }
        return result;
    }
};

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
        if (options.world && options.world->size() > 1) world_ = options.world.get();
        driver_ = std::this_thread::get_id();
        context_.tracker = &tracker_;
        context_.transient = graph.transient;
        // Scalars are made once for all tasks.
        for (const Node* node : topological_order(graph.outputs)) {
            const auto* scalar = node->as<ops::Scalar>();
            if (!scalar) continue;
            Block block = Block::allocate(node->dtype, {}, nullptr);
            cast_elements(reinterpret_cast<const std::byte*>(&scalar->value), DType::Float64, block.data(), node->dtype,
                          1);
            context_.constants.emplace(node, std::move(block));
        }
        total_tasks_ = plan.total_tasks;
        progress_.tasks_total = plan.total_tasks;
        bytes_total_ = plan.total_input_bytes;
    }

    std::vector<NDArray> run(const Plan& plan) {
        arena_.execute([&] {
            for (const auto& stage : plan.stages)
                for (const auto& group : stage) group.selection ? run_selection(group) : run_group(group);
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
        finish_progress();
        fill_report();
        return results;
    }

    void run_blocks(const Plan& plan, const ChunkGrid& grid, BlockConsumer& consumer) {
        const NodePtr& output = plan.outputs.front();
        // The plan counted the output's own blocks (none for a reduction); these tasks replace them.
        if (!is_reduction(*output)) progress_total_adjust_ -= output->chunks.block_count();
        else bytes_total_ += bytes_of(*output);
        progress_total_adjust_ += grid.block_count();
        consumer.start(budget_);
        try {
            arena_.execute([&] {
                for (const auto& stage : plan.stages)
                    for (const auto& group : stage) group.selection ? run_selection(group) : run_group(group);
                consume_blocks(output, grid, consumer);
            });
            consumer.finish();
        } catch (...) {
            consumer.abort();
            throw;
        }
        finish_progress();
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
        const Index blocks = grid.block_count();
        const std::size_t held = blocks > 0 ? consumer.round_bytes(grid.block_region(grid.unravel(0))) : 0;
        if (!world_ || held == 0) return consume_share(output, grid, consumer, my_share(blocks), bytes_of(*output));
        // Rounds of as many blocks as a quarter of the budget holds (over all ranks: what one rank
        // may receive), and one block per rank at least while that takes at most half of it (no
        // rank left idle). The first block is the largest.
        const std::size_t limit = consumer.round_budget();
        if (limit == 0) throw Error("internal: a consumer that works in rounds gave no round budget");
        const auto fit = [&](std::size_t part) { return static_cast<Index>(limit / part / held); };
        const Index least = std::clamp<Index>(fit(2), 1, world_->size());
        const Index per_round = std::clamp<Index>(fit(4), least, std::max(blocks, least));
        for (Index first = 0; first < blocks; first += per_round) {
            const Index count = std::min(per_round, blocks - first);
            const TaskRange share = my_share(count);
            const auto bytes = static_cast<std::uint64_t>(static_cast<double>(bytes_of(*output)) * count / blocks);
            consume_share(output, grid, consumer, {first + share.begin, first + share.end}, bytes, count);
            consumer.end_round();
        }
    }

    // Blocks `share` of `grid` (of a run of `run` blocks, by default all) to `consumer`; `bytes`:
    // what the run processes.
    void consume_share(const NodePtr& output, const ChunkGrid& grid, BlockConsumer& consumer, TaskRange share,
                       std::uint64_t bytes, std::optional<Index> run = std::nullopt) {
        count_only_share(run.value_or(grid.block_count()), share, bytes);
        tbb::parallel_for(
            tbb::blocked_range<Index>(share.begin, share.end, 1), [&](const tbb::blocked_range<Index>& range) {
                for (Index flat = range.begin(); flat != range.end(); ++flat) {
                    check_cancelled();
                    const std::vector<Index> block = grid.unravel(flat);
                    const Region region = grid.block_region(block);
                    if (element_count(region_shape(region)) == 0) continue;
                    try {
                        const std::size_t bytes =
                            Evaluator::footprint({output}, region, context_.done) + consumer.scratch_bytes(region);
                        BudgetReservation reservation(budget_, bytes);
                        Evaluator evaluator(context_);
                        const Block values = evaluator.evaluate(output, region);
                        bytes_read_ += evaluator.bytes_read();
                        reservation.hand_over(consumer.consume(block, region, values));  // the consumer's now
                        task_done(values.nbytes());
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
        const GroupBlocks blocks(group);
        const Index outputs = blocks.outputs, leaves = blocks.leaves;

        std::vector<NDArray> results;
        for (const auto& reduction : group.reductions) results.emplace_back(reduction->dtype, reduction->shape);

        auto block_of = [&](Index kept_flat, Index reduced_flat) { return blocks.block(kept_flat, reduced_flat); };

        std::function<Partials(Index, Index, Index)> tree = [&](Index kept, Index lo, Index hi) -> Partials {
            if (hi - lo == 1) return leaf(group, block_of(kept, lo));
            const Index mid = tree_split(lo, hi);
            Partials left, right;
            tbb::parallel_invoke([&] { left = tree(kept, lo, mid); }, [&] { right = tree(kept, mid, hi); });
            merge_partials(left, right);
            return left;
        };
        // Across ranks: this rank's subtrees, then the rest of every tree from all ranks' subtrees.
        if (world_) {
            std::uint64_t bytes = 0;
            for (const auto& input : group.inputs) bytes += bytes_of(*input);
            count_only_share(outputs * std::max<Index>(leaves, 1), my_share(outputs * std::max<Index>(leaves, 1)),
                             bytes);
            tree = tree_across_ranks(
                outputs, std::max<Index>(leaves, 1), tree,
                [this](Partials& partials, std::string& bytes) {
                    for (const auto& p : partials.per_input) p.append_bytes(bytes);
                    release_partials(partials);
                },
                [this](Index, const std::string& bytes) {
                    Partials partials;
                    for (std::size_t at = 0; at < bytes.size();) {
                        partials.per_input.push_back(kernels::ReducePartial::from_bytes(bytes, at));
                        tracker_.add(partials.per_input.back().bytes());
                    }
                    return partials;
                },
                [this](Partials& left, Partials& right) { merge_partials(left, right); });
        }

        tbb::parallel_for(tbb::blocked_range<Index>(0, outputs, 1), [&](const tbb::blocked_range<Index>& range) {
            for (Index kept = range.begin(); kept != range.end(); ++kept) {
                Partials partials = tree(kept, 0, std::max<Index>(leaves, 1));
                // Where this output block lands in each result.
                const std::vector<Index> first = block_of(kept, 0);
                const Region input_region = group.grid.block_region(first);
                for (std::size_t r = 0; r < group.reductions.size(); ++r) {
                    const Node& node = *group.reductions[r];
                    const auto& reduction = std::get<ops::Reduce>(node.op);
                    const CFDecoding* mask = reduction.mask ? &*reduction.mask : nullptr;
                    std::size_t k = 0;
                    while (!(group.inputs[k] == node.inputs[0] &&
                             (group.masks[k] == mask || (group.masks[k] && mask && *group.masks[k] == *mask))))
                        ++k;
                    Region out_region;
                    for (std::size_t axis = 0; axis < input_region.size(); ++axis) {
                        if (!group.reduced[axis]) out_region.push_back(input_region[axis]);
                        else if (reduction.keepdims) out_region.push_back({0, 1});
                    }
                    const auto& partial = partials.per_input[k];
                    std::vector<std::byte> values(static_cast<std::size_t>(partial.slots()) * itemsize(node.dtype));
                    partial.finalize(reduction.function, reduction.skipna, reduction.ddof, node.dtype, values.data());
                    kernels::paste_region(values.data(), results[r].data(), node.shape, itemsize(node.dtype),
                                          out_region);
                }
                release_partials(partials);
            }
        });
        for (std::size_t r = 0; r < group.reductions.size(); ++r) context_.done[group.reductions[r].get()] = results[r];
    }

    // ---- quantiles: selection passes (kernels/quantile.hpp) ----------------------------------
    struct SelectionPartial {
        kernels::QuantileSelection::Partial partial;
        std::size_t reserved = 0;
    };

    // Halves chunks of the kept axes until a box of lanes holds at most `max_lanes` lanes.
    static ChunkGrid split_kept_axes(ChunkGrid grid, const std::vector<bool>& reduced, Index max_lanes) {
        for (;;) {
            auto chunks = grid.chunks();
            Index lanes = 1;
            std::size_t widest = chunks.size();
            Index widest_size = 1;
            for (std::size_t axis = 0; axis < chunks.size(); ++axis) {
                if (reduced[axis]) continue;
                const Index largest = *std::max_element(chunks[axis].begin(), chunks[axis].end());
                lanes *= std::max<Index>(largest, 1);
                if (largest > widest_size) widest = axis, widest_size = largest;
            }
            if (lanes <= max_lanes || widest == chunks.size()) return grid;
            std::vector<Index> halves;
            for (Index c : chunks[widest]) {
                if (c > 1) halves.push_back((c + 1) / 2);
                halves.push_back(c > 1 ? c / 2 : c);
            }
            chunks[widest] = halves;
            grid = ChunkGrid(std::move(chunks));
        }
    }

    using BoxPlanPtr = std::shared_ptr<const kernels::QuantileSelection::BoxPlan>;
    using SelectionTree = std::function<SelectionPartial(Index, Index, Index, const BoxPlanPtr&)>;

    // One selection pass across ranks (tree_across_ranks): every rank finishes every box's tree
    // and absorbs it, so that all ranks hold the same selection state for the next pass.
    void absorb_pass_across_ranks(Index outputs, Index leaves, kernels::QuantileSelection& selection,
                                  const std::function<BoxPlanPtr(Index)>& plan_of, const SelectionTree& local,
                                  std::uint64_t bytes) {
        count_only_share(outputs * leaves, my_share(outputs * leaves), bytes);
        std::vector<BoxPlanPtr> plans(static_cast<std::size_t>(outputs));
        tbb::parallel_for(Index{0}, outputs,
                          [&](Index kept) { plans[static_cast<std::size_t>(kept)] = plan_of(kept); });
        const auto whole = tree_across_ranks(
            outputs, leaves,
            [&](Index output, Index lo, Index hi) {
                return local(output, lo, hi, plans[static_cast<std::size_t>(output)]);
            },
            [this](SelectionPartial& p, std::string& out) {
                kernels::append_bytes(p.partial, out);
                budget_.release(p.reserved);
            },
            [&](Index output, const std::string& bytes) {
                std::size_t at = 0;
                return kernels::partial_from_bytes(plans[static_cast<std::size_t>(output)], bytes, at);
            },
            [](kernels::QuantileSelection::Partial& left, kernels::QuantileSelection::Partial& right) {
                kernels::QuantileSelection::merge(left, right);
            });
        tbb::parallel_for(Index{0}, outputs, [&](Index kept) {
            auto partial = whole(kept, 0, leaves);
            selection.absorb(partial);
        });
    }

    // Short lanes (say a median over 100 time steps): when a task can hold its lanes whole
    // (a sixteenth of the budget), one task per box of lanes reads them all, so a pass needs no
    // merging of partials and the values of a lane are collected in one place.
    ChunkGrid whole_lanes_if_small(const ChunkGrid& grid, const std::vector<bool>& reduced, const Shape& shape,
                                   std::size_t item) const {
        auto chunks = grid.chunks();
        std::size_t bytes = item;
        Index boxes = 1;  // tasks left to run in parallel
        for (std::size_t axis = 0; axis < chunks.size(); ++axis) {
            bytes *= static_cast<std::size_t>(
                reduced[axis] ? shape[axis] : *std::max_element(chunks[axis].begin(), chunks[axis].end()));
            if (!reduced[axis]) boxes *= static_cast<Index>(chunks[axis].size());
        }
        if (bytes > budget_.limit() / 16 || boxes < 4 * static_cast<Index>(std::max(1, threads_))) return grid;
        for (std::size_t axis = 0; axis < chunks.size(); ++axis)
            if (reduced[axis]) chunks[axis] = {shape[axis]};
        return ChunkGrid(std::move(chunks));
    }

    void run_selection(const ReductionGroup& planned) {
        const NodePtr& node = planned.reductions.front();
        const NodePtr& input = node->inputs[0];
        Shape lanes;
        for (std::size_t axis = 0; axis < input->shape.size(); ++axis)
            if (!planned.reduced[axis]) lanes.push_back(input->shape[axis]);
        const auto& quantile = std::get<ops::Quantile>(node->op);
        kernels::QuantileSelection selection(input->dtype, lanes, quantile.q, quantile.mode, quantile.skipna);

        // Tasks that fit the budget, then boxes of lanes small enough that a pass's partials
        // (targets x bins counts, at least 2 bins) stay a small part of it.
        ReductionGroup group = planned;
        group.grid = fit_to_budget(planned);
        const std::size_t per_lane = selection.max_targets_per_lane() * 2 * 8 * 5 + 32;
        const auto max_lanes = static_cast<Index>(std::max<std::size_t>(1, budget_.limit() / 16 / per_lane));
        const Index blocks_before = group.grid.block_count();
        group.grid = whole_lanes_if_small(group.grid, group.reduced, input->shape, itemsize(input->dtype));
        group.grid = split_kept_axes(group.grid, group.reduced, max_lanes);
        progress_total_adjust_ += group.grid.block_count() - blocks_before;

        const GroupBlocks blocks(group);
        const Index outputs = blocks.outputs, leaves = blocks.leaves;
        const Shape& numblocks = blocks.numblocks;
        auto block_of = [&](Index kept_flat, Index reduced_flat) { return blocks.block(kept_flat, reduced_flat); };
        // Bins per pass: as many as the largest box's partial affords (a power of two, 2..4096).
        Index box_lanes = 1;
        for (std::size_t axis = 0; axis < numblocks.size(); ++axis) {
            if (group.reduced[axis]) continue;
            const auto& c = group.grid.chunks(axis);
            box_lanes *= std::max<Index>(1, *std::max_element(c.begin(), c.end()));
        }
        const std::size_t box_targets = static_cast<std::size_t>(box_lanes) * selection.max_targets_per_lane();
        // More bins than about sqrt(lane length) only cost memory: with sqrt(L) bins, one
        // histogram pass leaves ~sqrt(L) values per rank, few enough to collect in the next.
        Index lane_length = 1;
        for (std::size_t axis = 0; axis < input->shape.size(); ++axis)
            if (group.reduced[axis]) lane_length *= input->shape[axis];
        std::size_t wanted = 16;
        while (wanted < 4096 &&
               static_cast<double>(wanted) * static_cast<double>(wanted) < static_cast<double>(lane_length))
            wanted *= 2;
        std::size_t bins = 2;
        while (bins < wanted && box_targets * (bins * 2) * 8 * 5 <= budget_.limit() / 16) bins *= 2;

        SelectionTree tree = [&](Index kept, Index lo, Index hi, const auto& plan) -> SelectionPartial {
            if (hi - lo == 1) return selection_leaf(group, block_of(kept, lo), selection, plan);
            const Index mid = tree_split(lo, hi);
            SelectionPartial left, right;
            tbb::parallel_invoke([&] { left = tree(kept, lo, mid, plan); }, [&] { right = tree(kept, mid, hi, plan); });
            budget_.begin_active();
            kernels::QuantileSelection::merge(left.partial, right.partial);
            budget_.release(right.reserved);
            right.reserved = 0;
            budget_.end_active();
            return left;
        };
        // The per-lane state (counts, then windows per rank) is held for the whole selection.
        std::size_t state = selection.state_bytes();
        tracker_.add(state);
        auto plan_of = [&](Index kept) {
            const Region first = group.grid.block_region(block_of(kept, 0));
            Region box;
            for (std::size_t axis = 0; axis < first.size(); ++axis)
                if (!group.reduced[axis]) box.push_back(first[axis]);
            return selection.plan_box(box);
        };
        for (bool more = true; more;) {
            if (selection.pass() > 0) {  // each pass reads the input again
                progress_total_adjust_ += group.grid.block_count();
                bytes_total_ += bytes_of(*input);
            }
            if (world_) {
                absorb_pass_across_ranks(outputs, std::max<Index>(leaves, 1), selection, plan_of, tree,
                                         bytes_of(*input));
            } else {
                tbb::parallel_for(
                    tbb::blocked_range<Index>(0, outputs, 1), [&](const tbb::blocked_range<Index>& range) {
                        for (Index kept = range.begin(); kept != range.end(); ++kept) {
                            SelectionPartial result = tree(kept, 0, std::max<Index>(leaves, 1), plan_of(kept));
                            selection.absorb(result.partial);
                            budget_.release(result.reserved);
                        }
                    });
            }
            more = selection.next_pass(bins);
            const std::size_t now = selection.state_bytes();
            if (now > state) tracker_.add(now - state);
            else tracker_.remove(state - now);
            state = now;
        }
        NDArray result(node->dtype, node->shape);
        selection.finalize(result.data(), node->dtype);
        tracker_.remove(state);
        context_.done[node.get()] = std::move(result);
    }

    // One leaf task of a reduction or a selection pass: reserves what it will read plus the
    // `partial` bytes its result keeps (partial_of(region)), runs body(evaluator, region, partial),
    // which returns the bytes it processed, and gives the reads back. On failure all reserved
    // goes back, undo() runs, and the error names the task.
    template <class PartialOf, class Body, class Undo>
    void run_leaf(const ReductionGroup& group, const std::vector<Index>& block, PartialOf&& partial_of, Body&& body,
                  Undo&& undo) {
        check_cancelled();
        const Region region = group.grid.block_region(block);
        try {
            const std::size_t partial = partial_of(region);
            const std::size_t read_bytes = Evaluator::footprint(group.inputs, region, context_.done);
            std::uint64_t processed = 0;
            try {
                BudgetReservation reservation(budget_, read_bytes + partial);
                Evaluator evaluator(context_);  // its blocks go before the reads are given back
                processed = body(evaluator, region, partial);
                bytes_read_ += evaluator.bytes_read();
                reservation.hand_over(partial);  // the partial result's, until it is merged
            } catch (...) {
                undo();
                throw;
            }
            task_done(processed);
        } catch (...) {
            rethrow_with_context(describe_task(block, region));
        }
    }

    SelectionPartial selection_leaf(const ReductionGroup& group, const std::vector<Index>& block,
                                    const kernels::QuantileSelection& selection,
                                    const std::shared_ptr<const kernels::QuantileSelection::BoxPlan>& plan) {
        SelectionPartial out;
        run_leaf(
            group, block, [&](const Region&) { return selection.partial_bytes(*plan); },
            [&](Evaluator& evaluator, const Region& region, std::size_t partial) -> std::uint64_t {
                out.reserved = partial;
                out.partial = selection.make_partial(plan);
                const Block values = evaluator.evaluate(group.inputs[0], region);
                if (values.dtype != group.inputs[0]->dtype) throw Error("internal: quantile input has another dtype");
                selection.accumulate(out.partial, values.data(), values.shape, region, group.reduced);
                return values.nbytes();
            },
            [] {});
        return out;
    }

    Partials leaf(const ReductionGroup& group, const std::vector<Index>& block) {
        Partials partials;
        run_leaf(
            group, block, [&](const Region& region) { return partial_bytes(group, region); },
            [&](Evaluator& evaluator, const Region& region, std::size_t partial) -> std::uint64_t {
                partials.reserved = partial;
                std::uint64_t processed = 0;
                for (std::size_t k = 0; k < group.inputs.size(); ++k) {
                    const Block values = evaluator.evaluate(group.inputs[k], region);
                    partials.per_input.emplace_back(values.dtype, values.data(), values.shape, group.reduced,
                                                    group.needs[k], group.masks[k]);
                    tracker_.add(partials.per_input.back().bytes());
                    processed += values.nbytes();
                }
                return processed;
            },
            [&] {
                for (const auto& p : partials.per_input) tracker_.remove(p.bytes());
            });
        return partials;
    }

    // Merges `right` into `left` (the next leaves after left's) and gives right's bytes back.
    void merge_partials(Partials& left, Partials& right) {
        budget_.begin_active();
        for (std::size_t k = 0; k < left.per_input.size(); ++k) left.per_input[k].merge(right.per_input[k]);
        release_partials(right);
        budget_.end_active();
    }

    // A tree function (output block, leaves lo, hi) of the partials `Unpack` reads back.
    template <class Unpack>
    using FinishedTree = std::function<std::invoke_result_t<Unpack&, Index, const std::string&>(Index, Index, Index)>;

    // Across ranks: this rank makes its subtrees of every output block's tree (`local`, each
    // turned into bytes by `pack`), the ranks exchange them, and the function returned finishes
    // any node of a tree from all ranks' subtrees: one some rank made is read back (`unpack`),
    // any other merges its two halves (`merge`), in the order of one process. Reductions and
    // quantile selection passes alike.
    template <class Local, class Pack, class Unpack, class Merge>
    FinishedTree<Unpack> tree_across_ranks(Index outputs, Index leaves, Local local, Pack pack, Unpack unpack,
                                           Merge merge) {
        using Finished = std::invoke_result_t<Unpack&, Index, const std::string&>;
        using Tree = FinishedTree<Unpack>;
        const std::vector<Subtree> mine = subtrees_within(outputs, leaves, my_share(outputs * leaves));
        std::vector<std::string> made(mine.size());
        tbb::parallel_for(std::size_t{0}, mine.size(), [&](std::size_t i) {
            auto partial = local(mine[i].output, mine[i].lo, mine[i].hi);
            pack(partial, made[i]);
        });
        std::string payload = pack_subtrees(mine, made);
        made.clear();
        // Every rank's subtrees, by (output, lo, hi): the bytes of their partials.
        auto received = std::make_shared<const std::map<std::tuple<Index, Index, Index>, std::string>>(
            unpack_subtrees(world_->exchange(std::move(payload))));
        auto whole = std::make_shared<Tree>();
        *whole = [received, unpack, merge, whole_weak = std::weak_ptr(whole)](Index output, Index lo,
                                                                              Index hi) -> Finished {
            if (auto it = received->find({output, lo, hi}); it != received->end()) return unpack(output, it->second);
            if (hi - lo <= 1) throw Error("internal: no MPI rank computed leaf " + std::to_string(lo));
            const auto self = whole_weak.lock();
            Finished left = (*self)(output, lo, tree_split(lo, hi));
            Finished right = (*self)(output, tree_split(lo, hi), hi);
            merge(left, right);
            return left;
        };
        return Tree([whole](Index output, Index lo, Index hi) { return (*whole)(output, lo, hi); });
    }

    void release_partials(Partials& partials) {
        for (const auto& p : partials.per_input) tracker_.remove(p.bytes());
        budget_.release(partials.reserved);
        partials.reserved = 0;
        partials.per_input.clear();
    }

    void evaluate_blocks(const NodePtr& output, NDArray& result) {
        const ChunkGrid& grid = output->chunks;
        // Across ranks each evaluates its share of the blocks; the ranks then swap them.
        const TaskRange share = my_share(grid.block_count());
        count_only_share(grid.block_count(), share, bytes_of(*output));
        tbb::parallel_for(tbb::blocked_range<Index>(share.begin, share.end, 1),
                          [&](const tbb::blocked_range<Index>& range) {
                              for (Index flat = range.begin(); flat != range.end(); ++flat) {
                                  check_cancelled();
                                  const std::vector<Index> block = grid.unravel(flat);
                                  const Region region = grid.block_region(block);
                                  try {
                                      const std::size_t bytes = Evaluator::footprint({output}, region, context_.done);
                                      const BudgetReservation reservation(budget_, bytes);
                                      Evaluator evaluator(context_);
                                      const Block values = evaluator.evaluate(output, region);
                                      kernels::paste_region(values.data(), result.data(), result.shape(),
                                                            itemsize(result.dtype()), region);
                                      bytes_read_ += evaluator.bytes_read();
                                      task_done(values.nbytes());
                                  } catch (...) {
                                      rethrow_with_context(describe_task(block, region));
                                  }
                              }
                          });
        if (world_) exchange_blocks(grid, share, result);
    }

    // Sends this rank's blocks `share` of `result` to every rank and pastes theirs in.
    void exchange_blocks(const ChunkGrid& grid, TaskRange share, NDArray& result) {
        const std::size_t item = itemsize(result.dtype());
        std::string mine;
        for (Index flat = share.begin; flat < share.end; ++flat) {
            const Region region = grid.block_region(grid.unravel(flat));
            const std::size_t at = mine.size();
            mine.resize(at + static_cast<std::size_t>(element_count(region_shape(region))) * item);
            kernels::copy_region(result.data(), result.shape(), item, region,
                                 reinterpret_cast<std::byte*>(mine.data() + at));
        }
        const std::vector<std::string> all = world_->exchange(std::move(mine));
        for (int rank = 0; rank < world_->size(); ++rank) {
            if (rank == world_->rank()) continue;
            const TaskRange theirs = rank_share(grid.block_count(), rank, world_->size());
            std::size_t at = 0;
            for (Index flat = theirs.begin; flat < theirs.end; ++flat) {
                const Region region = grid.block_region(grid.unravel(flat));
                const std::size_t bytes = static_cast<std::size_t>(element_count(region_shape(region))) * item;
                if (at + bytes > all[static_cast<std::size_t>(rank)].size())
                    throw Error("internal: MPI rank " + std::to_string(rank) + " sent too few blocks");
                kernels::paste_region(
                    reinterpret_cast<const std::byte*>(all[static_cast<std::size_t>(rank)].data()) + at, result.data(),
                    result.shape(), item, region);
                at += bytes;
            }
        }
    }

    // This rank's contiguous run of `tasks` (all of them when the run is not split across ranks).
    TaskRange my_share(Index tasks) const {
        return world_ ? rank_share(tasks, world_->rank(), world_->size()) : TaskRange{0, tasks};
    }

    // Progress across ranks: rank 0 shows the sum over all ranks (their counters come to it);
    // another rank's totals count only its `share` of a run of `tasks` that processes `bytes`.
    void count_only_share(Index tasks, TaskRange share, std::uint64_t bytes) {
        const Index others = tasks - (share.end - share.begin);
        others_tasks_ += others;
        if (tasks > 0) others_bytes_ += static_cast<std::uint64_t>(static_cast<double>(bytes) * others / tasks);
    }

    // Across ranks, on the thread that makes the exchanges (the only one that calls MPI), now and
    // then: the ranks other than 0 send their counters, rank 0 takes in what has arrived.
    void trade_counters() {
        if (!world_ || std::this_thread::get_id() != driver_) return;
        const auto now = Clock::now();
        if (now - last_trade_ < std::chrono::milliseconds(50)) return;
        last_trade_ = now;
        if (world_->rank() != 0) return world_->send_counters(own_counters());
        world_->receive_counters(others_latest_);
        add_up_others();
    }

    // After the last task: rank 0 gets every rank's final counters (a collective).
    void finish_progress() {
        if (world_) {
            world_->gather_counters(own_counters(), others_latest_);
            add_up_others();
        }
        report_progress(true);
    }

    mpi::World::Counters own_counters() const {
        return {tasks_done_.load(), static_cast<std::int64_t>(bytes_done_.load())};
    }

    void add_up_others() {
        if (world_->rank() != 0) return;
        std::int64_t tasks = 0, bytes = 0;
        for (std::size_t r = 1; r < others_latest_.size(); ++r) {
            tasks += others_latest_[r].tasks;
            bytes += others_latest_[r].bytes;
        }
        others_tasks_done_ = tasks;
        others_bytes_done_ = static_cast<std::uint64_t>(bytes);
    }

    static std::uint64_t bytes_of(const Node& node) {
        return static_cast<std::uint64_t>(element_count(node.shape)) * itemsize(node.dtype);
    }

    void task_done(std::uint64_t bytes) {
        tasks_done_.fetch_add(1, std::memory_order_relaxed);
        bytes_done_.fetch_add(bytes, std::memory_order_relaxed);
        trade_counters();
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
        progress_.bytes_total = bytes_total_.load();
        progress_.tasks_done = tasks_done_.load();
        progress_.bytes_done = bytes_done_.load();
        if (world_ && world_->rank() == 0) {
            // Every rank's work, as one process would count it (never past the total: a rank
            // can be a step ahead of the total rank 0 knows).
            progress_.tasks_done = std::min(progress_.tasks_done + others_tasks_done_.load(), progress_.tasks_total);
            progress_.bytes_done += others_bytes_done_.load();
        } else if (world_) {
            progress_.tasks_total -= others_tasks_.load();
            progress_.bytes_total -= std::min(progress_.bytes_total, others_bytes_.load());
        }
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
    const mpi::World* world_ = nullptr;  // set when the run is split across two or more ranks
    int threads_;
    MemoryBudget budget_;
    std::unique_ptr<tbb::global_control> parallelism_;
    MemoryTracker tracker_;
    tbb::task_arena arena_;
    EvaluationContext context_;
    std::atomic<std::int64_t> tasks_done_{0};
    std::int64_t total_tasks_ = 0;
    std::atomic<std::int64_t> progress_total_adjust_{0};  // tasks added by fit_to_budget
    std::atomic<std::uint64_t> bytes_total_{0};
    std::atomic<std::int64_t> others_tasks_{0};        // tasks other MPI ranks run...
    std::atomic<std::uint64_t> others_bytes_{0};       // ...and the bytes they process
    std::thread::id driver_;                           // the thread that runs the stages (and calls MPI)
    Clock::time_point last_trade_{};                   // (driver only) when counters last went to rank 0
    std::vector<mpi::World::Counters> others_latest_;  // (driver only, rank 0) each rank's counters
    std::atomic<std::int64_t> others_tasks_done_{0};   // rank 0: their sums
    std::atomic<std::uint64_t> others_bytes_done_{0};
    std::atomic<std::uint64_t> bytes_done_{0};
    std::atomic<std::uint64_t> bytes_read_{0};
    std::mutex progress_mutex_;
    Clock::time_point last_progress_{};
    Progress progress_;
};

}  // namespace

std::size_t agreed_round_budget(const mpi::World& world, std::size_t memory_limit) {
    std::size_t smallest = std::min<std::size_t>(memory_limit, std::size_t{2} << 30);
    for (const std::string& limit : world.exchange(std::to_string(smallest)))
        smallest = std::min<std::size_t>(smallest, std::stoull(limit));
    return smallest;
}

std::vector<NDArray> execute(const Plan& plan, const OptimizedGraph& graph, const ComputeOptions& options) {
    // Products run one BLAS call per task on the executor's threads (see SingleThreadedBlas).
    std::optional<kernels::SingleThreadedBlas> single_threaded_blas;
    for (const Node* node : topological_order(graph.outputs))
        if (node->is<ops::Contract>()) {
            single_threaded_blas.emplace();
            break;
        }
    Executor executor(options, plan, graph);
    return executor.run(plan);
}

void execute_blocks(const Plan& plan, const OptimizedGraph& graph, const ChunkGrid& grid, BlockConsumer& consumer,
                    const ComputeOptions& options) {
    Executor executor(options, plan, graph);
    executor.run_blocks(plan, grid, consumer);
}

}  // namespace chunkarr
