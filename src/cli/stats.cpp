// `chunkarr stats FILE[:PATH]`: summary statistics in one parallel pass, inside a memory budget.
#include <chunkarr/core/error.hpp>
#include <chunkarr/engine/explain.hpp>
#include <chunkarr/engine/stats.hpp>
#include <chunkarr/engine/store.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/io/variables.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "formatting.hpp"
#include "progress_bar.hpp"

#include <atomic>
#include <cmath>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

namespace chunkarr::cli {

const char* const stats_help =
    "usage: chunkarr stats FILE[:PATH] [options]\n"
    "\n"
    "count, missing, min, max, mean, std and sum of the variable PATH in the HDF5 or NetCDF file\n"
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
    "  --axis A[,B...]          reduce along these axes only (negative counts from the end);\n"
    "                           the result arrays go to the file given with -o\n"
    "  -o, --output OUT.h5      where --axis results are written (one group per dataset with\n"
    "                           count, missing, min, max, mean, std, sum); OUT.nc writes\n"
    "                           NetCDF-4 with the variable's dimension names; written atomically\n"
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
    "  chunkarr stats era5.h5:/t2m --axis 0 -o climatology.h5\n"
    "  chunkarr stats era5.nc:t2m --axis 0 -o climatology.nc --compression gzip\n"
    "  chunkarr stats 'era5_*.nc:t2m' --per time --format csv\n";

namespace {

struct Target {
    std::string path;
    DType stored;
    bool exact_integers;  // integer data without packing: min, max and sum print as integers
    Array array;
    SourcePtr source;
};

std::string with_leading_slash(const std::string& path) { return path.empty() || path[0] != '/' ? "/" + path : path; }

// The printable value of element `i` of a per-dataset statistic; nullopt when undefined.
struct Row {
    std::string file, variable, dtype;
    Shape shape;
    std::int64_t count = 0, missing = 0;
    std::optional<std::string> min, max, mean, std, sum;  // JSON number text
    std::optional<double> min_v, max_v, mean_v, std_v, sum_v;
    std::optional<std::string> error;  // the dataset cannot be read: why (the rest is empty)
};

Row make_row(const std::string& file, const Target& t, const Statistics& s, Index i = 0) {
    Row row;
    row.file = file;
    row.variable = t.path;
    row.dtype = dtype_name(t.stored);
    row.shape = t.array.shape();
    row.count = s.count.value_as_int64(i);
    row.missing = s.missing.value_as_int64(i);
    if (row.count == 0) return row;
    auto exact = [&](const NDArray& a) {
        if (is_unsigned(a.dtype())) return std::to_string(a.value_as_uint64(i));
        if (is_integer(a.dtype()) || is_bool(a.dtype())) return std::to_string(a.value_as_int64(i));
        const double v = a.value_as_double(i);
        return std::to_string(static_cast<long long>(v));
    };
    const bool exact_ints = t.exact_integers;
    row.min_v = s.min.value_as_double(i);
    row.max_v = s.max.value_as_double(i);
    row.mean_v = s.mean.value_as_double(i);
    row.std_v = s.std.value_as_double(i);
    row.sum_v = s.sum.value_as_double(i);
    row.min = exact_ints ? exact(s.min_exact) : format_double(*row.min_v);
    row.max = exact_ints ? exact(s.max_exact) : format_double(*row.max_v);
    row.sum = exact_ints ? exact(s.sum) : format_double(*row.sum_v);
    row.mean = format_double(*row.mean_v);
    row.std = format_double(*row.std_v);
    return row;
}

void print_json(const std::vector<Row>& rows) {
    auto field = [](const std::optional<std::string>& v) { return v ? *v : std::string("null"); };
    std::cout << "[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        std::cout << (i ? ",\n " : "\n ") << "{\"file\": " << json_string(r.file)
                  << ", \"variable\": " << json_string(r.variable);
        if (r.error) {
            std::cout << ", \"shape\": null, \"dtype\": null, \"count\": null, \"missing\": null, \"min\": null, "
                         "\"max\": null, \"mean\": null, \"std\": null, \"sum\": null, \"error\": "
                      << json_string(*r.error) << "}";
            continue;
        }
        std::cout << ", \"shape\": " << json_shape(r.shape) << ", \"dtype\": " << json_string(r.dtype)
                  << ", \"count\": " << r.count << ", \"missing\": " << r.missing << ", \"min\": " << field(r.min)
                  << ", \"max\": " << field(r.max) << ", \"mean\": " << field(r.mean) << ", \"std\": " << field(r.std)
                  << ", \"sum\": " << field(r.sum) << "}";
    }
    std::cout << (rows.empty() ? "]\n" : "\n]\n");
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

bool any_error(const std::vector<Row>& rows) {
    return std::any_of(rows.begin(), rows.end(), [](const Row& r) { return r.error.has_value(); });
}

// With datasets that cannot be read, a last column "error" (empty for the others).
void print_csv(const std::vector<Row>& rows) {
    const bool errors = any_error(rows);
    std::cout << "file,variable,shape,dtype,count,missing,min,max,mean,std,sum" << (errors ? ",error\n" : "\n");
    for (const Row& r : rows) {
        if (r.error) {
            std::cout << csv_field(r.file) << ',' << csv_field(r.variable) << ",,,,,,,,,," << csv_field(*r.error)
                      << '\n';
            continue;
        }
        std::string shape;
        for (std::size_t i = 0; i < r.shape.size(); ++i) {
            if (i) shape += 'x';
            shape += std::to_string(r.shape[i]);
        }
        auto field = [](const std::optional<std::string>& v) { return v ? *v : std::string(); };
        std::cout << csv_field(r.file) << ',' << csv_field(r.variable) << ',' << shape << ',' << r.dtype << ','
                  << r.count << ',' << r.missing << ',' << field(r.min) << ',' << field(r.max) << ',' << field(r.mean)
                  << ',' << field(r.std) << ',' << field(r.sum) << (errors ? ",\n" : "\n");
    }
}

// With datasets that cannot be read, a last column "error".
void print_table(const std::vector<Row>& rows) {
    const bool errors = any_error(rows);
    std::vector<std::vector<std::string>> table{
        {"variable", "shape", "dtype", "count", "missing", "min", "max", "mean", "std", "sum"}};
    if (errors) table.front().push_back("error");
    auto shown = [](const std::optional<std::string>& exact, const std::optional<double>& v, bool integers) {
        if (!v) return std::string("-");
        return integers ? *exact : format_short(*v);
    };
    for (const Row& r : rows) {
        if (r.error) {
            table.push_back(
                {r.variable, "-", "-", "-", "-", "-", "-", "-", "-", "-", row_reason({r.variable, *r.error}, r.file)});
            continue;
        }
        const bool ints = r.min && r.min->find_first_of(".eEIN") == std::string::npos;
        table.push_back({r.variable, shape_to_string(r.shape), r.dtype, std::to_string(r.count),
                         std::to_string(r.missing), shown(r.min, r.min_v, ints), shown(r.max, r.max_v, ints),
                         shown(r.mean, r.mean_v, false), shown(r.std, r.std_v, false), shown(r.sum, r.sum_v, ints)});
        if (errors) table.back().push_back("");
    }
    std::cout << render_table(table);
}

// One group per variable with count, missing, min, max, mean, std and sum, through store():
// HDF5, or NetCDF-4 for .nc outputs (dimensions named after the variable's kept dimensions).
void write_axis_results(const std::string& output, const std::vector<Target>& targets,
                        const std::vector<Statistics>& stats, const std::vector<int>& axes,
                        const StoreOptions& store_options, const ComputeOptions& options) {
    std::vector<StoreTarget> arrays;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const std::string group = targets[i].path == "/" ? "" : targets[i].path;
        const Statistics& s = stats[i];
        std::vector<std::string> dimensions;
        const auto names = targets[i].source->dimension_names();
        const auto reduced = normalize_axes(axes, targets[i].array.ndim());
        if (names.size() == targets[i].array.ndim()) {
            for (std::size_t axis = 0; axis < names.size(); ++axis) {
                if (std::find(reduced.begin(), reduced.end(), static_cast<int>(axis)) != reduced.end()) continue;
                std::string name = names[axis];
                if (auto slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
                dimensions.push_back(name);
            }
        }
        auto add = [&](const std::string& name, const NDArray& values) {
            arrays.push_back({from_ndarray(values), group + "/" + name, dimensions});
        };
        add("count", s.count);
        add("missing", s.missing);
        add("min", s.min);
        add("max", s.max);
        add("mean", s.mean);
        add("std", s.std);
        add("sum", targets[i].exact_integers ? s.sum.astype(is_unsigned(s.sum.dtype()) ? DType::UInt64 : DType::Int64)
                                             : s.sum.astype(DType::Float64));
    }
    store(arrays, output, store_options, options);
}

// Per-element "statistics" of a 1-d array: each value alone (missing when NaN).
Statistics single_value_statistics(const NDArray& values) {
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
                 values};
    for (Index i = 0; i < v.size(); ++i) {
        const bool valid = !std::isnan(v.data_as<double>()[i]);
        s.count.data_as<std::int64_t>()[i] = valid;
        s.missing.data_as<std::int64_t>()[i] = !valid;
        s.std.data_as<double>()[i] = valid ? 0.0 : std::nan("");
    }
    return s;
}

// The coordinate variable of `dimension` (a variable of that name beside the target), or none.
std::optional<NDArray> coordinate_values(const std::string& file, const Target& target, const std::string& dimension,
                                         const OpenSourceOptions& options) {
    // Look in the variable's group, then in its parents (netCDF scoping of dimensions).
    std::string group = target.path.substr(0, target.path.rfind('/'));
    while (true) {
        try {
            const SourcePtr source = open_source(file, group + "/" + dimension, options);
            if (source->shape().size() == 1) return open(source).compute().astype(DType::Float64);
        } catch (const Error&) {}
        if (group.empty()) return std::nullopt;
        group = group.substr(0, group.rfind('/'));
    }
}

void print_per_index(const std::string& format, const std::string& file, const Target& target,
                     const std::string& dimension, const std::optional<NDArray>& coordinates, const Statistics& s) {
    const Index n = s.count.size();
    auto coordinate = [&](Index i) -> std::optional<double> {
        if (!coordinates || coordinates->size() != n) return std::nullopt;
        return coordinates->value_as_double(i);
    };
    auto field = [](const std::optional<std::string>& v, const char* none) { return v ? *v : std::string(none); };
    if (format == "json") {
        std::cout << "[";
        for (Index i = 0; i < n; ++i) {
            const Row r = make_row(file, target, s, i);
            const auto c = coordinate(i);
            std::cout << (i ? ",\n " : "\n ") << "{\"file\": " << json_string(file)
                      << ", \"variable\": " << json_string(target.path) << ", \"dimension\": " << json_string(dimension)
                      << ", \"index\": " << i << ", \"coordinate\": " << (c ? format_double(*c) : "null")
                      << ", \"count\": " << r.count << ", \"missing\": " << r.missing
                      << ", \"min\": " << field(r.min, "null") << ", \"max\": " << field(r.max, "null")
                      << ", \"mean\": " << field(r.mean, "null") << ", \"std\": " << field(r.std, "null")
                      << ", \"sum\": " << field(r.sum, "null") << "}";
        }
        std::cout << (n ? "\n]\n" : "]\n");
    } else if (format == "csv") {
        std::cout << "file,variable,dimension,index,coordinate,count,missing,min,max,mean,std,sum\n";
        for (Index i = 0; i < n; ++i) {
            const Row r = make_row(file, target, s, i);
            const auto c = coordinate(i);
            std::cout << csv_field(file) << ',' << csv_field(target.path) << ',' << csv_field(dimension) << ',' << i
                      << ',' << (c ? format_double(*c) : "") << ',' << r.count << ',' << r.missing << ','
                      << field(r.min, "") << ',' << field(r.max, "") << ',' << field(r.mean, "") << ','
                      << field(r.std, "") << ',' << field(r.sum, "") << '\n';
        }
    } else {
        std::vector<std::vector<std::string>> table{
            {dimension, "coordinate", "count", "missing", "min", "mean", "max", "std", "sum"}};
        for (Index i = 0; i < n; ++i) {
            const Row r = make_row(file, target, s, i);
            const auto c = coordinate(i);
            auto shown = [](const std::optional<double>& v) { return v ? format_short(*v) : std::string("-"); };
            table.push_back({std::to_string(i), c ? format_short(*c) : "-", std::to_string(r.count),
                             std::to_string(r.missing), shown(r.min_v), shown(r.mean_v), shown(r.max_v), shown(r.std_v),
                             shown(r.sum_v)});
        }
        std::cout << target.path << " per " << dimension << ":\n" << render_table(table);
    }
}

// Ctrl-C (SIGINT) and SIGTERM cancel the computation: it stops within a task, the -o output's
// temporary file is removed, and main() exits with 130. A second Ctrl-C kills at once.
std::atomic<bool> interrupted{false};

void on_interrupt(int) { interrupted.store(true); }

void cancel_on_interrupt(ComputeOptions& options) {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    options.cancel = &interrupted;
}

}  // namespace

int run_stats(const std::vector<std::string>& args) {
    const ParsedArguments parsed = parse_arguments(args, {{{"--format"}, true},
                                                          {{"--axis"}, true},
                                                          {{"-o", "--output"}, true},
                                                          {{"--threads"}, true},
                                                          {{"--memory-limit"}, true},
                                                          {{"--ddof"}, true},
                                                          {{"--progress"}, false},
                                                          {{"--no-progress"}, false},
                                                          {{"--per"}, true},
                                                          {{"--concat"}, true},
                                                          {{"--explain"}, false},
                                                          {{"--compression"}, true},
                                                          {{"--compression-level"}, true}});
    if (parsed.positional.size() != 1)
        throw UsageError(parsed.positional.empty()
                             ? "stats needs a FILE[:PATH] (see 'chunkarr stats --help')"
                             : "stats takes one FILE[:PATH], got " + std::to_string(parsed.positional.size()));
    const std::string format = parsed.value("--format").value_or("table");
    if (format != "table" && format != "json" && format != "csv")
        throw UsageError("--format must be table, json or csv, got '" + format + "'");
    ComputeOptions options;
    cancel_on_interrupt(options);
    if (auto v = parsed.value("--threads")) options.threads = parse_positive_int(*v, "--threads");
    if (auto v = parsed.value("--memory-limit")) options.memory_limit = parse_byte_size(*v, "--memory-limit");
    const int ddof = parsed.value("--ddof") ? parse_non_negative_int(*parsed.value("--ddof"), "--ddof") : 0;
    std::optional<std::vector<int>> axes;
    if (auto v = parsed.value("--axis")) axes = parse_axes(*v, "--axis");
    const auto output = parsed.value("--output");
    if (axes && !output) throw UsageError("--axis writes arrays: give the output file with -o OUT.h5");
    if (output && !axes) throw UsageError("-o is for --axis results; without --axis the statistics go to stdout");
    StoreOptions store_options;
    if (auto v = parsed.value("--compression")) {
        if (*v != "none" && *v != "gzip") throw UsageError("--compression must be none or gzip, got '" + *v + "'");
        store_options.compression = *v;
    }
    if (auto v = parsed.value("--compression-level")) {
        store_options.compression_level = parse_positive_int(*v, "--compression-level");
        if (store_options.compression_level > 9) throw UsageError("--compression-level must be 1 to 9, got " + *v);
        if (store_options.compression.empty()) store_options.compression = "gzip";
    }
    if ((parsed.value("--compression") || parsed.value("--compression-level")) && !output)
        throw UsageError("--compression is for the -o output of --axis");
    const auto per = parsed.value("--per");
    if (per && axes) throw UsageError("--per and --axis cannot be combined");

    const FileAndPath where = split_file_and_path(parsed.positional.front());
    OpenSourceOptions open_options;
    open_options.concat_dimension = parsed.value("--concat");
    // Every variable of the file, or the one asked for. Of a whole file, what cannot be read (the
    // listing says so, or opening fails) is a row of the output and the exit status is 1.
    const bool whole_file = where.path.empty();
    std::vector<ListedVariable> listed;
    if (whole_file) listed = list_variables(is_glob_pattern(where.file) ? expand_glob(where.file).front() : where.file);
    else listed.push_back({with_leading_slash(where.path), {}});

    std::vector<Target> targets;
    std::vector<Unreadable> unreadable;
    std::vector<bool> readable;  // per listed variable: a target (else an entry of `unreadable`)
    for (const auto& [path, error] : listed) {
        std::string why = error;
        SourcePtr source;
        if (why.empty()) {
            try {
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
        if (axes) {
            try {
                normalize_axes(*axes, targets.back().array.ndim());
            } catch (const ValueError& e) {
                throw UsageError(std::string("--axis: ") + e.what() + " (" + targets.back().path + " has shape " +
                                 shape_to_string(targets.back().array.shape()) + ")");
            }
        }
    }

    // Modes that write a file or need one variable do not go on without every variable.
    if (!unreadable.empty() && (axes || per || parsed.flags.count("--explain")))
        throw IOError(unreadable_message(where.file, unreadable));

    // --per DIM: statistics over every axis but DIM, one row per index of it.
    std::optional<std::size_t> per_axis;
    if (per) {
        if (targets.size() != 1) throw UsageError("--per needs one variable: give FILE:VAR");
        const auto names = targets.front().source->dimension_names();
        const auto it = std::find(names.begin(), names.end(), *per);
        if (it == names.end())
            throw UsageError("--per: " + *per + " is not a dimension of " + targets.front().path +
                             (names.empty() ? " (it has no named dimensions)" : ""));
        per_axis = static_cast<std::size_t>(it - names.begin());
        axes = std::vector<int>{};
        for (std::size_t axis = 0; axis < names.size(); ++axis)
            if (axis != *per_axis) axes->push_back(static_cast<int>(axis));
        if (axes->empty()) axes.reset();  // 1-d: every index is its own row
    }

    if (parsed.flags.count("--explain")) {
        // What would run, without running it.
        std::vector<Array> arrays;
        for (const auto& t : targets) arrays.push_back(t.array);
        std::cout << explain(statistics_reductions(arrays, axes.value_or(Axes{}), ddof));
        return 0;
    }

    const bool show_progress =
        parsed.flags.count("--progress") || (!parsed.flags.count("--no-progress") && ::isatty(STDERR_FILENO));
    std::unique_ptr<ProgressBar> bar;
    if (show_progress) {
        bar = std::make_unique<ProgressBar>("stats");
        options.progress = [&bar](const Progress& p) { bar->update(p); };
    }
    std::vector<Array> arrays;
    for (const auto& t : targets) arrays.push_back(t.array);
    // A 1-d variable --per its only dimension: each row is one value.
    const std::vector<Statistics> stats =
        per_axis && !axes ? std::vector<Statistics>{single_value_statistics(arrays.front().compute(options))}
                          : statistics(arrays, axes.value_or(Axes{}), ddof, options);
    bar.reset();

    if (per_axis) {
        print_per_index(format, where.file, targets.front(), *per,
                        coordinate_values(where.file, targets.front(), *per, open_options), stats.front());
        return 0;
    }

    if (axes) {
        options.progress = {};  // the bar is gone; writing the small results is quick
        write_axis_results(*output, targets, stats, *axes, store_options, options);
        std::cout << "wrote " << *output << " (" << targets.size() << " dataset" << (targets.size() == 1 ? "" : "s")
                  << ")\n";
        return 0;
    }
    std::vector<Row> rows;
    for (std::size_t i = 0, target = 0, error = 0; i < listed.size(); ++i) {
        if (readable[i]) {
            rows.push_back(make_row(where.file, targets[target], stats[target]));
            ++target;
        } else {
            Row row;
            row.file = where.file;
            row.variable = unreadable[error].path;
            row.error = unreadable[error++].message;
            rows.push_back(std::move(row));
        }
    }
    if (format == "json") print_json(rows);
    else if (format == "csv") print_csv(rows);
    else print_table(rows);
    return unreadable.empty() ? 0 : report_unreadable(where.file, unreadable);
}

}  // namespace chunkarr::cli
