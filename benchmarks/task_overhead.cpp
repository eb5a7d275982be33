// chunkarr_task_overhead [--chunks N ...] [--threads T]
//
// Per-task cost of the engine: ones((N/1000, 1000), chunks=(1, 1)).sum() — N one-element chunks,
// so the arithmetic is nothing and the time is scheduling, planning and bookkeeping. Prints one
// JSON object per N: build + optimize + plan time, run time, microseconds per task.
#include <chunkarr/chunkarr.hpp>

#include "exec/plan.hpp"
#include "optimize/optimizer.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace chunkarr;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    std::vector<Index> sizes;
    int threads = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--chunks") sizes.push_back(std::stoll(argv[i + 1]));
        else if (option == "--threads") threads = std::stoi(argv[i + 1]);
    }
    if (sizes.empty()) sizes = {10000, 1000000};
    for (Index n : sizes) {
        const Index columns = n >= 1000 ? 1000 : n;
        const auto t0 = Clock::now();
        const Array x = ones({n / columns, columns}, DType::Float64, {1, 1});
        const Array total = x.sum();
        // What compute() does before running, timed on its own.
        const OptimizedGraph graph = optimize({total.node()});
        const Plan plan = make_plan(graph.outputs);
        const auto t1 = Clock::now();
        ComputeReport report;
        ComputeOptions options;
        options.threads = threads;
        options.report = &report;
        const double sum = total.compute(options).value_as_double(0);
        const auto t2 = Clock::now();
        const double build = std::chrono::duration<double>(t1 - t0).count();
        const double run = std::chrono::duration<double>(t2 - t1).count();
        std::printf(
            "{\"chunks\": %lld, \"tasks\": %lld, \"threads\": %d, \"build_optimize_s\": %.6f, \"run_s\": %.6f, "
            "\"us_per_task\": %.3f, \"sum\": %.1f}\n",
            static_cast<long long>(n), static_cast<long long>(report.tasks), report.threads, build, run,
            run / static_cast<double>(report.tasks) * 1e6, sum);
        if (sum != static_cast<double>(n / columns * columns)) return 1;
    }
    return 0;
}
