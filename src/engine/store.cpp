// store(): the pipeline over tasks of whole stored chunks, a chunk writer (engine/chunk_writer)
// as the consumer, into a temporary file that HDF5Sink renames over the target at the end.
// Across MPI ranks the ranks share the chunks and rank 0 writes them all, round by round.
#include <chunkarr/core/error.hpp>
#include <chunkarr/engine/store.hpp>
#include <chunkarr/exec/mpi_world.hpp>

#include "engine/chunk_writer.hpp"
#include "engine/pipeline.hpp"
#include "engine/store_targets.hpp"
#include "exec/memory_budget.hpp"
#include "io/hdf5/sink.hpp"
#include "io/zarr/sink.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>

namespace chunkarr {

namespace {

constexpr std::size_t default_chunk_limit = 4 << 20;

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

FilterPipeline make_filters(const StoreOptions& options, DType dtype) {
    const std::string compression = lower(options.compression);
    const bool gzip = compression == "gzip" || compression == "deflate" || compression == "zlib";
    if (!gzip && !compression.empty() && compression != "none")
        throw ValueError("unknown compression '" + options.compression + "' (want none or gzip)");
    if (gzip && (options.compression_level < 1 || options.compression_level > 9))
        throw ValueError("gzip level must be 1 to 9, got " + std::to_string(options.compression_level));
    std::vector<FilterStep> steps;
    if (options.shuffle.value_or(gzip) && itemsize(dtype) > 1)
        steps.push_back({FilterKind::Shuffle, static_cast<unsigned>(itemsize(dtype))});
    if (gzip) steps.push_back({FilterKind::Deflate, 0, options.compression_level});
    return FilterPipeline(std::move(steps));
}

// The Zarr compressor StoreOptions ask for.
ZarrCompressor make_zarr_compressor(const StoreOptions& options) {
    const std::string compression = lower(options.compression);
    ZarrCompressor c;
    if (compression == "none") return c;
    const int level = options.compression_level;
    if (compression == "gzip" || compression == "zlib" || compression == "deflate") {
        if (level < 1 || level > 9) throw ValueError("gzip level must be 1 to 9, got " + std::to_string(level));
        c.id = compression == "gzip" ? "gzip" : "zlib";
        c.level = level;
        return c;
    }
    if (!compression.empty() && compression != "blosc" && compression.rfind("blosc:", 0) != 0)
        throw ValueError("unknown compression '" + options.compression +
                         "' for a Zarr store (want none, gzip, zlib, blosc or blosc:CNAME)");
    c.id = "blosc";
    if (compression.size() > 6) c.cname = compression.substr(6);
    if (!is_blosc_compressor(c.cname))
        throw ValueError("unknown Blosc compressor '" + c.cname + "' (want one of " + blosc_compressor_list() + ")");
    if (level < 0 || level > 9) throw ValueError("Blosc level must be 0 to 9, got " + std::to_string(level));
    c.level = compression.empty() && level == StoreOptions{}.compression_level ? 5 : level;  // zarr-python's default
    c.shuffle = !options.shuffle.value_or(true) ? 0 : options.bit_shuffle ? 2 : 1;
    return c;
}

// Tasks are whole stored chunks, grouped to about the array's own chunks (so a source chunk is
// read once, not once per stored chunk inside it), and small enough that a task's values and
// buffers take at most an eighth of the memory budget, and at most 32 MiB of values (more
// tasks than cores: the compression is what takes the time).
Shape task_shape(const Array& array, const Shape& chunks, std::size_t budget) {
    const ChunkGrid& grid = array.chunks();
    const Shape& shape = array.shape();
    Shape factors(chunks.size(), 1);
    for (std::size_t axis = 0; axis < chunks.size(); ++axis) {
        const auto& sizes = grid.chunks(axis);
        const Index along = sizes.empty() ? 1 : *std::max_element(sizes.begin(), sizes.end());
        const Index most = (shape[axis] + chunks[axis] - 1) / chunks[axis];
        factors[axis] = std::clamp<Index>((along + chunks[axis] - 1) / chunks[axis], 1, std::max<Index>(most, 1));
    }
    auto bytes = [&] {
        std::size_t n = itemsize(array.dtype());
        for (std::size_t axis = 0; axis < chunks.size(); ++axis)
            n *= static_cast<std::size_t>(chunks[axis] * factors[axis]);
        return n;
    };
    const std::size_t limit = std::min<std::size_t>(budget / 8, 32 << 20);
    while (bytes() > limit) {
        auto axis = std::find_if(factors.begin(), factors.end(), [](Index f) { return f > 1; });
        if (axis == factors.end()) break;
        *axis = (*axis + 1) / 2;
    }
    Shape task(chunks.size());
    for (std::size_t axis = 0; axis < chunks.size(); ++axis) task[axis] = chunks[axis] * factors[axis];
    return task;
}

Shape clamp_chunks(Shape chunks, const Shape& shape) {
    for (std::size_t axis = 0; axis < shape.size(); ++axis)
        chunks[axis] = std::clamp<Index>(chunks[axis], 1, std::max<Index>(shape[axis], 1));
    return chunks;
}

}  // namespace

Shape default_store_chunks(const Array& array) {
    const ChunkGrid& grid = array.chunks();
    Shape chunks;
    for (std::size_t axis = 0; axis < grid.ndim(); ++axis) {
        const auto& sizes = grid.chunks(axis);
        chunks.push_back(sizes.empty() ? 1 : std::max<Index>(*std::max_element(sizes.begin(), sizes.end()), 1));
    }
    const std::size_t item = itemsize(array.dtype());
    while (!chunks.empty() && static_cast<std::size_t>(element_count(chunks)) * item > default_chunk_limit) {
        auto axis = std::find_if(chunks.begin(), chunks.end(), [](Index c) { return c > 1; });
        if (axis == chunks.end()) break;
        *axis = (*axis + 1) / 2;
    }
    return chunks;
}

StoreFormat resolve_store_format(const std::string& path, StoreFormat format) {
    if (format != StoreFormat::Auto) return format;
    const std::string extension = lower(std::filesystem::path(path).extension().string());
    if (extension == ".nc" || extension == ".nc4" || extension == ".cdf" || extension == ".netcdf")
        return StoreFormat::NetCDF4;
    if (extension == ".zarr") return StoreFormat::Zarr;
    return StoreFormat::HDF5;
}

namespace {

// The end of a round across ranks: this rank's encoded chunks (`outgoing`) go to rank 0 or to
// every rank, and what arrives is written `here` (on the ranks that write), counted in the budget
// while held.
void trade_round(const mpi::World& world, bool every_rank, std::string& outgoing, const ChunkWrite& here,
                 MemoryBudget& budget) {
    // Sent from `outgoing` itself, which keeps its room for the next round's chunks.
    const std::vector<std::string> received = every_rank ? world.exchange(outgoing) : world.gather(outgoing, 0);
    outgoing.clear();
    std::size_t held = 0;
    for (const std::string& chunks : received) held += chunks.size();
    if (held == 0) return;
    const BudgetReservation reservation(budget, held);
    for (std::size_t rank = 0; rank < received.size(); ++rank)
        if (static_cast<int>(rank) != world.rank()) write_appended_chunks(received[rank], here);
}

// store_targets' work. Across MPI ranks (`world`) every rank computes and encodes its share of
// each round of a dataset's chunks (BlockConsumer::round_bytes); `writers` make the file, writing
// their own chunks as they come and the others' at the end of each round.
void write_targets(const std::vector<StoreTarget>& targets, const std::string& path, const StoreOptions& store_options,
                   const ComputeOptions& options, RechunkStaging staging, const mpi::World* world, StoreWriters writers,
                   const std::vector<bool>& complex_pairs) {
    check_options(options);
    const StoreFormat format = resolve_store_format(path, store_options.format);
    // Everything that can be checked is checked before the file is created.
    std::vector<DatasetSpec> specs;
    for (const auto& target : targets) {
        const Array& array = target.array;
        DatasetSpec spec;
        spec.path = target.name.empty() || target.name[0] != '/' ? "/" + target.name : target.name;
        spec.dtype = array.dtype();
        spec.shape = array.shape();
        Shape chunks = store_options.chunks.empty() ? default_store_chunks(array) : store_options.chunks;
        if (chunks.size() != spec.shape.size())
            throw ValueError("chunks have " + std::to_string(chunks.size()) + " axes but " + spec.path + " has " +
                             std::to_string(spec.shape.size()));
        for (Index c : chunks)
            if (c < 1) throw ValueError("chunk sizes must be positive");
        spec.chunks = clamp_chunks(chunks, spec.shape);
        if (format != StoreFormat::Zarr) spec.filters = make_filters(store_options, spec.dtype);
        spec.attributes = target.attributes;
        spec.dimensions = !target.dimensions.empty() ? target.dimensions : store_options.dimensions;
        if (!spec.dimensions.empty() && spec.dimensions.size() != spec.shape.size())
            throw ValueError(std::to_string(spec.dimensions.size()) + " dimension names for the " +
                             std::to_string(spec.shape.size()) + "-d " + spec.path);
        spec.complex_pairs = !complex_pairs.empty() && complex_pairs[specs.size()];
        if (spec.complex_pairs && format != StoreFormat::Zarr)
            throw ValueError(spec.path + ": complex values are written to Zarr stores only");
        specs.push_back(std::move(spec));
    }
    const ZarrCompressor compressor =
        format == StoreFormat::Zarr ? make_zarr_compressor(store_options) : ZarrCompressor{};
    auto check_cancelled = [&] {
        if (options.cancel && options.cancel->load()) throw CancelledError("computation cancelled");
    };
    check_cancelled();
    // Across ranks every rank makes and encodes its share of each round of chunks; they go to
    // rank 0, which alone makes the file, or (a rechunk stage's file) to every rank.
    const bool every_rank = writers == StoreWriters::EveryRank;
    const std::size_t memory_limit = options.memory_limit > 0 ? options.memory_limit : default_memory_limit();
    const std::size_t round_budget = world ? agreed_round_budget(*world, memory_limit) : 0;
    const bool writes = !world || every_rank || world->rank() == 0;
    const bool sends = world && (every_rank || world->rank() != 0);
    // Each target: a 0-d one whole, the others one block of whole stored chunks at a time. `sink`
    // is null on the ranks that do not write.
    auto write_all = [&](auto* sink, const std::vector<int>& ids) {
        std::string outgoing;  // this rank's encoded chunks of the round, for the other ranks
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const DatasetSpec& spec = specs[i];
            if (spec.shape.empty()) {
                const NDArray value = run_pipeline({targets[i].array.node()}, options, staging).front();
                if (sink) sink->write(ids[i], value);
            } else if (element_count(spec.shape) > 0) {
                ChunkWrite here;
                if (sink)
                    here = [sink, id = ids[i]](const std::vector<Index>& offset, const std::byte* bytes,
                                               std::size_t size) { sink->write_chunk(id, offset, bytes, size); };
                const ChunkWrite to_others = append_chunks_to(outgoing);
                ChunkWrite write = [&, here](const std::vector<Index>& offset, const std::byte* bytes,
                                             std::size_t size) {
                    if (here) here(offset, bytes, size);
                    if (sends) to_others(offset, bytes, size);
                };
                Rounds rounds{round_budget, {}};
                if (world)
                    rounds.end = [&, here](MemoryBudget& budget) {
                        trade_round(*world, every_rank, outgoing, here, budget);
                    };
                const auto writer = format == StoreFormat::Zarr
                                        ? make_chunk_writer(write, spec.dtype, spec.chunks, compressor, rounds)
                                        : make_chunk_writer(write, spec.dtype, spec.chunks, spec.filters, rounds);
                const Shape tasks = task_shape(targets[i].array, spec.chunks, memory_limit);
                run_pipeline_blocks(targets[i].array.node(), ChunkGrid::regular(spec.shape, tasks), *writer, options,
                                    staging);
            }
            check_cancelled();
        }
        if (sink) sink->commit();
    };
    if (format == StoreFormat::Zarr) {
        std::optional<ZarrSink> sink;
        std::vector<int> ids;
        if (writes) {
            sink.emplace(path);
            sink->set_file_attributes(store_options.file_attributes);
            for (const auto& spec : specs) ids.push_back(sink->define(spec, compressor));
        }
        return write_all(writes ? &*sink : nullptr, ids);
    }
    std::optional<HDF5Sink> sink;
    std::vector<int> ids;
    if (writes) {
        sink.emplace(path, format == StoreFormat::NetCDF4 ? SinkFormat::NetCDF4 : SinkFormat::HDF5);
        sink->set_file_attributes(store_options.file_attributes);
        for (const auto& spec : specs) ids.push_back(sink->define(spec));
        sink->open_for_data();
    }
    write_all(writes ? &*sink : nullptr, ids);
}

}  // namespace

void store_targets(const std::vector<StoreTarget>& targets, const std::string& path, const StoreOptions& store_options,
                   const ComputeOptions& options, RechunkStaging staging, StoreWriters writers,
                   const std::vector<bool>& complex_pairs) {
    if (!options.world || options.world->size() < 2)
        return write_targets(targets, path, store_options, options, staging, nullptr, writers, complex_pairs);
    const mpi::World& world = *options.world;
    try {
        write_targets(targets, path, store_options, options, staging, &world, writers, complex_pairs);
    } catch (...) {
        world.fail(std::current_exception());  // every rank raises it; no writer's file is made
    }
    world.exchange({});  // every rank learns that the writers committed their files
}

void store(const std::vector<StoreTarget>& targets, const std::string& path, const StoreOptions& store_options,
           const ComputeOptions& options) {
    store_targets(targets, path, store_options, options, RechunkStaging::Run, StoreWriters::RankZero);
}

void store(const Array& array, const std::string& path, const std::string& name, const StoreOptions& store_options,
           const ComputeOptions& options) {
    store(std::vector<StoreTarget>{{array, name, {}}}, path, store_options, options);
}

}  // namespace chunkarr
