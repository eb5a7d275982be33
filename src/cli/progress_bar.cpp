#include "progress_bar.hpp"

#include "formatting.hpp"

#include <cstdio>

namespace chunkarr::cli {

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
    if (drawn_) std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
}

void ProgressBar::update(const Progress& p) {
    const double fraction =
        p.tasks_total > 0 ? static_cast<double>(p.tasks_done) / static_cast<double>(p.tasks_total) : 1.0;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
    std::string eta = "";
    if (fraction > 0.01 && fraction < 1) {
        const int left = static_cast<int>(seconds / fraction * (1 - fraction) + 0.5);
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "  ETA %d:%02d", left / 60, left % 60);
        eta = buffer;
    }
    const double rate = seconds > 0 ? static_cast<double>(p.bytes_done) / seconds : 0;
    std::fprintf(stderr, "\r\033[K%s [%s] %3d%%  %s / %s  %s/s%s", label_.c_str(), bar.c_str(),
                 static_cast<int>(fraction * 100), human_bytes(static_cast<double>(p.bytes_done)).c_str(),
                 human_bytes(static_cast<double>(p.bytes_total)).c_str(), human_bytes(rate).c_str(), eta.c_str());
    std::fflush(stderr);
    drawn_ = true;
}

}  // namespace chunkarr::cli
