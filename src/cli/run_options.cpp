#include "run_options.hpp"

#include "mpi_ranks.hpp"

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace chunkarr::cli {

namespace {

std::atomic<bool> interrupted{false};

void on_interrupt(int) { interrupted.store(true); }

void cancel_on_interrupt(ComputeOptions& options) {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    options.cancel = &interrupted;
}

}  // namespace

std::vector<OptionSpec> run_option_specs() {
    return {{{"--threads"}, true},      {{"--memory-limit"}, true}, {{"--progress"}, false},
            {{"--no-progress"}, false}, {{"--explain"}, false},     {{"--concat"}, true},
            {{"-o", "--output"}, true}, {{"--compression"}, true},  {{"--compression-level"}, true}};
}

ComputeOptions compute_options_from(const ParsedArguments& parsed) {
    ComputeOptions options;
    options.world = command_world();  // under mpirun: the ranks share the work
    cancel_on_interrupt(options);
    if (auto v = parsed.value("--threads")) options.threads = parse_positive_int(*v, "--threads");
    if (auto v = parsed.value("--memory-limit")) options.memory_limit = parse_byte_size(*v, "--memory-limit");
    return options;
}

StoreOptions store_options_from(const ParsedArguments& parsed, const std::string& why_no_output) {
    StoreOptions store_options;
    if (auto v = parsed.value("--compression")) {
        if (*v != "none" && *v != "gzip") throw UsageError("--compression must be none or gzip, got '" + *v + "'");
        store_options.compression = *v;
    }
    if (auto v = parsed.value("--compression-level")) {
        store_options.compression_level = parse_positive_int(*v, "--compression-level");
        if (store_options.compression_level > 9) throw UsageError("--compression-level must be 1 to 9, got " + *v);
        if (store_options.compression.empty()) store_options.compression = "gzip";
    }
    if ((parsed.value("--compression") || parsed.value("--compression-level")) && !parsed.value("--output"))
        throw UsageError(why_no_output);
    return store_options;
}

std::unique_ptr<ProgressBar> progress_bar_for(const ParsedArguments& parsed, const std::string& label,
                                              ComputeOptions& options) {
    const bool show =
        parsed.flags.count("--progress") || (!parsed.flags.count("--no-progress") && ::isatty(STDERR_FILENO));
    if (!show) return nullptr;
    auto bar = std::make_unique<ProgressBar>(label);
    options.progress = [bar = bar.get()](const Progress& p) { bar->update(p); };
    return bar;
}

}  // namespace chunkarr::cli
