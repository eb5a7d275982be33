#pragma once
// A source that records every region it is asked for (and can fail on one): tests assert the
// I/O pattern, not just the values.
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/memory_source.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace test_support {

class RecordingSource final : public chunkarr::Source {
public:
    RecordingSource(chunkarr::NDArray data, chunkarr::Shape chunks,
                    std::optional<chunkarr::Region> fail_on = std::nullopt, std::chrono::milliseconds delay = {})
        : inner_(data, chunkarr::ChunkGrid::regular(data.shape(), chunks)),
          fail_on_(std::move(fail_on)),
          delay_(delay) {}
    const chunkarr::Shape& shape() const override { return inner_.shape(); }
    chunkarr::DType dtype() const override { return inner_.dtype(); }
    chunkarr::ChunkGrid task_grid() const override { return inner_.task_grid(); }
    const chunkarr::Attributes& attributes() const override { return inner_.attributes(); }
    std::string describe() const override { return "recording-source"; }
    void read(const chunkarr::Region& region, void* out) const override {
        std::this_thread::sleep_for(delay_);
        {
            std::lock_guard lock(mutex_);
            reads_.push_back(region);
        }
        if (fail_on_ && region == *fail_on_) throw chunkarr::IOError("recording-source: simulated read failure");
        inner_.read(region, out);
    }
    std::vector<chunkarr::Region> reads() const {
        std::lock_guard lock(mutex_);
        return reads_;
    }

private:
    chunkarr::MemorySource inner_;
    std::optional<chunkarr::Region> fail_on_;
    std::chrono::milliseconds delay_;
    mutable std::mutex mutex_;
    mutable std::vector<chunkarr::Region> reads_;
};

// 0, 1, 2, ... as float64 of `shape`.
inline chunkarr::NDArray iota(const chunkarr::Shape& shape) {
    chunkarr::NDArray a(chunkarr::DType::Float64, shape);
    for (chunkarr::Index i = 0; i < a.size(); ++i) a.data_as<double>()[i] = static_cast<double>(i);
    return a;
}

}  // namespace test_support
