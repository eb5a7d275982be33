#include "engine/chunk_writer.hpp"

#include <chunkarr/core/error.hpp>

#include "exec/memory_budget.hpp"
#include "io/zarr/codecs.hpp"
#include "kernels/region_copy.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace chunkarr {

namespace {

// Where the chunks go, and how they are encoded on the way.
class ChunkDestination {
public:
    virtual ~ChunkDestination() = default;
    // False: chunks are written as they are.
    virtual bool encodes() const = 0;
    // The most bytes encode() makes of a chunk of `chunk_bytes`.
    virtual std::size_t encode_bound(std::size_t chunk_bytes) const = 0;
    virtual void encode(const std::byte* chunk, std::size_t chunk_bytes, std::vector<std::byte>& out) const = 0;
    // On the writer thread: `offset` is the chunk's first element.
    virtual void write(const std::vector<Index>& offset, const std::byte* bytes, std::size_t size) = 0;
};

// Filters (HDF5's pipeline; none: chunks as they are), then a ChunkWrite: H5Dwrite_chunk, or
// bytes bound for the writing MPI rank.
class FilteredDestination final : public ChunkDestination {
public:
    FilteredDestination(ChunkWrite write, FilterPipeline filters)
        : write_(std::move(write)), filters_(std::move(filters)) {}
    bool encodes() const override { return !filters_.empty(); }
    std::size_t encode_bound(std::size_t chunk_bytes) const override { return filters_.encode_bound(chunk_bytes); }
    void encode(const std::byte* chunk, std::size_t chunk_bytes, std::vector<std::byte>& out) const override {
        filters_.encode(chunk, chunk_bytes, out);
    }
    void write(const std::vector<Index>& offset, const std::byte* bytes, std::size_t size) override {
        write_(offset, bytes, size);
    }

private:
    ChunkWrite write_;
    FilterPipeline filters_;
};

class ZarrDestination final : public ChunkDestination {
public:
    ZarrDestination(ChunkWrite write, ZarrCompressor compressor, std::size_t item)
        : write_(std::move(write)), compressor_(std::move(compressor)), item_(item) {}
    bool encodes() const override { return true; }
    // Blosc adds at most its 16-byte header; deflate a few bytes per 64 KiB block.
    std::size_t encode_bound(std::size_t chunk_bytes) const override { return chunk_bytes + chunk_bytes / 1000 + 64; }
    void encode(const std::byte* chunk, std::size_t chunk_bytes, std::vector<std::byte>& out) const override {
        encode_zarr_chunk(compressor_, item_, chunk, chunk_bytes, out);
    }
    void write(const std::vector<Index>& offset, const std::byte* bytes, std::size_t size) override {
        write_(offset, bytes, size);
    }

private:
    ChunkWrite write_;
    ZarrCompressor compressor_;
    std::size_t item_;
};

class ChunkWriter final : public BlockConsumer {
public:
    ChunkWriter(std::unique_ptr<ChunkDestination> destination, DType dtype, Shape chunk, Rounds rounds)
        : destination_(std::move(destination)),
          item_(itemsize(dtype)),
          chunk_(std::move(chunk)),
          chunk_bytes_(static_cast<std::size_t>(element_count(chunk_)) * item_),
          rounds_(std::move(rounds)) {}

    ~ChunkWriter() override { abort(); }

    void start(MemoryBudget& budget) override {
        budget_ = &budget;
        thread_ = std::thread([this] { write_loop(); });
    }

    std::size_t scratch_bytes(const Region& region) const override {
        // The kept bytes of every chunk in the task, plus one chunk's extraction and padding
        // buffers and, when filtered, the encoder's output.
        const std::size_t chunks = static_cast<std::size_t>(chunks_in(region));
        const bool encodes = destination_->encodes();
        const std::size_t kept = encodes ? destination_->encode_bound(chunk_bytes_) : chunk_bytes_;
        return chunks * kept + 2 * chunk_bytes_ + (encodes ? kept : 0);
    }

    // What a block's chunks come to once encoded (their worst case): held until the round ends.
    std::size_t round_bytes(const Region& region) const override {
        if (!rounds_.end) return 0;
        const std::size_t chunks = static_cast<std::size_t>(chunks_in(region));
        return chunks * (destination_->encodes() ? destination_->encode_bound(chunk_bytes_) : chunk_bytes_);
    }

    void end_round() override {
        // Every chunk of the round through the writer thread first.
        {
            std::unique_lock lock(mutex_);
            idle_.wait(lock, [&] { return (queue_.empty() && !writing_) || failed_.load(); });
        }
        throw_if_failed();
        rounds_.end(*budget_);
    }

    std::size_t round_budget() const override { return rounds_.limit; }

