// `chunkarr info FILE`: what is in the file and how it is stored.
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/file_format.hpp>
#include <chunkarr/io/hdf5/datasets.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>
#include <chunkarr/io/variables.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "formatting.hpp"
#include "output_attributes.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

namespace chunkarr::cli {

const char* const info_help =
    "usage: chunkarr info FILE [--format table|json]\n"
    "\n"
    "Lists every dataset in FILE (through all groups): shape, dtype and byte order, storage\n"
    "layout and chunk shape, filters (compression), logical size and bytes on disk.\n"
    "For a Zarr v2 store (a directory): its arrays, through nested groups, with compressor.\n"
    "For a NetCDF file (classic or NetCDF-4): the format, the dimensions (UNLIMITED marked),\n"
    "every variable with its dimensions, dtype, chunking, compression, bytes and attributes,\n"
    "and the global attributes: the useful part of `ncdump -h` plus storage facts.\n"
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
        if (!d.error.empty()) {
            std::cout
                << (i ? ",\n " : "\n ") << "{\"path\": " << json_string(d.path)
                << ", \"shape\": null, \"dtype\": null, \"byte_order\": null, \"layout\": null, \"chunks\": null, "
                   "\"filters\": null, \"nbytes\": null, \"storage_bytes\": null, \"error\": "
                << json_string(d.error) << "}";
            continue;
        }
        std::vector<std::string> filters;
        for (const auto& f : d.filters) filters.push_back(json_string(f));
        std::cout << (i ? ",\n " : "\n ") << "{\"path\": " << json_string(d.path)
                  << ", \"shape\": " << json_shape(d.shape) << ", \"dtype\": " << json_string(d.dtype)
                  << ", \"byte_order\": " << (d.byte_order ? json_string(std::string(1, *d.byte_order)) : "null")
                  << ", \"layout\": " << json_string(d.layout)
                  << ", \"chunks\": " << (d.chunks ? json_shape(*d.chunks) : "null") << ", \"filters\": ["
                  << join(filters, ", ") << "], \"nbytes\": " << d.nbytes << ", \"storage_bytes\": " << d.storage_bytes
                  << "}";
    }
    std::cout << (datasets.empty() ? "]\n" : "\n]\n");
}

std::vector<Unreadable> unreadable_of(const std::vector<HDF5DatasetInfo>& datasets) {
    std::vector<Unreadable> unreadable;
    for (const auto& d : datasets)
        if (!d.error.empty()) unreadable.push_back({d.path, d.error});
    return unreadable;
}

// With objects that cannot be read, a last column "error".
void print_table(const std::string& file, const std::vector<HDF5DatasetInfo>& datasets) {
    const std::size_t errors = unreadable_of(datasets).size();
    std::vector<std::vector<std::string>> rows{
        {"dataset", "dtype", "shape", "chunks", "filters", "size", "on disk", "ratio"}};
    if (errors) rows.front().push_back("error");
    std::uint64_t total = 0, stored = 0;
    for (const auto& d : datasets) {
        if (!d.error.empty()) {
            rows.push_back({d.path, "-", "-", "-", "-", "-", "-", "-", row_reason({d.path, d.error}, file)});
            continue;
        }
        const std::string dtype = d.byte_order ? std::string(1, *d.byte_order) + d.dtype : d.dtype;
        const std::string chunks = d.chunks ? shape_to_string(*d.chunks) : d.layout;
        std::string ratio = "-";  // logical / stored bytes, two decimals are enough to compare filters
        if (d.storage_bytes > 0) {
            char text[32];
            std::snprintf(text, sizeof text, "%.2f",
                          static_cast<double>(d.nbytes) / static_cast<double>(d.storage_bytes));
            ratio = text;
        }
        rows.push_back({d.path, dtype, shape_to_string(d.shape), chunks, d.filters.empty() ? "-" : join(d.filters, ","),
                        human_bytes(static_cast<double>(d.nbytes)), human_bytes(static_cast<double>(d.storage_bytes)),
                        ratio});
        if (errors) rows.back().push_back("");
        total += d.nbytes;
        stored += d.storage_bytes;
    }
    const std::size_t readable = datasets.size() - errors;
    std::cout << file << ": " << readable << " dataset" << (readable == 1 ? "" : "s") << ", "
              << human_bytes(static_cast<double>(total)) << " of data, " << human_bytes(static_cast<double>(stored))
              << " on disk";
    if (errors) std::cout << "; " << errors << (errors == 1 ? " object cannot" : " objects cannot") << " be read";
    std::cout << "\n";
    if (!datasets.empty()) std::cout << render_table(rows);
}

