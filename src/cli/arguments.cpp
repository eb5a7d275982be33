#include "arguments.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace chunkarr::cli {

std::optional<std::string> ParsedArguments::value(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

const OptionSpec* find_option(const std::string& arg, const std::vector<OptionSpec>& specs) {
    const auto eq = arg.find('=');
    const std::string name = arg.rfind("--", 0) == 0 && eq != std::string::npos ? arg.substr(0, eq) : arg;
    for (const auto& spec : specs)
        if (std::find(spec.names.begin(), spec.names.end(), name) != spec.names.end()) return &spec;
    return nullptr;
}

ParsedArguments parse_arguments(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
    ParsedArguments parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") {  // the end of the options: what follows is positional ("-t2m" too)
            parsed.positional.insert(parsed.positional.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                     args.end());
            break;
        }
        if (arg.size() < 2 || arg[0] != '-' || (std::isdigit(static_cast<unsigned char>(arg[1])) && arg[1] != '-')) {
            parsed.positional.push_back(arg);
            continue;
        }
        std::string name = arg, inline_value;
        bool has_inline = false;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
            has_inline = true;
        }
        const OptionSpec* spec = find_option(name, specs);
        if (!spec) throw UsageError("unknown option " + name);
        const std::string key = spec->names.back();
        if (!spec->takes_value) {
            if (has_inline) throw UsageError("option " + name + " takes no value");
            parsed.flags.insert(key);
            continue;
        }
        if (has_inline) {
            parsed.values[key] = inline_value;
        } else {
            if (i + 1 >= args.size()) throw UsageError("option " + name + " needs a value");
            parsed.values[key] = args[++i];
        }
    }
    return parsed;
}

namespace {
std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

long long parse_integer(const std::string& text, const std::string& option, const std::string& what) {
    const std::string t = trim(text);
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(t, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (t.empty() || used != t.size()) throw UsageError(option + " needs " + what + ", got '" + text + "'");
    return value;
}
}  // namespace

std::size_t parse_byte_size(const std::string& text, const std::string& option) {
    const std::string t = trim(text);
    std::size_t used = 0;
    double number = 0;
    try {
        number = std::stod(t, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    std::string unit = trim(t.substr(used));
    std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
    static const std::map<std::string, double> units = {{"", 1},
                                                        {"b", 1},
                                                        {"k", 1e3},
                                                        {"kb", 1e3},
                                                        {"kib", 1024.0},
                                                        {"m", 1e6},
                                                        {"mb", 1e6},
                                                        {"mib", 1048576.0},
                                                        {"g", 1e9},
                                                        {"gb", 1e9},
                                                        {"gib", 1073741824.0},
                                                        {"t", 1e12},
                                                        {"tb", 1e12},
                                                        {"tib", 1099511627776.0}};
    const auto it = units.find(unit);
    if (used == 0 || it == units.end() || !std::isfinite(number))
        throw UsageError(option + " needs a size like 512MB or 2GiB, got '" + text + "'");
    const double bytes = number * it->second;
    if (bytes < 1) throw UsageError(option + " must be positive, got '" + text + "'");
    return static_cast<std::size_t>(bytes);
}

int parse_positive_int(const std::string& text, const std::string& option) {
    const long long value = parse_integer(text, option, "a positive integer");
    if (value < 1 || value > 1 << 20) throw UsageError(option + " must be a positive integer, got '" + text + "'");
    return static_cast<int>(value);
}

int parse_non_negative_int(const std::string& text, const std::string& option) {
    const long long value = parse_integer(text, option, "a non-negative integer");
    if (value < 0 || value > 1 << 20) throw UsageError(option + " must be a non-negative integer, got '" + text + "'");
    return static_cast<int>(value);
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        items.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

std::vector<int> parse_axes(const std::string& text, const std::string& option) {
    std::vector<int> axes;
    for (const std::string& item : split_commas(text)) {
        const long long axis = parse_integer(item, option, "axes like 0 or 0,2");
        if (axis < -64 || axis > 64) throw UsageError(option + ": axis " + std::to_string(axis) + " is out of range");
        axes.push_back(static_cast<int>(axis));
    }
    return axes;
}

FileAndPath split_file_and_path(const std::string& text) {
    std::error_code ec;
    if (std::filesystem::exists(text, ec)) return {text, ""};
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return {text, ""};
    return {text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace chunkarr::cli
