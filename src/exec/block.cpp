#include "exec/block.hpp"

#include <utility>
#include <vector>

namespace chunkarr {

namespace {

// A few freed task buffers kept per thread and handed out again (for a request of at least half
// their size). A run asks for buffers of a few sizes (chunks, edge chunks) again and again;
// freshly allocated, each would be a new mapping whose every page faults on first touch
// (measured: ~10 % of `stats` on an uncompressed file). Not counted as held memory (they are
// free); at most `kept` per thread, of at least `least` bytes (smaller ones come cheap from the
// allocator anyway).
class BufferCache {
public:
    static constexpr std::size_t kept = 4;
    static constexpr std::size_t least = std::size_t{1} << 16;

    ~BufferCache() {
        alive = false;
        for (auto& [bytes, buffer] : free_) delete[] buffer;
    }
    // A buffer of at least `bytes`; `capacity` is set to its size.
    std::byte* take(std::size_t bytes, std::size_t& capacity) {
        // The smallest that fits; among equals the one freed last (still in cache).
        std::size_t best = free_.size();
        for (std::size_t i = free_.size(); i-- > 0;)
            if (free_[i].first >= bytes && free_[i].first / 2 <= bytes &&
                (best == free_.size() || free_[i].first < free_[best].first))
                best = i;
        if (best == free_.size()) {
            capacity = bytes;
            return new std::byte[bytes];
        }
        std::byte* buffer = free_[best].second;
        capacity = free_[best].first;
        free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(best));
        return buffer;
    }
    void give(std::byte* buffer, std::size_t bytes) {
        if (bytes < least) return delete[] buffer;
        if (free_.size() == kept) {  // the oldest goes
            delete[] free_.front().second;
            free_.erase(free_.begin());
        }
        free_.emplace_back(bytes, buffer);
    }
    // False once this thread's cache is gone (a buffer freed during thread exit is deleted).
    static thread_local bool alive;

private:
    std::vector<std::pair<std::size_t, std::byte*>> free_;
};

thread_local bool BufferCache::alive = true;
thread_local BufferCache cache;

std::byte* take_buffer(std::size_t bytes, std::size_t& capacity) {
    if (BufferCache::alive) return cache.take(bytes, capacity);
    capacity = bytes;
    return new std::byte[bytes];
}

void give_buffer(std::byte* buffer, std::size_t bytes) {
    if (BufferCache::alive) cache.give(buffer, bytes);
    else delete[] buffer;
}

}  // namespace

void MemoryTracker::add(std::size_t bytes) {
    const std::size_t now = current_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    std::size_t seen = peak_.load(std::memory_order_relaxed);
    while (now > seen && !peak_.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {}
}

Block Block::allocate(DType dtype, Shape shape, MemoryTracker* tracker) {
    Block block;
    block.dtype = dtype;
    block.shape = std::move(shape);
    const std::size_t bytes = block.nbytes();
    if (tracker) {
        tracker->add(bytes);
        tracker->count_buffer();
    }
    // Uninitialised on purpose: every kernel writes its whole output.
    std::size_t capacity = 0;
    std::byte* buffer = take_buffer(bytes > 0 ? bytes : 1, capacity);
    block.storage = std::shared_ptr<std::byte[]>(buffer, [tracker, bytes, capacity](std::byte* p) {
        give_buffer(p, capacity);
        if (tracker) tracker->remove(bytes);
    });
    return block;
}

}  // namespace chunkarr
