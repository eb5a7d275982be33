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

// An object of a file that is listed but cannot be read (a damaged dataset or group): its path
// and the message that says why, naming file and path.
struct Unreadable {
    std::string path;
    std::string message;
};

// Its message for a table row that names the path already: without a leading "FILE:PATH: ".
std::string row_reason(const Unreadable& unreadable, const std::string& file);

// Prints the one error line, "chunkarr: error: MESSAGE", on stderr; returns `status`.
int report_error(const std::string& message, int status);
// What could not be read of `file`, in one line: the message, or how many and the first one's.
std::string unreadable_message(const std::string& file, const std::vector<Unreadable>& unreadable);
// Its error line, after the output (which lists each); returns 1.
int report_unreadable(const std::string& file, const std::vector<Unreadable>& unreadable);

}  // namespace chunkarr::cli
