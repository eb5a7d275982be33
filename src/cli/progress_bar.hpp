#pragma once
// A one-line progress bar on stderr: bar, percent, bytes done, throughput, time left.
#include <chunkarr/core/options.hpp>

#include <chrono>
#include <string>

namespace chunkarr::cli {

class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();  // clears the line
    void update(const Progress& progress);

private:
    std::string label_;
    std::chrono::steady_clock::time_point start_;
    bool drawn_ = false;
};

}  // namespace chunkarr::cli
