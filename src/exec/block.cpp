#include "exec/block.hpp"

namespace chunkarr {

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
    block.storage = std::shared_ptr<std::byte[]>(new std::byte[bytes > 0 ? bytes : 1], [tracker, bytes](std::byte* p) {
        delete[] p;
        if (tracker) tracker->remove(bytes);
    });
    return block;
}

}  // namespace chunkarr
