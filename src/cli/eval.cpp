// `chunkarr eval EXPR FILE...`: an expression over the files' variables, computed out of core in
// one parallel pass, written to a NetCDF-4 or HDF5 file (or printed when it is one number).
#include <chunkarr/core/error.hpp>
#include <chunkarr/engine/explain.hpp>
#include <chunkarr/engine/store.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/io/variables.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "coordinates.hpp"
#include "expression/to_array.hpp"
#include "formatting.hpp"
#include "output_attributes.hpp"
#include "run_options.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

namespace chunkarr::cli {

namespace {

std::string function_lines() {
    std::string text;
    for (const auto& f : expression::function_reference()) {
        std::string call = std::string(f.name) + "(" + f.arguments + ")";
        text += "  " + call + std::string(call.size() < 24 ? 24 - call.size() : 1, ' ') + f.summary + "\n";
    }
    return text;
}

const std::string eval_help_text =
    "usage: chunkarr eval EXPR FILE... [-o OUT.nc[:NAME]] [options]\n"
    "\n"
    "Computes the expression EXPR over the variables of the HDF5 or NetCDF FILE, named as in the\n"
    "file (root group), out of core: chunks are read and computed in parallel on every core,\n"
    "inside a memory budget, in as few passes over the data as the expression needs (--explain\n"
    "shows them). Several FILEs (in the order given) or a quoted glob ('data/*.nc') are joined\n"
    "along their record (unlimited) dimension, as 'stats' joins them. Variables are CF-decoded\n"
    "first, as in 'stats': missing values (_FillValue, missing_value, valid range) become NaN,\n"
    "packed data is unpacked.\n"
    "The result goes to -o OUT.nc (NetCDF-4; OUT.h5: HDF5) as variable NAME (default: result)\n"
    "with the dimensions it keeps and their coordinate variables; a result that is one number\n"
    "is printed when there is no -o. The coordinate variables keep their attributes (units,\n"
    "calendar, ...: xarray decodes times as in the input), the result gets none, and the file a\n"
    "global 'history' line naming this command.\n"
    "\n"
    "the language:\n"
    "  numbers        2, 0.5, 1e-3 (float64: an integer variable + 1 is float64)\n"
    "  variables      t2m, precip: the file's variables by name\n"
    "  arithmetic     + - * / ** (power) % (remainder, sign of the divisor), unary -\n"
    "  comparisons    == != < <= > >=  (1 where true, 0 where false)\n"
    "  logic          & (and) | (or) ~ (not); they bind looser than comparisons:\n"
    "                 t2m > 273 & t2m < 300\n"
    "  parentheses    (a + b) * c\n"
    "  selection      by dimension name and position (0-based, negative from the end, as\n"
    "                 xarray's isel): t2m[time=0:12], t2m[time=::2], t2m[lat=10] (an index drops\n"
    "                 the dimension), t2m[time=-1, lat=0:5]\n"
    "  broadcasting   operands line up by dimension name, as in xarray: t2m - mean(t2m, \"time\")\n"
    "                 subtracts the time mean at every time; dimensions of the same name must\n"
    "                 have the same length\n"
    "\n"
    "functions (dim...: quoted dimension names, none: over all dimensions; the reductions skip\n"
    "missing values, as xarray's skipna and CDO do):\n" +
    function_lines() +
    "\n"
    "options:\n"
    "  --                       the end of the options: an EXPR that starts with '-' goes\n"
    "                           first or after it (chunkarr eval -o out.nc -- '-t2m' in.nc)\n"
    "  -o, --output OUT.nc[:NAME]  write the result there, atomically (on an error or Ctrl-C an\n"
    "                           existing OUT is left as it was); .nc/.nc4: NetCDF-4, .zarr: a\n"
    "                           Zarr store, else HDF5\n"
    "  --compression none|gzip  compress the output (shuffle + deflate, on every core)\n"
    "  --compression-level N    gzip level 1 (fast) to 9 (small) (default: 4)\n"
    "  --threads N              worker threads (default: one per physical core)\n"
    "  --memory-limit SIZE      working memory budget, e.g. 512MB or 2GiB (default: 1/4 of RAM)\n"
    "  --concat DIM             with several files: join them along DIM\n"
    "                           (default: the record/unlimited dimension)\n"
    "  --explain                print the computation graph, before and after optimization,\n"
    "                           its tasks and the bytes each file will read; compute nothing\n"
    "  --progress, --no-progress  show a progress bar on stderr (default: when stderr is a terminal)\n"
    "\n"
    "Errors name the problem and point at its column in EXPR: an unknown variable (the message\n"
    "lists those that exist), function or dimension, a wrong number of arguments, dimensions of\n"
    "the same name but different lengths, a syntax error.\n"
    "\n"
    "examples:\n"
    "  chunkarr eval 'mean(t2m, \"time\")' era5.nc -o climatology.nc\n"
    "  chunkarr eval 'std(t2m - mean(t2m, \"time\"), \"time\")' 'era5_*.nc' -o anomaly_std.nc:t2m_std\n"
    "  chunkarr eval 'quantile(precip, 0.99, \"time\")' 'precip_*.nc' -o p99.nc --compression gzip\n"
    "  chunkarr eval 'mean(t2m[time=0:12], \"lat\", \"lon\") - 273.15' era5.nc -o monthly.nc\n"
    "  chunkarr eval 'count(where(t2m > 300, t2m, 0 / 0))' era5.nc      # prints one number\n"
    "  chunkarr eval 'max(t2m, \"time\")' 2001.nc 2002.nc 2003.nc -o tmax.nc --threads 8 --memory-limit 4GB\n";

// The variables the expression may name: those at the root of the first file, by name.
std::vector<std::string> root_variables(const std::vector<std::string>& paths) {
    const std::string first = first_file(paths.front());
    std::vector<std::string> names;
    for (const auto& listed : list_variables(first)) {
        if (!listed.error.empty() || listed.path.find('/', 1) != std::string::npos) continue;
        names.push_back(listed.path.substr(1));
    }
    return names;
}

// Each dimension's coordinate variable (or none), by dimension name: opened once for all the
// variables an expression names (along a glob's joined axis, that is one open per file).
using Coordinates = std::map<std::string, std::optional<Coordinate>>;

// The variable `name` of the files as a labeled array: its dimension names (dim_0, ... where
// the file names none, as store() writes them) and their coordinate variables (kept in
// `coordinates`, whose attributes go to the output file).
std::variant<expression::LabeledArray, expression::LabeledComplex> open_variable(const std::vector<std::string>& paths,
                                                                                 const std::string& name,
                                                                                 const OpenSourceOptions& options,
                                                                                 Coordinates& coordinates) {
    const std::string path = "/" + name;
    // A complex variable: its real part gives the dimensions, which both parts share.
    const auto complex = open_complex_sources(paths, path, options);
    const SourcePtr source = complex ? complex->real : open_source(paths, path, options);
    OpenOptions decoding;
    decoding.mask_and_scale = !complex;  // complex values as stored (see open_complex)
    const Array array = open(source, decoding);
    const auto names = source->dimension_names();
    expression::LabeledArray labeled{array, {}};
    for (std::size_t axis = 0; axis < array.ndim(); ++axis) {
        expression::Dimension d{
            names.size() == array.ndim() ? dimension_basename(names[axis]) : "dim_" + std::to_string(axis),
            array.shape()[axis],
            {}};
        if (names.size() == array.ndim()) {
            auto known = coordinates.find(d.name);
            if (known == coordinates.end())
                known = coordinates.emplace(d.name, axis_coordinate(paths, *source, path, axis, d.name, options)).first;
            if (known->second && known->second->values.shape() == Shape{d.size}) d.coordinate = known->second->values;
        }
        labeled.dimensions.push_back(std::move(d));
    }
    if (complex)
        return expression::LabeledComplex{make_complex(array, open(complex->imag, decoding)), labeled.dimensions};
    return labeled;
}

std::string describe_dimensions(const expression::LabeledArray& value) {
    std::string text;
    for (const auto& d : value.dimensions) text += (text.empty() ? "" : ", ") + d.name + ": " + std::to_string(d.size);
    return "(" + text + ")";
}

// The coordinate variables of the result's dimensions, then the result, as store() writes them
// (the result last: the progress bar, which restarts for each, ends on the real work).
std::vector<StoreTarget> output_targets(const expression::LabeledArray& result, const std::string& name,
                                        const Coordinates& coordinates) {
    std::vector<std::string> dimensions;
    std::vector<StoreTarget> targets;
    for (const auto& d : result.dimensions) {
        dimensions.push_back(d.name);
        if (!d.coordinate || d.name == name) continue;
        const auto known = coordinates.find(d.name);
        const bool opened = known != coordinates.end() && known->second;
        targets.push_back({*d.coordinate,
                           d.name,
                           {d.name},
                           opened ? coordinate_attributes(known->second->attributes) : Attributes{}});
    }
    targets.push_back({result.array, name, dimensions});
    return targets;
}

}  // namespace

const std::string& eval_help() { return eval_help_text; }

int run_eval(const std::vector<std::string>& args) {
    // An expression that starts with '-' ("-t2m") would be taken for an unknown option: as the
    // first argument it is the expression (elsewhere it goes after "--").
    const auto specs = run_option_specs();
    const bool leading_expression = !args.empty() && args.front().size() > 1 && args.front()[0] == '-' &&
                                    args.front() != "--" && !find_option(args.front(), specs);
    ParsedArguments parsed =
        parse_arguments(leading_expression ? std::vector<std::string>(args.begin() + 1, args.end()) : args, specs);
    if (leading_expression) parsed.positional.insert(parsed.positional.begin(), args.front());
    if (parsed.positional.size() < 2)
        throw UsageError(parsed.positional.empty() ? "eval needs an expression and a FILE (see 'chunkarr eval --help')"
                                                   : "eval needs a FILE after the expression");
    const std::string text = parsed.positional.front();
    const std::vector<std::string> paths(parsed.positional.begin() + 1, parsed.positional.end());
    ComputeOptions options = compute_options_from(parsed);
    StoreOptions store_options = store_options_from(parsed, "--compression is for the -o output");
    OpenSourceOptions open_options;
    open_options.concat_dimension = parsed.value("--concat");

    Coordinates coordinates;
    // Mistakes in the expression: exit status 1, the message, the expression and a caret.
    const expression::LabeledArray result = [&] {
        try {
            const expression::NodePtr tree = expression::parse(text);
            const expression::Variables variables{
                [&](const std::string& name) { return open_variable(paths, name, open_options, coordinates); },
                root_variables(paths)};
            return expression::to_array(*tree, variables);
        } catch (const expression::ExpressionError& e) {
            throw std::runtime_error(expression::describe(e, text));
        }
    }();

    if (parsed.flags.count("--explain")) {
        std::cout << explain({result.array}, options.memory_limit);
        return 0;
    }
    const auto output = parsed.value("--output");
    if (!output && result.array.ndim() > 0)
        throw UsageError("the result has dimensions " + describe_dimensions(result) +
                         ": give -o OUT.nc to write it (only a single number is printed)");

    std::unique_ptr<ProgressBar> bar = progress_bar_for(parsed, "eval", options);
    if (!output) {
        const NDArray value = result.array.compute(options);
        bar.reset();
        const DType type = value.dtype();
        if (is_unsigned(type)) std::cout << value.value_as_uint64(0) << "\n";
        else if (is_integer(type) || is_bool(type)) std::cout << value.value_as_int64(0) << "\n";
        else std::cout << format_double(value.value_as_double(0)) << "\n";
        return 0;
    }
    const FileAndPath where = split_file_and_path(*output);
    const std::string name = where.path.empty() ? "result" : where.path;
    store_options.file_attributes = history_attributes("eval", args, paths.front());
    store(output_targets(result, name, coordinates), where.file, store_options, options);
    bar.reset();
    std::cout << "wrote " << where.file << ":" << name << " " << describe_dimensions(result) << "\n";
    return 0;
}

}  // namespace chunkarr::cli
