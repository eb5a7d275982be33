#pragma once
// A dense piece of an array that a task works on. Its bytes are counted by the executor's
// MemoryTracker from allocation to release, which is what the peak-memory figure measures.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>

#include <atomic>
#include <cstddef>
#include <memory>

namespace chunkarr {

// Bytes held by task buffers and partial results right now, and the most ever held.
class MemoryTracker {
public:
    void add(std::size_t bytes);
    void remove(std::size_t bytes) { current_.fetch_sub(bytes, std::memory_order_relaxed); }
    std::size_t current() const { return current_.load(std::memory_order_relaxed); }
    std::size_t peak() const { return peak_.load(std::memory_order_relaxed); }
    // Task buffers allocated so far (fusion shows here: one per chunk for a fused chain).
    std::int64_t buffers() const { return buffers_.load(std::memory_order_relaxed); }
    void count_buffer() { buffers_.fetch_add(1, std::memory_order_relaxed); }

private:
    std::atomic<std::size_t> current_{0};
    std::atomic<std::size_t> peak_{0};
    std::atomic<std::int64_t> buffers_{0};
};

struct Block {
    DType dtype = DType::Float64;
    Shape shape;
    std::shared_ptr<std::byte[]> storage;

    static Block allocate(DType dtype, Shape shape, MemoryTracker* tracker);
    std::byte* data() const { return storage.get(); }
    Index size() const { return element_count(shape); }
    std::size_t nbytes() const { return static_cast<std::size_t>(size()) * itemsize(dtype); }
};

}  // namespace chunkarr
