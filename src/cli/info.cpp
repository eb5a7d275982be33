// `chunkarr info FILE`: what is in the file and how it is stored.
#include "arguments.hpp"
#include "commands.hpp"
#include "formatting.hpp"

#include <chunkarr/io/hdf5_source.hpp>

#include <cstdio>
#include <iostream>

namespace chunkarr::cli {

const char* const info_help =
    "usage: chunkarr info FILE [--format table|json]\n"
    "\n"
    "Lists every dataset in FILE (through all groups): shape, dtype and byte order, storage\n"
    "layout and chunk shape, filters (compression), logical size and bytes on disk.\n"
    "\n"
    "options:\n"
    "  --format table|json    output format (default: table)\n";

namespace {

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
    return out;
}

void print_json(const std::vector<HDF5DatasetInfo>& datasets) {
    std::cout << "[";
    for (std::size_t i = 0; i < datasets.size(); ++i) {
        const auto& d = datasets[i];
        std::vector<std::string> filters;
        for (const auto& f : d.filters) filters.push_back(json_string(f));
        std::cout << (i ? ",\n " : "\n ") << "{\"path\": " << json_string(d.path) << ", \"shape\": " << json_shape(d.shape)
                  << ", \"dtype\": " << json_string(d.dtype) << ", \"byte_order\": "
                  << (d.byte_order ? json_string(std::string(1, *d.byte_order)) : "null")
                  << ", \"layout\": " << json_string(d.layout)
                  << ", \"chunks\": " << (d.chunks ? json_shape(*d.chunks) : "null") << ", \"filters\": ["
                  << join(filters, ", ") << "], \"nbytes\": " << d.nbytes << ", \"storage_bytes\": " << d.storage_bytes
                  << "}";
    }
    std::cout << (datasets.empty() ? "]\n" : "\n]\n");
}

void print_table(const std::string& file, const std::vector<HDF5DatasetInfo>& datasets) {
    std::vector<std::vector<std::string>> rows{{"dataset", "dtype", "shape", "chunks", "filters", "size", "on disk", "ratio"}};
    std::uint64_t total = 0, stored = 0;
    for (const auto& d : datasets) {
        const std::string dtype = d.byte_order ? std::string(1, *d.byte_order) + d.dtype : d.dtype;
        const std::string chunks = d.chunks ? shape_to_string(*d.chunks) : d.layout;
        const std::string ratio =
            d.storage_bytes > 0 ? format_short(static_cast<double>(d.nbytes) / static_cast<double>(d.storage_bytes)) : "-";
        rows.push_back({d.path, dtype, shape_to_string(d.shape), chunks, d.filters.empty() ? "-" : join(d.filters, ","),
                        human_bytes(static_cast<double>(d.nbytes)), human_bytes(static_cast<double>(d.storage_bytes)),
                        ratio});
        total += d.nbytes;
        stored += d.storage_bytes;
    }
    std::cout << file << ": " << datasets.size() << " dataset" << (datasets.size() == 1 ? "" : "s") << ", "
              << human_bytes(static_cast<double>(total)) << " of data, " << human_bytes(static_cast<double>(stored))
              << " on disk\n";
    if (!datasets.empty()) std::cout << render_table(rows);
}

}  // namespace

int run_info(const std::vector<std::string>& args) {
    const ParsedArguments parsed = parse_arguments(args, {{{"--format"}, true}});
    if (parsed.positional.size() != 1) throw UsageError("info needs exactly one FILE (see 'chunkarr info --help')");
    const std::string format = parsed.value("--format").value_or("table");
    if (format != "table" && format != "json")
        throw UsageError("--format must be table or json, got '" + format + "'");
    const std::string file = split_file_and_path(parsed.positional.front()).file;
    const auto datasets = list_hdf5_datasets(file);
    if (format == "json") print_json(datasets);
    else print_table(file, datasets);
    return 0;
}

}  // namespace chunkarr::cli
