#pragma once
// Command-line parsing shared by the subcommands: options, values with units, FILE:PATH.
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace chunkarr::cli {

// A mistake in how the command was called: exit status 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::vector<std::string> names;  // "-o", "--output"
    bool takes_value = true;
};

struct ParsedArguments {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;  // by the option's last (long) name
    std::set<std::string> flags;
    bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
    std::optional<std::string> value(const std::string& name) const;
};

ParsedArguments parse_arguments(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);
// The spec an argument names ("--threads", or "--threads=4" for a long option), or none.
const OptionSpec* find_option(const std::string& arg, const std::vector<OptionSpec>& specs);

// "2GB" (10^9), "1.5GiB" (2^30), "512MB", "1000000": a positive byte count.
std::size_t parse_byte_size(const std::string& text, const std::string& option);
// A positive integer.
int parse_positive_int(const std::string& text, const std::string& option);
// A non-negative integer.
int parse_non_negative_int(const std::string& text, const std::string& option);
// "a,,b" -> {"a", "", "b"}: every item, empty ones too (the caller names what is wrong with them).
std::vector<std::string> split_commas(const std::string& text);
// "0,-1": integers separated by commas.
std::vector<int> parse_axes(const std::string& text, const std::string& option);

// FILE or FILE:PATH. The whole text is FILE when such a file exists; otherwise it is split at
// the last ':' (PATH empty when there is none).
struct FileAndPath {
    std::string file;
    std::string path;
};
FileAndPath split_file_and_path(const std::string& text);

}  // namespace chunkarr::cli
