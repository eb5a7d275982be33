#pragma once
// The options `stats` and `eval` share: how a computation runs (--threads, --memory-limit,
// --progress, Ctrl-C) and how its -o output is written (--compression, --compression-level).
#include <chunkarr/core/options.hpp>
#include <chunkarr/engine/store.hpp>

#include "arguments.hpp"
#include "progress_bar.hpp"

#include <memory>
#include <string>
#include <vector>

namespace chunkarr::cli {

// --threads, --memory-limit, --progress, --no-progress, --explain, --concat, -o/--output,
// --compression, --compression-level.
std::vector<OptionSpec> run_option_specs();

// --threads and --memory-limit; Ctrl-C (SIGINT) and SIGTERM cancel the computation: it stops
// within a task, an -o output's temporary file is removed, and main() exits with 130. A second
// Ctrl-C kills at once.
ComputeOptions compute_options_from(const ParsedArguments& parsed);

// --compression and --compression-level; a usage error naming `why_no_output` when they are
// given without -o.
StoreOptions store_options_from(const ParsedArguments& parsed, const std::string& why_no_output);

// A progress bar labelled `label` wired into `options` when --progress asks for one (or stderr
// is a terminal and --no-progress is absent); else none.
std::unique_ptr<ProgressBar> progress_bar_for(const ParsedArguments& parsed, const std::string& label,
                                              ComputeOptions& options);

}  // namespace chunkarr::cli
