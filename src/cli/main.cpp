// The `chunkarr` command: dispatches to a subcommand and turns every error into one line on
// stderr and a non-zero exit status (2: the command was called wrongly; 1: anything else).
#include <chunkarr/core/error.hpp>
#include <chunkarr/version.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "formatting.hpp"
#include "mpi_ranks.hpp"

#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

const char* const usage =
    "usage: chunkarr <command> [options]\n"
    "\n"
    "Statistics and expressions over chunked arrays in HDF5 and NetCDF files far larger than\n"
    "memory, on every core.\n"
    "\n"
    "commands:\n"
    "  info FILE              list the datasets: shape, dtype, chunks, filters, bytes\n"
    "  stats FILE[:PATH]      count, missing, min, max, mean, std, sum of one dataset,\n"
    "                         or of every numeric dataset when PATH is omitted\n"
    "  eval EXPR FILE...      an expression over the files' variables, e.g.\n"
    "                         'std(t2m - mean(t2m, \"time\"), \"time\")', written with -o OUT.nc\n"
    "                         (functions: mean std var min max sum median quantile count\n"
    "                         sqrt exp log log10 abs where isnan clip minimum maximum\n"
    "                         real imag angle conj)\n"
    "\n"
    "Run 'chunkarr <command> --help' for a command's options.\n"
    "  -h, --help             show this help\n"
    "  --version              print the version\n";

using chunkarr::cli::report_error;

}  // namespace

// A glob of many files keeps each one open (an HDF5 handle and a mapping): allow as many open
// files as the system lets this process have, not the default soft limit of 1024.
void raise_open_file_limit() {
    struct rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// The subcommand `args` names; its exit status (errors are thrown).
int dispatch(const std::vector<std::string>& args) {
    if (args.empty()) {
        std::fputs(usage, stderr);
        return 2;
    }
    const std::string command = args.front();
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    const bool wants_help = !rest.empty() && (rest.front() == "-h" || rest.front() == "--help");
    if (command == "-h" || command == "--help" || command == "help") {
        std::fputs(usage, stdout);
        return 0;
    }
    if (command == "--version") {
        std::printf("chunkarr %s\n", chunkarr::version);
        return 0;
    }
    if (command == "info") {
        if (wants_help) return std::fputs(chunkarr::cli::info_help, stdout), 0;
        return chunkarr::cli::run_info(rest);
    }
    if (command == "stats") {
        if (wants_help) return std::fputs(chunkarr::cli::stats_help, stdout), 0;
        return chunkarr::cli::run_stats(rest);
    }
    if (command == "eval") {
        if (wants_help) return std::fputs(chunkarr::cli::eval_help().c_str(), stdout), 0;
        return chunkarr::cli::run_eval(rest);
    }
    throw chunkarr::cli::UsageError("unknown command '" + command + "' (try 'chunkarr --help')");
}

// Prints `error` as one line; its exit status.
int report(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const chunkarr::cli::UsageError& e) {
        return report_error(e.what(), 2);
    } catch (const chunkarr::ValueError& e) {
        return report_error(e.what(), 2);
    } catch (const chunkarr::CancelledError& e) {
        return report_error(e.what(), 130);
    } catch (const std::bad_alloc&) {
        return report_error("out of memory (try a smaller --memory-limit or fewer --threads)", 1);
    } catch (const std::exception& e) {
        return report_error(e.what(), 1);
    } catch (...) {
        return report_error("unexpected internal error", 1);
    }
}

int main(int argc, char** argv) {
    raise_open_file_limit();
    const std::vector<std::string> args(argv + 1, argv + argc);
    // Under mpirun every rank runs the command and rank 0 prints (cli/mpi_ranks.hpp).
    return chunkarr::cli::run_on_every_rank([&] { return dispatch(args); }, report);
}
