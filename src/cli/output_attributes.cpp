#include "output_attributes.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>
#include <chunkarr/io/variables.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace chunkarr::cli {

namespace {

// Applied when the variable was read (CF decoding): the written values are already decoded.
bool decoding_attribute(const std::string& name) {
    return name == "_FillValue" || name == "missing_value" || name == "scale_factor" || name == "add_offset" ||
           name == "_Unsigned";
}

bool valid_range_attribute(const std::string& name) {
    return name == "valid_min" || name == "valid_max" || name == "valid_range";
}

// `text` as one shell word: as it is when that is safe, else in single quotes.
std::string shell_quoted(const std::string& text) {
    const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string("-_./:=,+@%").find(c) != std::string::npos;
    });
    if (plain) return text;
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// The global `history` of the first file of `input`; "" when it has none or cannot be read
// (the command itself reports that when it opens the file).
std::string input_history(const std::string& input) {
    try {
        const std::string file = first_file(input);
        const Attributes globals = describe_netcdf(file).attributes;
        const auto found = globals.all().find("history");
        if (found == globals.all().end()) return {};
        const auto* text = std::get_if<std::string>(&found->second);
        return text ? *text : std::string{};
    } catch (const Error&) {
        return {};
    }
}

}  // namespace

bool internal_attribute(const std::string& name) {
    return name == "DIMENSION_LIST" || name == "REFERENCE_LIST" || name == "CLASS" || name == "NAME" ||
           name.rfind("_Netcdf4", 0) == 0 || name == "_NCProperties" || name == "_nc3_strict";
}

Attributes coordinate_attributes(const Attributes& input) {
    // Valid ranges of packed data are in packed units: they would not fit the unpacked values.
    const bool packed = input.has("scale_factor") || input.has("add_offset");
    Attributes kept;
    for (const auto& [name, value] : input.all()) {
        if (internal_attribute(name) || decoding_attribute(name) || name == "bounds" || name == "dtype") continue;
        if (packed && valid_range_attribute(name)) continue;
        if (const auto type = input.number_type(name)) kept.set(name, std::get<std::vector<long double>>(value), *type);
        else kept.set(name, value);
    }
    return kept;
}

Attributes history_attributes(const std::string& command, const std::vector<std::string>& args,
                              const std::string& input) {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char stamp[64];
    std::strftime(stamp, sizeof stamp, "%a %b %d %H:%M:%S %Y UTC", &utc);
    std::string line = std::string(stamp) + ": chunkarr " + command;
    for (const auto& arg : args) {
        line += ' ';  // (appending: GCC 12 warns falsely about " " + std::string)
        line += shell_quoted(arg);
    }
    if (const std::string previous = input_history(input); !previous.empty()) {
        line += '\n';
        line += previous;
    }
    Attributes attributes;
    attributes.set("history", line);
    return attributes;
}

}  // namespace chunkarr::cli
