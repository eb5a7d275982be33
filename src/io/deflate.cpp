#include "io/deflate.hpp"

#include <chunkarr/core/error.hpp>

#include <memory>
#include <string>

namespace chunkarr {

libdeflate_decompressor* thread_decompressor() {
    struct Deleter {
        void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
    };
    thread_local std::unique_ptr<libdeflate_decompressor, Deleter> decompressor(libdeflate_alloc_decompressor());
    if (!decompressor) throw MemoryBudgetError("cannot allocate a deflate decompressor");
    return decompressor.get();
}

libdeflate_compressor* thread_compressor(int level) {
    struct Deleter {
        void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
    };
    thread_local std::unique_ptr<libdeflate_compressor, Deleter> compressors[13];
    if (level < 0 || level > 12) throw ValueError("deflate level must be 1 to 9, got " + std::to_string(level));
    auto& compressor = compressors[level];
    if (!compressor) compressor.reset(libdeflate_alloc_compressor(level));
    if (!compressor) throw MemoryBudgetError("cannot allocate a deflate compressor");
    return compressor.get();
}

}  // namespace chunkarr