std::string attribute_json(const AttributeValue& value) {
    if (const auto* text = std::get_if<std::string>(&value)) return json_string(*text);
    const auto& numbers = std::get<std::vector<long double>>(value);
    auto number = [](long double v) {
        if (v == static_cast<long double>(static_cast<long long>(v)) && std::abs(v) < 9.2e18L)
            return std::to_string(static_cast<long long>(v));
        return format_double(static_cast<double>(v));
    };
    if (numbers.size() == 1) return number(numbers.front());
    std::string out = "[";
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        if (i) out += ", ";
        out += number(numbers[i]);
    }
    return out + "]";
}

std::string attributes_json(const Attributes& attributes) {
    std::string out = "{";
    bool first = true;
    for (const auto& [name, value] : attributes.all()) {
        if (internal_attribute(name)) continue;
        if (!first) out += ", ";
        out += json_string(name);
        out += ": ";
        out += attribute_json(value);
        first = false;
    }
    return out + "}";
}

std::string attribute_text(const AttributeValue& value) {
    if (const auto* text = std::get_if<std::string>(&value)) {
        std::string quoted = "\"";
        quoted += *text;
        quoted += '"';
        return quoted;
    }
    return attribute_json(value);
}

// Storage facts of a NetCDF-4 variable come from its HDF5 dataset; classic files store every
// variable uncompressed.
struct Storage {
    std::uint64_t nbytes = 0, stored = 0;
    std::vector<std::string> filters;  // in pipeline order
};

// Returns what HDF5 cannot read of a NetCDF-4 file that libnetcdf could (not in the output).
std::vector<Unreadable> print_netcdf(const std::string& file, bool json) {
    const NetCDFInfo info = describe_netcdf(file);
    std::map<std::string, Storage> storage;
    std::vector<Unreadable> unreadable;
    if (info.format.rfind("NETCDF4", 0) == 0) {
        const auto datasets = list_hdf5_datasets(file);
        for (const auto& d : datasets) storage[d.path] = {d.nbytes, d.storage_bytes, d.filters};
        unreadable = unreadable_of(datasets);
    }
    auto facts = [&](const NetCDFVariable& v) {
        // Logical size from netCDF's shape (a record variable may have fewer records stored).
        const std::uint64_t n = static_cast<std::uint64_t>(element_count(v.shape)) * (v.dtype ? itemsize(*v.dtype) : 1);
        const auto it = storage.find(v.path);
        if (it == storage.end()) return Storage{n, n, v.filters};
        return Storage{n, it->second.stored, it->second.filters};
    };
    if (json) {
        std::cout << "{\"file\": " << json_string(file) << ", \"format\": " << json_string(info.format)
                  << ",\n \"dimensions\": [";
        for (std::size_t i = 0; i < info.dimensions.size(); ++i) {
            const auto& d = info.dimensions[i];
            std::cout << (i ? ", " : "") << "{\"name\": " << json_string(d.name) << ", \"size\": " << d.size
                      << ", \"unlimited\": " << (d.unlimited ? "true" : "false") << "}";
        }
        std::cout << "],\n \"variables\": [";
        for (std::size_t i = 0; i < info.variables.size(); ++i) {
            const auto& v = info.variables[i];
            const Storage st = facts(v);
            std::vector<std::string> dims, filters;
            for (const auto& d : v.dimensions) dims.push_back(json_string(d));
            for (const auto& f : st.filters) filters.push_back(json_string(f));
            std::cout << (i ? ",\n  " : "\n  ") << "{\"path\": " << json_string(v.path) << ", \"dimensions\": ["
                      << join(dims, ", ") << "], \"shape\": " << json_shape(v.shape)
                      << ", \"dtype\": " << json_string(v.type_name)
                      << ", \"chunks\": " << (v.chunks ? json_shape(*v.chunks) : "null") << ", \"filters\": ["
                      << join(filters, ", ") << "], \"nbytes\": " << st.nbytes << ", \"storage_bytes\": " << st.stored
                      << ", \"attributes\": " << attributes_json(v.attributes) << "}";
        }
        std::cout << "],\n \"attributes\": " << attributes_json(info.attributes) << "}\n";
        return unreadable;
    }
    std::cout << file << ": " << info.format << "\n\ndimensions:\n";
    for (const auto& d : info.dimensions) {
        const std::size_t slash = d.name.rfind('/');
        std::cout << "  " << d.name.substr(slash + 1) << " = ";
        if (d.unlimited) std::cout << "UNLIMITED ; // (" << d.size << " currently)";
        else std::cout << d.size;
        if (slash > 0) std::cout << "   (group " << d.name.substr(0, slash) << ")";
        std::cout << "\n";
    }
    std::vector<std::vector<std::string>> rows{
        {"variable", "dimensions", "dtype", "chunks", "filters", "size", "on disk"}};
    for (const auto& v : info.variables) {
        const Storage st = facts(v);
        std::string dims = "(";
        dims += join(v.dimensions, ", ");
        dims += ')';
        rows.push_back({v.path, dims, v.type_name, v.chunks ? shape_to_string(*v.chunks) : "contiguous",
                        st.filters.empty() ? "-" : join(st.filters, ","), human_bytes(static_cast<double>(st.nbytes)),
                        human_bytes(static_cast<double>(st.stored))});
    }
    std::cout << "\nvariables:\n" << render_table(rows);
    bool any = false;
    for (const auto& v : info.variables)
        for (const auto& [name, value] : v.attributes.all()) {
            if (internal_attribute(name)) continue;
            if (!any) std::cout << "\nattributes:\n";
            any = true;
            std::cout << "  " << v.path << ":" << name << " = " << attribute_text(value) << "\n";
        }
    for (const auto& [name, value] : info.attributes.all()) {
        if (internal_attribute(name)) continue;
        if (!any) std::cout << "\nattributes:\n";
        any = true;
        std::cout << "  :" << name << " = " << attribute_text(value) << "\n";
    }
    return unreadable;
}

