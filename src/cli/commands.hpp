#pragma once
// The subcommands. Each takes the arguments after its name, prints its result to stdout and
// returns the exit status; errors are thrown and reported by main().
#include <string>
#include <vector>

namespace chunkarr::cli {

int run_info(const std::vector<std::string>& args);
int run_stats(const std::vector<std::string>& args);
int run_eval(const std::vector<std::string>& args);

extern const char* const info_help;
extern const char* const stats_help;
const std::string& eval_help();

}  // namespace chunkarr::cli
