// store(): compute_blocks() over the stored chunk grid, a ChunkWriter as the consumer. Worker
// threads pad edge chunks to the full chunk shape, apply the filters and queue the bytes; one
// writer thread takes them off the queue and writes them with H5Dwrite_chunk under the HDF5
// lock. Queued bytes keep their memory-budget reservation until written, so a slow disk makes
// the workers wait instead of memory grow.
#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/block.hpp>
#include <chunkarr/exec/compute.hpp>
#include <chunkarr/exec/memory_budget.hpp>
#include <chunkarr/exec/store.hpp>
#include <chunkarr/io/hdf5_sink.hpp>
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

    std::size_t scratch_bytes(const Region&) const override {
        // Padded chunk (or the kept copy) plus, when filtered, the encoder's buffers and the kept bytes.
        return filters_.empty() ? chunk_bytes_ : 2 * chunk_bytes_ + 2 * filters_.encode_bound(chunk_bytes_);
    }

    std::size_t consume(const std::vector<Index>&, const Region& region, const Block& values) override {
        throw_if_failed();
        const Shape shape = region_shape(region);
        const bool full = shape == chunk_;
        std::shared_ptr<std::byte[]> padded;
        const std::byte* chunk = values.data();
        if (!full) {
            padded.reset(new std::byte[chunk_bytes_]());
            Region inside;
            for (Index n : shape) inside.push_back({0, n});
            kernels::paste_region(values.data(), padded.get(), chunk_, item_, inside);
            chunk = padded.get();
        }
        Item item;
        for (const auto& range : region) item.offset.push_back(range.start);
        if (filters_.empty()) {
            item.bytes = full ? values.storage : padded;
            item.size = chunk_bytes_;
        } else {
            thread_local std::vector<std::byte> encoded;
            filters_.encode(chunk, chunk_bytes_, encoded);
            item.bytes.reset(new std::byte[encoded.size()]);
            std::memcpy(item.bytes.get(), encoded.data(), encoded.size());
            item.size = encoded.size();
        }
        const std::size_t kept = item.size;
        item.reserved = kept;
        budget_->begin_active();   // queued bytes will be freed by the writer
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(item));
        }
        ready_.notify_one();
        return kept;
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
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const DatasetSpec& spec = specs[i];
        const Index size = element_count(spec.shape);
        if (spec.shape.empty()) {
            sink.write(ids[i], compute({targets[i].array}, options).front());
        } else if (size > 0) {
            ChunkWriter writer(sink, ids[i], spec.dtype, spec.chunks, spec.filters);
            compute_blocks(targets[i].array, ChunkGrid::regular(spec.shape, spec.chunks), writer, options);
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
