#include "formatting.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace chunkarr::cli {

std::string format_double(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    char buffer[40];
    for (int digits = 15; digits <= 17; ++digits) {
        std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
        if (std::strtod(buffer, nullptr) == value) break;
    }
    std::string text = buffer;
    // Keep it a JSON float, so readers see the type.
    if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
    return text;
}

std::string format_short(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.7g", value);
    return buffer;
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                    out += buffer;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string json_shape(const Shape& shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
}

std::string human_bytes(double bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    int unit = 0;
    while (bytes >= 1000 && unit < 5) bytes /= 1000, ++unit;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
    return buffer;
}

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& row : rows)
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (width.size() <= c) width.push_back(0);
            width[c] = std::max(width[c], row[c].size());
        }
    std::ostringstream out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();  // an empty last cell
        out << line << '\n';
    }
    return out.str();
}

int report_error(const std::string& message, int status) {
    std::fprintf(stderr, "chunkarr: error: %s\n", message.c_str());
    return status;
}

std::string row_reason(const Unreadable& unreadable, const std::string& file) {
    const std::string place = file + ":" + unreadable.path + ": ";
    const std::string& message = unreadable.message;
    return message.compare(0, place.size(), place) == 0 ? message.substr(place.size()) : message;
}

std::string unreadable_message(const std::string& file, const std::vector<Unreadable>& unreadable) {
    if (unreadable.size() == 1) return unreadable.front().message;
    return file + ": " + std::to_string(unreadable.size()) +
           " objects cannot be read; the first: " + unreadable.front().message;
}

int report_unreadable(const std::string& file, const std::vector<Unreadable>& unreadable) {
    std::fflush(stdout);  // the output for the rest first
    return report_error(unreadable_message(file, unreadable), 1);
}

}  // namespace chunkarr::cli
