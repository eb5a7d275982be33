// store(): compute_blocks() over tasks of whole stored chunks, a ChunkWriter as the consumer. Worker
// threads pad edge chunks to the full chunk shape, apply the filters and queue the bytes; one
// writer thread takes them off the queue and writes them with H5Dwrite_chunk under the HDF5
// lock. Queued bytes keep their memory-budget reservation until written, so a slow disk makes
// the workers wait instead of memory grow.
#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/block.hpp>
#include <chunkarr/exec/compute.hpp>
#include <chunkarr/exec/memory_budget.hpp>
#include <chunkarr/exec/store.hpp>
#include "io/hdf5/sink.hpp"
#include <chunkarr/kernels/region_copy.hpp>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

namespace chunkarr {

namespace {

constexpr std::size_t default_chunk_limit = 4 << 20;

class ChunkWriter final : public BlockConsumer {
public:
    ChunkWriter(HDF5Sink& sink, int dataset, DType dtype, Shape chunk, FilterPipeline filters)
        : sink_(sink),
          dataset_(dataset),
          item_(itemsize(dtype)),
          chunk_(std::move(chunk)),
          chunk_bytes_(static_cast<std::size_t>(element_count(chunk_)) * item_),
          filters_(std::move(filters)) {}

    ~ChunkWriter() override { abort(); }

    void start(MemoryBudget& budget) override {
        budget_ = &budget;
        thread_ = std::thread([this] { write_loop(); });
    }

    std::size_t scratch_bytes(const Region& region) const override {
        // The kept bytes of every chunk in the task, plus one chunk's extraction and padding
        // buffers and, when filtered, the encoder's output.
        const std::size_t chunks = static_cast<std::size_t>(chunks_in(region));
        const std::size_t kept = filters_.empty() ? chunk_bytes_ : filters_.encode_bound(chunk_bytes_);
        return chunks * kept + 2 * chunk_bytes_ + (filters_.empty() ? 0 : kept);
    }

    std::size_t consume(const std::vector<Index>&, const Region& region, const Block& values) override {
        throw_if_failed();
        const Shape shape = region_shape(region);
        // The stored chunks in this task (its region starts on chunk boundaries), C order.
        Shape counts;
        for (std::size_t axis = 0; axis < shape.size(); ++axis) counts.push_back((shape[axis] + chunk_[axis] - 1) / chunk_[axis]);
        const Index n = element_count(counts);
        std::size_t kept = 0;
        std::vector<Item> items;
        std::vector<std::byte> extracted;
        for (Index flat = 0; flat < n; ++flat) {
            Region local;   // the chunk within the task's values
            Index rest = flat;
            Shape index(shape.size());
            for (std::size_t axis = shape.size(); axis-- > 0;) {
                index[axis] = rest % counts[axis];
                rest /= counts[axis];
            }
            for (std::size_t axis = 0; axis < shape.size(); ++axis) {
                const Index start = index[axis] * chunk_[axis];
                local.push_back({start, std::min(start + chunk_[axis], shape[axis])});
            }
            const Shape part = region_shape(local);
            const bool whole_task = n == 1;
            const bool full = part == chunk_;
            std::shared_ptr<std::byte[]> owned;
            const std::byte* chunk = values.data();
            if (!whole_task) {
                extracted.resize(static_cast<std::size_t>(element_count(part)) * item_);
                kernels::copy_region(values.data(), shape, item_, local, extracted.data());
                chunk = extracted.data();
            }
            if (!full) {
                owned.reset(new std::byte[chunk_bytes_]());
                Region inside;
                for (Index e : part) inside.push_back({0, e});
                kernels::paste_region(chunk, owned.get(), chunk_, item_, inside);
                chunk = owned.get();
            }
            Item item;
            for (std::size_t axis = 0; axis < shape.size(); ++axis) item.offset.push_back(region[axis].start + local[axis].start);
            if (filters_.empty()) {
                if (!owned && whole_task) {
                    item.bytes = values.storage;   // the task's values are the chunk: no copy
                } else if (!owned) {
                    owned.reset(new std::byte[chunk_bytes_]);
                    std::memcpy(owned.get(), chunk, chunk_bytes_);
                }
                if (!item.bytes) item.bytes = owned;
                item.size = chunk_bytes_;
            } else {
                thread_local std::vector<std::byte> encoded;
                filters_.encode(chunk, chunk_bytes_, encoded);
                item.bytes.reset(new std::byte[encoded.size()]);
                std::memcpy(item.bytes.get(), encoded.data(), encoded.size());
                item.size = encoded.size();
            }
            item.reserved = item.size;
            kept += item.size;
            items.push_back(std::move(item));
        }
        for (std::size_t i = 0; i < items.size(); ++i) budget_->begin_active();   // queued bytes: freed by the writer
        {
            std::lock_guard lock(mutex_);
            for (auto& item : items) queue_.push_back(std::move(item));
        }
        ready_.notify_one();
        return kept;
    }

