#pragma once
// Text output shared by the subcommands: numbers, JSON strings, byte counts, aligned tables.
#include <chunkarr/core/shape.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr::cli {

// Shortest text that reads back as the same double (17 significant digits at most);
// Infinity/-Infinity as Python's json module writes them.
std::string format_double(double value);
// For tables: about 7 significant digits.
std::string format_short(double value);
std::string json_string(const std::string& text);
std::string json_shape(const Shape& shape);
std::string human_bytes(double bytes);  // "1.5 GB"

// Prints rows (first row = header) with columns padded to equal width.
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace chunkarr::cli
