// `chunkarr stats FILE[:PATH]`: summary statistics in one parallel pass, inside a memory budget.
#include <chunkarr/core/error.hpp>
#include <chunkarr/engine/explain.hpp>
#include <chunkarr/engine/stats.hpp>
#include <chunkarr/engine/store.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/io/variables.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "coordinates.hpp"
#include "formatting.hpp"
#include "output_attributes.hpp"
#include "progress_bar.hpp"
#include "run_options.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

namespace chunkarr::cli {

const char* const stats_help =
    "usage: chunkarr stats FILE[:PATH] [options]\n"
    "\n"
    "count, missing, min, max, mean, std and sum (or the statistics --stats names) of the\n"
    "variable PATH in the HDF5 or NetCDF file or Zarr store\n"
    "FILE, or of every numeric variable when PATH is omitted. FILE may be a quoted glob\n"
    "('data/*.nc'): the files are joined along their record dimension, in sorted order.\n"
    "Works on files far larger than memory: chunks\n"
    "are read and reduced in parallel on every physical core, inside a memory budget.\n"
    "Missing values are skipped and counted: NaN, and the values the dataset's CF attributes\n"
    "mark (_FillValue, missing_value, valid_min/valid_max/valid_range); packed data is unpacked\n"
    "with scale_factor/add_offset first.\n"
    "\n"
    "options:\n"
    "  --format table|json|csv  output format (default: table)\n"
    "  --stats LIST             compute only these, printed in this order (comma-separated):\n"
    "                           count, missing, min, max, mean, std, sum, median, and\n"
    "                           quantiles pN with N in [0, 100] (p1, p99, p99.9); median and pN\n"
    "                           are exact (NumPy's nanquantile, linear), missing values skipped\n"
    "                           (default: count,missing,min,max,mean,std,sum)\n"
    "  --axis A[,B...]          reduce along these axes only: numbers (negative counts from the\n"
    "                           end) or dimension names (--axis time, --axis 0,lon), the names\n"
    "                           resolved for each variable; the result arrays go to -o\n"
    "  -o, --output OUT.h5      where --axis results are written (one group per dataset with one\n"
    "                           dataset per statistic, named after it: count, ..., median, p99);\n"
    "                           OUT.nc writes NetCDF-4, OUT.zarr a Zarr store (Blosc lz4),\n"
    "                           with the variable's dimension names; written atomically\n"
    "                           (on an error or Ctrl-C an existing OUT is left as it was)\n"
    "  --compression none|gzip  compress the -o output (shuffle + deflate, on every core)\n"
    "  --compression-level N    gzip level 1 (fast) to 9 (small) (default: 4)\n"
    "  --threads N              worker threads (default: one per physical core)\n"
    "  --memory-limit SIZE      working memory budget, e.g. 512MB or 2GiB (default: 1/4 of RAM)\n"
    "  --ddof N                 delta degrees of freedom of std (default: 0, population std)\n"
    "  --per DIM                one row per index of dimension DIM (like cdo infon)\n"
    "  --explain                print the computation graph, before and after optimization,\n"
    "                           its tasks and the bytes each file will read; compute nothing\n"
    "  --concat DIM             with a glob of many files: join them along DIM\n"
    "                           (default: the record/unlimited dimension)\n"
    "  --progress, --no-progress  show a progress bar on stderr (default: when stderr is a terminal)\n"
    "\n"
    "examples:\n"
    "  chunkarr stats era5.h5:/t2m\n"
    "  chunkarr stats era5.h5 --format json --threads 8 --memory-limit 4GB\n"
    "  chunkarr stats era5.nc:t2m --stats min,median,p99,max\n"
    "  chunkarr stats era5.h5:/t2m --axis 0 -o climatology.h5\n"
    "  chunkarr stats era5.nc:t2m --axis time --stats mean,std -o climatology.nc --compression gzip\n"
    "  chunkarr stats 'era5_*.nc:t2m' --per time --format csv\n";

namespace {

// stats computes real values: a complex variable is an error saying what to take instead, as the
// user writes it (eval names root variables only; a nested one is reached from Python).
std::string complex_variable_error(const std::string& file, const std::string& path, const ComplexSources& parts) {
    const std::string dtype = parts.real->dtype() == DType::Float32 ? "complex64" : "complex128";
    const std::string name = path.substr(path.find_first_not_of('/') == std::string::npos ? path.size() : 1);
    std::string message = file + ":" + path + " is " + dtype + ": stats computes real values; ";
    if (name.empty()) return message + "take .real, .imag or abs(z) of chunkarr.open(store, \"\") in Python";
    if (name.find('/') != std::string::npos)
        return message + "take .real, .imag or abs(z) of chunkarr.open(store, \"" + name +
               "\") in Python (chunkarr eval names root variables only)";
    return message + "take real(" + name + "), imag(" + name + ") or abs(" + name + ") with chunkarr eval";
}

struct Target {
    std::string path;
    DType stored;
    bool exact_integers;  // integer data without packing: min, max and sum print as integers
    Array array;
    SourcePtr source;
};

std::string with_leading_slash(const std::string& path) { return path.empty() || path[0] != '/' ? "/" + path : path; }

// The axis of `target` whose dimension is called `name` (for --per and --axis); a usage error
// naming `option`, the variable and its dimensions when it has none of that name.
int axis_of_dimension(const Target& target, const std::string& name, const std::string& option) {
    const auto names = target.source->dimension_names();
    for (std::size_t axis = 0; axis < names.size(); ++axis)
        if (names[axis] == name || dimension_basename(names[axis]) == name) return static_cast<int>(axis);
    std::string listing;
    for (const auto& n : names) listing += (listing.empty() ? "" : ", ") + dimension_basename(n);
    throw UsageError(option + ": " + name + " is not a dimension of " + target.path +
                     (names.empty() ? " (it has no named dimensions)" : " (its dimensions: " + listing + ")"));
}

// --axis items: numbers (negative counts from the end) or dimension names, resolved for `target`.
Axes resolve_axes(const std::vector<std::string>& items, const Target& target) {
    Axes axes;
    for (const std::string& item : items) {
        const bool number = item.find_first_not_of("-0123456789") == std::string::npos;
        if (number) axes.push_back(parse_axes(item, "--axis").front());
        else axes.push_back(axis_of_dimension(target, item, "--axis"));
    }
    return axes;
}

// One statistic the user asked for: its name as printed (and as the -o dataset), what it is.
struct Requested {
    std::string name;            // count, missing, min, max, mean, std, sum, median or pN
    std::optional<double> q;     // median and pN: the quantile in [0, 1]
    std::size_t quantile_index;  // which of the selection's quantiles
};

const char* const valid_stats = "count, missing, min, max, mean, std, sum, median, pN (N in [0, 100], e.g. p99)";

std::vector<Requested> default_stats() {
    std::vector<Requested> list;
    for (const char* name : {"count", "missing", "min", "max", "mean", "std", "sum"}) list.push_back({name, {}, 0});
    return list;
}

// The --per table's columns without --stats: mean between min and max, like cdo infon.
std::vector<Requested> default_per_table_stats() {
    std::vector<Requested> list;
    for (const char* name : {"count", "missing", "min", "mean", "max", "std", "sum"}) list.push_back({name, {}, 0});
    return list;
}

// --stats LIST: comma-separated names, printed in the order given.
std::vector<Requested> parse_stats(const std::string& text) {
    std::vector<Requested> list;
    std::size_t quantiles = 0;
    const auto basic = default_stats();
    for (const std::string& item : split_commas(text)) {
        Requested r{item, {}, 0};
        const bool is_basic =
            std::any_of(basic.begin(), basic.end(), [&](const Requested& b) { return b.name == item; });
        if (item == "median") r.q = 0.5;
        else if (item.size() > 1 && item[0] == 'p' && std::isdigit(static_cast<unsigned char>(item[1]))) {
            char* end = nullptr;
            const double percent = std::strtod(item.c_str() + 1, &end);
            if (*end == '\0' && percent >= 0 && percent <= 100) r.q = percent / 100;
        }
        if (!is_basic && !r.q)
            throw UsageError("--stats: unknown statistic '" + item + "' (valid: " + valid_stats + ")");
        if (std::any_of(list.begin(), list.end(), [&](const Requested& o) { return o.name == item; }))
            throw UsageError("--stats: '" + item + "' is given twice");
        if (r.q) r.quantile_index = quantiles++;
        list.push_back(r);
    }
    return list;
}

bool asks_for(const std::vector<Requested>& list, const std::string& name) {
    return std::any_of(list.begin(), list.end(), [&](const Requested& r) { return r.name == name; });
}

// The reductions the engine must build for `list`.
StatisticsSelection selection_for(const std::vector<Requested>& list) {
    StatisticsSelection selection;
    selection.min = asks_for(list, "min");
    selection.max = asks_for(list, "max");
    selection.mean = asks_for(list, "mean");
    selection.std = asks_for(list, "std");
    selection.sum = asks_for(list, "sum");
    for (const Requested& r : list)
        if (r.q) selection.quantiles.push_back(*r.q);
    return selection;
}

// Element `i` of quantile `k` of a statistics' quantiles (leading axis: the quantiles).
double quantile_value(const Statistics& s, std::size_t k, Index i) {
    return s.quantiles.data_as<double>()[static_cast<Index>(k) * s.count.size() + i];
}

// The quantile `k` as its own array of the result's shape (for -o).
NDArray quantile_array(const Statistics& s, std::size_t k) {
    NDArray out(DType::Float64, s.count.shape());
    for (Index i = 0; i < out.size(); ++i) out.data_as<double>()[i] = quantile_value(s, k, i);
    return out;
}

// A printable statistic: its JSON number text (exact integers where the data are integers),
// and its float64 value; none where undefined (no values counted).
struct Value {
    std::string text;
    double number;
    bool exact_integer = false;  // text is an exact integer (the table prints it as it is)
};

struct Row {
    std::string file, variable, dtype;
    Shape shape;
    std::vector<std::optional<Value>> values;  // one per requested statistic, in order
    std::optional<std::string> error;          // the dataset cannot be read: why (the rest is empty)
};

Row make_row(const std::string& file, const Target& t, const Statistics& s, const std::vector<Requested>& list,
             Index i = 0) {
    Row row;
    row.file = file;
    row.variable = t.path;
    row.dtype = dtype_name(t.stored);
    row.shape = t.array.shape();
    const std::int64_t count = s.count.value_as_int64(i);
    auto exact = [&](const NDArray& a) {
        if (is_unsigned(a.dtype())) return std::to_string(a.value_as_uint64(i));
        if (is_integer(a.dtype()) || is_bool(a.dtype())) return std::to_string(a.value_as_int64(i));
        const double v = a.value_as_double(i);
        return std::to_string(static_cast<long long>(v));
    };
    auto real = [&](double v) { return Value{format_double(v), v}; };
    auto integer_or_real = [&](const NDArray& exact_values, double v) {
        if (!t.exact_integers) return real(v);
        return Value{exact(exact_values), v, true};
    };
    for (const Requested& r : list) {
        std::optional<Value> v;
        if (r.name == "count") v = Value{std::to_string(count), static_cast<double>(count), true};
        else if (r.name == "missing") {
            const std::int64_t missing = s.missing.value_as_int64(i);
            v = Value{std::to_string(missing), static_cast<double>(missing), true};
        } else if (count == 0) v = std::nullopt;
        else if (r.name == "min") v = integer_or_real(s.min_exact, s.min.value_as_double(i));
        else if (r.name == "max") v = integer_or_real(s.max_exact, s.max.value_as_double(i));
        else if (r.name == "sum") v = integer_or_real(s.sum, s.sum.value_as_double(i));
        else if (r.name == "mean") v = real(s.mean.value_as_double(i));
        else if (r.name == "std") v = real(s.std.value_as_double(i));
        else v = real(quantile_value(s, r.quantile_index, i));
        row.values.push_back(v);
    }
    return row;
}

std::string json_field(const std::optional<Value>& v) { return v ? v->text : std::string("null"); }
std::string csv_value(const std::optional<Value>& v) { return v ? v->text : std::string(); }

void print_json(const std::vector<Row>& rows, const std::vector<Requested>& list) {
    std::cout << "[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        std::cout << (i ? ",\n " : "\n ") << "{\"file\": " << json_string(r.file)
                  << ", \"variable\": " << json_string(r.variable);
        if (r.error) {
            std::cout << ", \"shape\": null, \"dtype\": null";
            for (const Requested& stat : list) std::cout << ", " << json_string(stat.name) << ": null";
            std::cout << ", \"error\": " << json_string(*r.error) << "}";
            continue;
        }
        std::cout << ", \"shape\": " << json_shape(r.shape) << ", \"dtype\": " << json_string(r.dtype);
        for (std::size_t k = 0; k < list.size(); ++k)
            std::cout << ", " << json_string(list[k].name) << ": " << json_field(r.values[k]);
        std::cout << "}";
    }
    std::cout << (rows.empty() ? "]\n" : "\n]\n");
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string csv_header(const std::vector<Requested>& list) {
    std::string header;
    for (const Requested& r : list) header += "," + r.name;
    return header;
}

bool any_error(const std::vector<Row>& rows) {
    return std::any_of(rows.begin(), rows.end(), [](const Row& r) { return r.error.has_value(); });
}

// With datasets that cannot be read, a last column "error" (empty for the others).
void print_csv(const std::vector<Row>& rows, const std::vector<Requested>& list) {
    const bool errors = any_error(rows);
    std::cout << "file,variable,shape,dtype" << csv_header(list) << (errors ? ",error\n" : "\n");
    for (const Row& r : rows) {
        if (r.error) {
            std::cout << csv_field(r.file) << ',' << csv_field(r.variable) << ",,," << std::string(list.size(), ',')
                      << csv_field(*r.error) << '\n';
            continue;
        }
        std::string shape;
        for (std::size_t i = 0; i < r.shape.size(); ++i) {
            if (i) shape += 'x';
            shape += std::to_string(r.shape[i]);
        }
        std::cout << csv_field(r.file) << ',' << csv_field(r.variable) << ',' << shape << ',' << r.dtype;
        for (const auto& v : r.values) std::cout << ',' << csv_value(v);
        std::cout << (errors ? ",\n" : "\n");
    }
}

// A table cell: exact integers as they are, other numbers short, "-" where undefined.
std::string table_cell(const std::optional<Value>& v) {
    if (!v) return "-";
    return v->exact_integer ? v->text : format_short(v->number);
}

// With datasets that cannot be read, a last column "error".
void print_table(const std::vector<Row>& rows, const std::vector<Requested>& list) {
    const bool errors = any_error(rows);
    std::vector<std::vector<std::string>> table{{"variable", "shape", "dtype"}};
    for (const Requested& r : list) table.front().push_back(r.name);
    if (errors) table.front().push_back("error");
    for (const Row& r : rows) {
        if (r.error) {
            table.push_back({r.variable, "-", "-"});
            table.back().resize(3 + list.size(), "-");
            table.back().push_back(row_reason({r.variable, *r.error}, r.file));
            continue;
        }
        table.push_back({r.variable, shape_to_string(r.shape), r.dtype});
        for (const auto& v : r.values) table.back().push_back(table_cell(v));
        if (errors) table.back().push_back("");
    }
    std::cout << render_table(table);
}

// One group per variable with the asked statistics (dataset names: the statistics' names) and
// the coordinate variables of its kept dimensions (with their attributes), through store():
// HDF5, or NetCDF-4 for .nc outputs (dimensions named after the variable's kept dimensions).
void write_axis_results(const std::string& output, const std::string& file, const std::vector<Target>& targets,
                        const std::vector<Statistics>& stats, const std::vector<Axes>& axes,
                        const std::vector<Requested>& list, const StoreOptions& store_options,
                        const ComputeOptions& options, const OpenSourceOptions& open_options) {
    std::vector<StoreTarget> arrays;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const std::string group = targets[i].path == "/" ? "" : targets[i].path;
        const Statistics& s = stats[i];
        std::vector<std::string> dimensions;
        const auto names = targets[i].source->dimension_names();
        const auto reduced = normalize_axes(axes[i], targets[i].array.ndim());
        if (names.size() == targets[i].array.ndim()) {
            for (std::size_t axis = 0; axis < names.size(); ++axis) {
                if (std::find(reduced.begin(), reduced.end(), static_cast<int>(axis)) != reduced.end()) continue;
                dimensions.push_back(dimension_basename(names[axis]));
                const bool statistic_named_so = std::any_of(
                    list.begin(), list.end(), [&](const Requested& r) { return r.name == dimensions.back(); });
                if (statistic_named_so) continue;
                if (auto coordinate = axis_coordinate({file}, *targets[i].source, targets[i].path, axis,
                                                      dimensions.back(), open_options))
                    arrays.push_back({coordinate->values,
                                      group + "/" + dimensions.back(),
                                      {dimensions.back()},
                                      coordinate_attributes(coordinate->attributes)});
            }
        }
        auto add = [&](const std::string& name, const NDArray& values) {
            arrays.push_back({from_ndarray(values), group + "/" + name, dimensions});
        };
        for (const Requested& r : list) {
            if (r.name == "count") add("count", s.count);
            else if (r.name == "missing") add("missing", s.missing);
            else if (r.name == "min") add("min", s.min);
            else if (r.name == "max") add("max", s.max);
            else if (r.name == "mean") add("mean", s.mean);
            else if (r.name == "std") add("std", s.std);
            else if (r.name == "sum")
                add("sum", targets[i].exact_integers
                               ? s.sum.astype(is_unsigned(s.sum.dtype()) ? DType::UInt64 : DType::Int64)
                               : s.sum.astype(DType::Float64));
            else add(r.name, quantile_array(s, r.quantile_index));
        }
    }
    store(arrays, output, store_options, options);
}

// Per-element "statistics" of a 1-d array: each value alone (missing when NaN).
Statistics single_value_statistics(const NDArray& values, std::size_t quantiles) {
    const NDArray v = values.astype(DType::Float64);
    const Shape shape = values.shape();
    Statistics s{NDArray(DType::Int64, shape),
                 NDArray(DType::Int64, shape),
                 v,
                 v,
                 v,
                 NDArray(DType::Float64, shape),
                 v,
                 values,
                 values,
                 NDArray(DType::Float64, Shape{static_cast<Index>(quantiles), v.size()})};
    for (Index i = 0; i < v.size(); ++i) {
        const bool valid = !std::isnan(v.data_as<double>()[i]);
        s.count.data_as<std::int64_t>()[i] = valid;
        s.missing.data_as<std::int64_t>()[i] = !valid;
        s.std.data_as<double>()[i] = valid ? 0.0 : std::nan("");
        for (std::size_t k = 0; k < quantiles; ++k)
            s.quantiles.data_as<double>()[static_cast<Index>(k) * v.size() + i] = v.data_as<double>()[i];
    }
    return s;
}

// The values of the coordinate variable of `dimension` (a variable of that name beside the
// target; of the first file when a glob's files are not joined along it), or none.
std::optional<NDArray> coordinate_values(const std::string& file, const Target& target, std::size_t axis,
                                         const std::string& dimension, const OpenSourceOptions& options) {
    if (const auto coordinate = axis_coordinate({file}, *target.source, target.path, axis, dimension, options))
        return coordinate->values.compute().astype(DType::Float64);
    return std::nullopt;
}

void print_per_index(const std::string& format, const std::string& file, const Target& target,
                     const std::string& dimension, const std::optional<NDArray>& coordinates, const Statistics& s,
                     const std::vector<Requested>& list) {
    const Index n = s.count.size();
    auto coordinate = [&](Index i) -> std::optional<double> {
        if (!coordinates || coordinates->size() != n) return std::nullopt;
        return coordinates->value_as_double(i);
    };
    if (format == "json") {
        std::cout << "[";
        for (Index i = 0; i < n; ++i) {
            const Row r = make_row(file, target, s, list, i);
            const auto c = coordinate(i);
            std::cout << (i ? ",\n " : "\n ") << "{\"file\": " << json_string(file)
                      << ", \"variable\": " << json_string(target.path) << ", \"dimension\": " << json_string(dimension)
                      << ", \"index\": " << i << ", \"coordinate\": " << (c ? format_double(*c) : "null");
            for (std::size_t k = 0; k < list.size(); ++k)
                std::cout << ", " << json_string(list[k].name) << ": " << json_field(r.values[k]);
            std::cout << "}";
        }
        std::cout << (n ? "\n]\n" : "]\n");
    } else if (format == "csv") {
        std::cout << "file,variable,dimension,index,coordinate" << csv_header(list) << "\n";
        for (Index i = 0; i < n; ++i) {
            const Row r = make_row(file, target, s, list, i);
            const auto c = coordinate(i);
            std::cout << csv_field(file) << ',' << csv_field(target.path) << ',' << csv_field(dimension) << ',' << i
                      << ',' << (c ? format_double(*c) : "");
            for (const auto& v : r.values) std::cout << ',' << csv_value(v);
            std::cout << '\n';
        }
    } else {
        std::vector<std::vector<std::string>> table{{dimension, "coordinate"}};
        for (const Requested& r : list) table.front().push_back(r.name);
        for (Index i = 0; i < n; ++i) {
            const Row r = make_row(file, target, s, list, i);
            const auto c = coordinate(i);
            table.push_back({std::to_string(i), c ? format_short(*c) : "-"});
            // count and missing as integers, every other value short.
            for (std::size_t k = 0; k < list.size(); ++k) {
                const bool counted = list[k].name == "count" || list[k].name == "missing";
                table.back().push_back(!r.values[k] ? std::string("-")
                                       : counted    ? r.values[k]->text
                                                    : format_short(r.values[k]->number));
            }
        }
        std::cout << target.path << " per " << dimension << ":\n" << render_table(table);
    }
}

}  // namespace

int run_stats(const std::vector<std::string>& args) {
    std::vector<OptionSpec> specs = run_option_specs();
    specs.insert(
        specs.end(),
        {{{"--format"}, true}, {{"--axis"}, true}, {{"--ddof"}, true}, {{"--per"}, true}, {{"--stats"}, true}});
    const ParsedArguments parsed = parse_arguments(args, specs);
    if (parsed.positional.size() != 1)
        throw UsageError(parsed.positional.empty()
                             ? "stats needs a FILE[:PATH] (see 'chunkarr stats --help')"
                             : "stats takes one FILE[:PATH], got " + std::to_string(parsed.positional.size()));
    const std::string format = parsed.value("--format").value_or("table");
    if (format != "table" && format != "json" && format != "csv")
        throw UsageError("--format must be table, json or csv, got '" + format + "'");
    ComputeOptions options = compute_options_from(parsed);
    const int ddof = parsed.value("--ddof") ? parse_non_negative_int(*parsed.value("--ddof"), "--ddof") : 0;
    const std::vector<Requested> requested =
        parsed.value("--stats") ? parse_stats(*parsed.value("--stats")) : default_stats();
    const StatisticsSelection selection = selection_for(requested);
    // --axis items (numbers or dimension names), resolved per variable below.
    std::optional<std::vector<std::string>> axis_items;
    if (auto v = parsed.value("--axis")) axis_items = split_commas(*v);
    const auto output = parsed.value("--output");
    if (axis_items && !output) throw UsageError("--axis writes arrays: give the output file with -o OUT.h5");
    if (output && !axis_items) throw UsageError("-o is for --axis results; without --axis the statistics go to stdout");
    StoreOptions store_options = store_options_from(parsed, "--compression is for the -o output of --axis");
    const auto per = parsed.value("--per");
    if (per && axis_items) throw UsageError("--per and --axis cannot be combined");

    const FileAndPath where = split_file_and_path(parsed.positional.front());
    if (output) store_options.file_attributes = history_attributes("stats", args, where.file);
    OpenSourceOptions open_options;
    open_options.concat_dimension = parsed.value("--concat");
    // Every variable of the file, or the one asked for. Of a whole file, what cannot be read (the
    // listing says so, or opening fails) is a row of the output and the exit status is 1.
    const bool whole_file = where.path.empty();
    std::vector<ListedVariable> listed;
    if (whole_file) listed = list_variables(first_file(where.file));
    else listed.push_back({with_leading_slash(where.path), {}});

    std::vector<Target> targets;
    std::vector<Axes> axes;  // per target: what it is reduced over (empty: everything)
    std::vector<Unreadable> unreadable;
    std::vector<bool> readable;  // per listed variable: a target (else an entry of `unreadable`)
    for (const auto& [path, error] : listed) {
        std::string why = error;
        SourcePtr source;
        if (why.empty()) {
            try {
                if (const auto parts = open_complex_sources(where.file, path, open_options))
                    throw FormatError(complex_variable_error(where.file, path, *parts));
                source = open_source(where.file, path, open_options);
            } catch (const ValueError&) {
                throw;  // the files of a glob do not join: not one variable's fault
            } catch (const Error& e) {
                if (!whole_file) throw;
                why = e.what();
            }
        }
        readable.push_back(why.empty());
        if (!why.empty()) {
            unreadable.push_back({path, why});
            continue;
        }
        const auto decoding = cf_decoding_for(*source);
        const bool packed = decoding && (decoding->scale_factor != 1.0 || decoding->add_offset != 0.0);
        const DType stored = storage_dtype(*source);
        targets.push_back({path, stored, (is_integer(stored) || is_bool(stored)) && !packed, open(source), source});
        if (axis_items) {
            axes.push_back(resolve_axes(*axis_items, targets.back()));
            try {
                normalize_axes(axes.back(), targets.back().array.ndim());
            } catch (const ValueError& e) {
                throw UsageError(std::string("--axis: ") + e.what() + " (" + targets.back().path + " has shape " +
                                 shape_to_string(targets.back().array.shape()) + ")");
            }
        }
    }

    // Modes that write a file or need one variable do not go on without every variable.
    if (!unreadable.empty() && (axis_items || per || parsed.flags.count("--explain")))
        throw IOError(unreadable_message(where.file, unreadable));

    // --per DIM: statistics over every axis but DIM, one row per index of it.
    std::optional<std::size_t> per_axis;
    if (per) {
        if (targets.size() != 1) throw UsageError("--per needs one variable: give FILE:VAR");
        per_axis = static_cast<std::size_t>(axis_of_dimension(targets.front(), *per, "--per"));
        axes = {Axes{}};
        for (std::size_t axis = 0; axis < targets.front().array.ndim(); ++axis)
            if (axis != *per_axis) axes.front().push_back(static_cast<int>(axis));
    }
    // 1-d --per its only dimension: each row is one value, nothing to reduce.
    const bool one_value_per_row = per_axis && axes.front().empty();
    if (axes.empty()) axes.assign(targets.size(), Axes{});  // whole variables

    if (parsed.flags.count("--explain")) {
        // What would run, without running it.
        std::vector<Array> arrays;
        for (const auto& t : targets) arrays.push_back(t.array);
        std::cout << explain(statistics_reductions(arrays, axes, ddof, selection));
        return 0;
    }

    std::unique_ptr<ProgressBar> bar = progress_bar_for(parsed, "stats", options);
    std::vector<Array> arrays;
    for (const auto& t : targets) arrays.push_back(t.array);
    // A 1-d variable --per its only dimension: each row is one value.
    const std::vector<Statistics> stats = one_value_per_row
                                              ? std::vector<Statistics>{single_value_statistics(
                                                    arrays.front().compute(options), selection.quantiles.size())}
                                              : statistics(arrays, axes, ddof, options, selection);
    bar.reset();

    if (per_axis) {
        print_per_index(format, where.file, targets.front(), *per,
                        coordinate_values(where.file, targets.front(), *per_axis, *per, open_options), stats.front(),
                        format == "table" && !parsed.value("--stats") ? default_per_table_stats() : requested);
        return 0;
    }

    if (axis_items) {
        options.progress = {};  // the bar is gone; writing the small results is quick
        write_axis_results(*output, where.file, targets, stats, axes, requested, store_options, options, open_options);
        std::cout << "wrote " << *output << " (" << targets.size() << " dataset" << (targets.size() == 1 ? "" : "s")
                  << ")\n";
        return 0;
    }
    std::vector<Row> rows;
    for (std::size_t i = 0, target = 0, error = 0; i < listed.size(); ++i) {
        if (readable[i]) {
            rows.push_back(make_row(where.file, targets[target], stats[target], requested));
            ++target;
        } else {
            Row row;
            row.file = where.file;
            row.variable = unreadable[error].path;
            row.error = unreadable[error++].message;
            rows.push_back(std::move(row));
        }
    }
    if (format == "json") print_json(rows, requested);
    else if (format == "csv") print_csv(rows, requested);
    else print_table(rows, requested);
    return unreadable.empty() ? 0 : report_unreadable(where.file, unreadable);
}

}  // namespace chunkarr::cli