    Index chunks_in(const Region& region) const {
        Index n = 1;
        for (std::size_t axis = 0; axis < region.size(); ++axis)
            n *= (region[axis].stop - region[axis].start + chunk_[axis] - 1) / chunk_[axis];
        return n;
    }

    void finish() override {
        {
            std::lock_guard lock(mutex_);
            closing_ = true;
        }
        ready_.notify_all();
        if (thread_.joinable()) thread_.join();
        throw_if_failed();
    }

    void abort() noexcept override {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        ready_.notify_all();
        if (thread_.joinable()) thread_.join();
        std::lock_guard lock(mutex_);
        drop_queue();
    }

    std::uint64_t written_bytes() const { return written_; }

private:
    struct Item {
        std::vector<Index> offset;
        std::shared_ptr<std::byte[]> bytes;
        std::size_t size = 0;
        std::size_t reserved = 0;
    };

    void throw_if_failed() {
        if (!failed_.load()) return;
        std::exception_ptr error;
        {
            std::lock_guard lock(mutex_);
            error = error_;
        }
        if (error) std::rethrow_exception(error);
    }

    // Caller holds mutex_.
    void drop_queue() {
        for (auto& item : queue_) {
            budget_->release(item.reserved);
            budget_->end_active();
        }
        queue_.clear();
    }

    void write_loop() {
        while (true) {
            Item item;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return stop_ || closing_ || !queue_.empty(); });
                if (stop_ || queue_.empty()) return;
                item = std::move(queue_.front());
                queue_.pop_front();
            }
            try {
                sink_.write_chunk(dataset_, item.offset, item.bytes.get(), item.size);
                written_ += item.size;
            } catch (...) {
                std::lock_guard lock(mutex_);
                error_ = std::current_exception();
                failed_ = true;
                budget_->release(item.reserved);
                budget_->end_active();
                drop_queue();
                return;
            }
            item.bytes.reset();
            budget_->release(item.reserved);
            budget_->end_active();
        }
    }

    HDF5Sink& sink_;
    int dataset_;
    std::size_t item_;
    Shape chunk_;
    std::size_t chunk_bytes_;
    FilterPipeline filters_;
    MemoryBudget* budget_ = nullptr;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Item> queue_;
    bool closing_ = false;
    bool stop_ = false;
    std::atomic<bool> failed_{false};
    std::exception_ptr error_;
    std::uint64_t written_ = 0;
};

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
        for (std::size_t axis = 0; axis < chunks.size(); ++axis) n *= static_cast<std::size_t>(chunks[axis] * factors[axis]);
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
    if (extension == ".nc" || extension == ".nc4" || extension == ".cdf" || extension == ".netcdf") return StoreFormat::NetCDF4;
    return StoreFormat::HDF5;
}

void store(const std::vector<StoreTarget>& targets, const std::string& path, const StoreOptions& store_options,
           const ComputeOptions& options) {
    if (options.threads < 0) throw ValueError("threads must be positive (or 0 for one per core), got " + std::to_string(options.threads));
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
        spec.filters = make_filters(store_options, spec.dtype);
        spec.dimensions = !target.dimensions.empty() ? target.dimensions : store_options.dimensions;
        if (!spec.dimensions.empty() && spec.dimensions.size() != spec.shape.size())
            throw ValueError(std::to_string(spec.dimensions.size()) + " dimension names for the " +
                             std::to_string(spec.shape.size()) + "-d " + spec.path);
        specs.push_back(std::move(spec));
    }
    auto check_cancelled = [&] {
        if (options.cancel && options.cancel->load()) throw CancelledError("computation cancelled");
    };
    check_cancelled();
    HDF5Sink sink(path, format == StoreFormat::NetCDF4 ? SinkFormat::NetCDF4 : SinkFormat::HDF5);
    std::vector<int> ids;
    for (const auto& spec : specs) ids.push_back(sink.define(spec));
    sink.open_for_data();
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const DatasetSpec& spec = specs[i];
        const Index size = element_count(spec.shape);
        if (spec.shape.empty()) {
            sink.write(ids[i], compute({targets[i].array}, options).front());
        } else if (size > 0) {
            ChunkWriter writer(sink, ids[i], spec.dtype, spec.chunks, spec.filters);
            const std::size_t budget = options.memory_limit > 0 ? options.memory_limit : default_memory_limit();
            const Shape tasks = task_shape(targets[i].array, spec.chunks, budget);
            compute_blocks(targets[i].array, ChunkGrid::regular(spec.shape, tasks), writer, options);
        }
        check_cancelled();
    }
    sink.commit();
}

void store(const Array& array, const std::string& path, const std::string& name, const StoreOptions& store_options,
           const ComputeOptions& options) {
    store(std::vector<StoreTarget>{{array, name, {}}}, path, store_options, options);
}

}  // namespace chunkarr