    std::size_t consume(const std::vector<Index>&, const Region& region, const Block& values) override {
        throw_if_failed();
        const Shape shape = region_shape(region);
        // The stored chunks in this task (its region starts on chunk boundaries), C order.
        Shape counts;
        for (std::size_t axis = 0; axis < shape.size(); ++axis)
            counts.push_back((shape[axis] + chunk_[axis] - 1) / chunk_[axis]);
        const Index n = element_count(counts);
        std::size_t kept = 0;
        std::vector<Item> items;
        std::vector<std::byte> extracted;
        for (Index flat = 0; flat < n; ++flat) {
            Region local;  // the chunk within the task's values
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
            for (std::size_t axis = 0; axis < shape.size(); ++axis)
                item.offset.push_back(region[axis].start + local[axis].start);
            if (!destination_->encodes()) {
                if (!owned && whole_task) {
                    item.bytes = values.storage;  // the task's values are the chunk: no copy
                } else if (!owned) {
                    owned.reset(new std::byte[chunk_bytes_]);
                    std::memcpy(owned.get(), chunk, chunk_bytes_);
                }
                if (!item.bytes) item.bytes = owned;
                item.size = chunk_bytes_;
            } else {
                thread_local std::vector<std::byte> encoded;
                destination_->encode(chunk, chunk_bytes_, encoded);
                item.bytes.reset(new std::byte[encoded.size()]);
                std::memcpy(item.bytes.get(), encoded.data(), encoded.size());
                item.size = encoded.size();
            }
            kept += item.size;
            items.push_back(std::move(item));
        }
        // The queued bytes are the task's reservation handed over to the writer, which frees them.
        for (auto& item : items) item.reservation = BudgetReservation::adopt(*budget_, item.size);
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
        BudgetReservation reservation;  // the item's bytes, until written
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
    void drop_queue() { queue_.clear(); }

    void write_loop() {
        while (true) {
            Item item;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return stop_ || closing_ || !queue_.empty(); });
                if (stop_ || queue_.empty()) return;
                item = std::move(queue_.front());
                queue_.pop_front();
                writing_ = true;
            }
            try {
                destination_->write(item.offset, item.bytes.get(), item.size);
                written_ += item.size;
            } catch (...) {
                std::lock_guard lock(mutex_);
                error_ = std::current_exception();
                failed_ = true;
                writing_ = false;
                item.reservation.end();
                drop_queue();
                idle_.notify_all();
                return;
            }
            item.bytes.reset();
            item.reservation.end();
            {
                std::lock_guard lock(mutex_);
                writing_ = false;
            }
            idle_.notify_all();
        }
    }

    std::unique_ptr<ChunkDestination> destination_;
    std::size_t item_;
    Shape chunk_;
    std::size_t chunk_bytes_;
    MemoryBudget* budget_ = nullptr;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable idle_;  // the queue is empty and nothing is being written
    std::deque<Item> queue_;
    bool writing_ = false;
    bool closing_ = false;
    bool stop_ = false;
    std::atomic<bool> failed_{false};
    std::exception_ptr error_;
    std::uint64_t written_ = 0;
    Rounds rounds_;
};

}  // namespace

std::unique_ptr<BlockConsumer> make_chunk_writer(ChunkWrite write, DType dtype, Shape chunk, FilterPipeline filters,
                                                 Rounds rounds) {
    return std::make_unique<ChunkWriter>(std::make_unique<FilteredDestination>(std::move(write), std::move(filters)),
                                         dtype, std::move(chunk), std::move(rounds));
}

std::unique_ptr<BlockConsumer> make_chunk_writer(ChunkWrite write, DType dtype, Shape chunk, ZarrCompressor compressor,
                                                 Rounds rounds) {
    return std::make_unique<ChunkWriter>(
        std::make_unique<ZarrDestination>(std::move(write), std::move(compressor), itemsize(dtype)), dtype,
        std::move(chunk), std::move(rounds));
}

ChunkWrite append_chunks_to(std::string& bytes) {
    return [&bytes](const std::vector<Index>& offset, const std::byte* data, std::size_t size) {
        const std::uint64_t head[2] = {offset.size(), size};
        bytes.append(reinterpret_cast<const char*>(head), sizeof head);
        bytes.append(reinterpret_cast<const char*>(offset.data()), offset.size() * sizeof(Index));
        bytes.append(reinterpret_cast<const char*>(data), size);
    };
}

void write_appended_chunks(const std::string& bytes, const ChunkWrite& write) {
    for (std::size_t at = 0; at < bytes.size();) {
        std::uint64_t head[2];
        if (at + sizeof head > bytes.size()) throw Error("internal: chunks from another MPI rank are cut short");
        std::memcpy(head, bytes.data() + at, sizeof head);
        at += sizeof head;
        if (head[0] > 64 || head[1] > bytes.size() - at - head[0] * sizeof(Index) ||
            at + head[0] * sizeof(Index) > bytes.size())
            throw Error("internal: chunks from another MPI rank are cut short");
        std::vector<Index> offset(head[0]);
        std::memcpy(offset.data(), bytes.data() + at, head[0] * sizeof(Index));
        at += head[0] * sizeof(Index);
        write(offset, reinterpret_cast<const std::byte*>(bytes.data() + at), head[1]);
        at += head[1];
    }
}

}  // namespace chunkarr