// A Zarr store's arrays in the rows HDF5 datasets fill: its compressor as the filter, the
// chunk files' sizes as the bytes on disk.
std::vector<HDF5DatasetInfo> zarr_datasets(const std::string& store) {
    std::vector<HDF5DatasetInfo> datasets;
    for (const auto& listed : list_zarr_arrays(store)) {
        HDF5DatasetInfo d;
        d.path = listed.path;
        if (!listed.metadata) {
            d.error = listed.error;
            datasets.push_back(std::move(d));
            continue;
        }
        const ZarrArrayMetadata& array = *listed.metadata;
        d.shape = array.shape;
        d.computed_dtype = std::string(dtype_name(array.dtype));
        // float16 is computed as float32, complex as two float parts
        d.dtype = zarr_stored_type_name(array);
        d.numbers = true;
        if (zarr_stored_itemsize(array) > 1) d.byte_order = array.big_endian ? '>' : '<';
        d.layout = "chunked";
        d.chunks = array.chunks;
        const auto& c = array.compressor;
        if (c.id == "blosc") {
            static const char* const shuffles[] = {"noshuffle", "shuffle", "bitshuffle"};
            d.filters.push_back("blosc(" + c.cname + "," + std::to_string(c.level) + "," +
                                (c.shuffle >= 0 && c.shuffle <= 2 ? shuffles[c.shuffle] : "autoshuffle") + ")");
        } else if (!c.id.empty()) {
            d.filters.push_back(c.id + "(" + std::to_string(c.level) + ")");
        }
        d.nbytes = static_cast<std::uint64_t>(element_count(array.shape)) * zarr_stored_itemsize(array);
        // Chunk files: every file of the array's directory (nested with the '/' separator)
        // except the metadata.
        namespace fs = std::filesystem;
        std::error_code ec;
        const fs::path dir = array.path == "/" ? fs::path(store) : fs::path(store + array.path);
        for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (it->is_directory(ec) && (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))))
                it.disable_recursion_pending();  // a sub-array of a root array is not its chunk
            else if (it->is_regular_file(ec) && !name.empty() && name[0] != '.') d.storage_bytes += it->file_size(ec);
        }
        datasets.push_back(std::move(d));
    }
    return datasets;
}

}  // namespace

int run_info(const std::vector<std::string>& args) {
    const ParsedArguments parsed = parse_arguments(args, {{{"--format"}, true}});
    if (parsed.positional.size() != 1) throw UsageError("info needs exactly one FILE (see 'chunkarr info --help')");
    const std::string format = parsed.value("--format").value_or("table");
    if (format != "table" && format != "json") throw UsageError("--format must be table or json, got '" + format + "'");
    const std::string file = split_file_and_path(parsed.positional.front()).file;
    const bool zarr = is_zarr_store(file);
    if (!zarr && is_netcdf_file(file)) {
        try {
            const auto unreadable = print_netcdf(file, format == "json");
            return unreadable.empty() ? 0 : report_unreadable(file, unreadable);
        } catch (const FormatError&) {
            // libnetcdf opens all of a NetCDF-4 file or nothing: when HDF5 finds objects of it
            // it cannot read, list the file as HDF5, with them; otherwise libnetcdf's error.
            if (detect_file_format(file) != FileFormat::HDF5 || unreadable_of(list_hdf5_datasets(file)).empty()) throw;
        }
    }
    const auto datasets = zarr ? zarr_datasets(file) : list_hdf5_datasets(file);
    if (format == "json") print_json(datasets);
    else print_table(file, datasets);
    const auto unreadable = unreadable_of(datasets);
    return unreadable.empty() ? 0 : report_unreadable(file, unreadable);
}

}  // namespace chunkarr::cli
