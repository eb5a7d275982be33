// The `chunkarr._chunkarr` extension: the engine's Array, sources and compute for Python. The
// Pythonic surface (operators, NumPy protocols, repr) lives in python/chunkarr/__init__.py.
#include "block_function.hpp"
#include "numpy_source.hpp"

#include <chunkarr/chunkarr.hpp>
#include <chunkarr/kernels/linalg.hpp>
#include <chunkarr/exec/store.hpp>
#include "io/hdf5/lock.hpp"
#include <chunkarr/optimize/optimizer.hpp>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace py = pybind11;
using namespace chunkarr;

namespace {

DType dtype_from_name(const std::string& name) {
    if (auto dtype = parse_dtype(name)) return *dtype;
    throw py::type_error("chunkarr does not support dtype " + name);
}

ChunkGrid grid_from(const std::vector<std::vector<Index>>& chunks) { return ChunkGrid(chunks); }

// A Python operand: an Array, or a number that adapts to the array it meets (weak scalar).
NodePtr operand(const py::handle& value) {
    if (py::isinstance<Array>(value)) return value.cast<const Array&>().node();
    py::object v = py::reinterpret_borrow<py::object>(value);
    if (py::hasattr(v, "dtype") && py::hasattr(v, "item") && !py::isinstance<py::array>(v)) {   // NumPy scalar
        const auto dtype = parse_dtype(std::string(py::str(v.attr("dtype").attr("name"))));
        if (!dtype) throw py::type_error("unsupported scalar dtype " + std::string(py::str(v.attr("dtype"))));
        return make_scalar_node(v.attr("item")().cast<double>(), *dtype, true);
    }
    if (py::isinstance<py::bool_>(v)) return make_scalar_node(v.cast<bool>() ? 1.0 : 0.0, DType::Bool, true);
    if (py::isinstance<py::int_>(v)) return make_scalar_node(static_cast<double>(v.cast<long long>()), DType::Int64, true);
    if (py::isinstance<py::float_>(v)) return make_scalar_node(v.cast<double>(), DType::Float64, true);
    throw py::type_error("unsupported operand type " + std::string(py::str(py::type::of(value))));
}

const std::map<std::string, BinaryOp>& binary_ops() {
    static const std::map<std::string, BinaryOp> ops{
        {"add", BinaryOp::Add},           {"subtract", BinaryOp::Subtract}, {"multiply", BinaryOp::Multiply},
        {"divide", BinaryOp::Divide},     {"power", BinaryOp::Power},       {"maximum", BinaryOp::Maximum},
        {"minimum", BinaryOp::Minimum},   {"equal", BinaryOp::Equal},       {"not_equal", BinaryOp::NotEqual},
        {"less", BinaryOp::Less},         {"less_equal", BinaryOp::LessEqual}, {"greater", BinaryOp::Greater},
        {"greater_equal", BinaryOp::GreaterEqual}, {"logical_and", BinaryOp::LogicalAnd},
        {"logical_or", BinaryOp::LogicalOr}};
    return ops;
}

const std::map<std::string, UnaryOp>& unary_ops() {
    static const std::map<std::string, UnaryOp> ops{
        {"negative", UnaryOp::Negative}, {"abs", UnaryOp::Abs},     {"sqrt", UnaryOp::Sqrt},
        {"exp", UnaryOp::Exp},           {"log", UnaryOp::Log},     {"log10", UnaryOp::Log10},
        {"sin", UnaryOp::Sin},           {"cos", UnaryOp::Cos},     {"tan", UnaryOp::Tan},
        {"floor", UnaryOp::Floor},       {"ceil", UnaryOp::Ceil},   {"isnan", UnaryOp::IsNan},
        {"isfinite", UnaryOp::IsFinite}, {"logical_not", UnaryOp::LogicalNot}};
    return ops;
}

Array reduce(const Array& x, const std::string& op, std::optional<std::vector<int>> axes, bool keepdims, int ddof) {
    const Axes a = axes.value_or(Axes{});
    if (axes && axes->empty()) return x;   // axis=() reduces nothing
    if (op == "sum") return x.sum(a, keepdims);
    if (op == "mean") return x.mean(a, keepdims);
    if (op == "min") return x.min(a, keepdims);
    if (op == "max") return x.max(a, keepdims);
    if (op == "var") return x.var(a, keepdims, ddof);
    if (op == "std") return x.std(a, keepdims, ddof);
    if (op == "count") return x.count(a, keepdims);
    if (op == "any") return x.any(a, keepdims);
    if (op == "all") return x.all(a, keepdims);
    if (op == "nansum") return x.nansum(a, keepdims);
    if (op == "nanmean") return x.nanmean(a, keepdims);
    if (op == "nanmin") return x.nanmin(a, keepdims);
    if (op == "nanmax") return x.nanmax(a, keepdims);
    if (op == "nanvar") return x.nanvar(a, keepdims, ddof);
    if (op == "nanstd") return x.nanstd(a, keepdims, ddof);
    throw py::value_error("unknown reduction " + op);
}

py::array to_numpy(const NDArray& result) {
    auto* owner = new NDArray(result);
    py::capsule free_when_done(owner, [](void* p) { delete static_cast<NDArray*>(p); });
    std::vector<py::ssize_t> shape(owner->shape().begin(), owner->shape().end());
    std::vector<py::ssize_t> strides(shape.size());
    py::ssize_t step = static_cast<py::ssize_t>(itemsize(owner->dtype()));
    for (std::size_t axis = shape.size(); axis-- > 0;) {
        strides[axis] = step;
        step *= std::max<py::ssize_t>(shape[axis], 1);
    }
    return py::array(py::dtype(std::string(dtype_name(owner->dtype()))), shape, strides, owner->data(), free_when_done);
}

// Runs `work` on a worker thread while this thread, holding the GIL now and then, reports
// progress and watches for Ctrl-C: KeyboardInterrupt cancels the computation within ~0.1 s.
void run_interruptibly(const std::function<void(const ComputeOptions&)>& work, int threads, std::size_t memory_limit,
                       const py::object& progress, const std::string& temp_dir = {}) {
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::condition_variable done_signal;
    bool done = false;
    Progress latest;
    std::exception_ptr error;
    ComputeOptions options;
    options.threads = threads;
    options.memory_limit = memory_limit;
    options.temp_directory = temp_dir;
    options.cancel = &cancel;
    options.progress = [&](const Progress& p) {
        std::lock_guard lock(mutex);
        latest = p;
    };
    bool interrupted = false;
    std::optional<py::error_already_set> callback_error;   // raised by the progress callback
    {
        py::gil_scoped_release release;
        std::thread worker([&] {
            try {
                work(options);
            } catch (...) {
                error = std::current_exception();
            }
            std::lock_guard lock(mutex);
            done = true;
            done_signal.notify_all();
        });
        while (true) {
            Progress snapshot;
            {
                std::unique_lock lock(mutex);
                if (done_signal.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; })) break;
                snapshot = latest;
            }
            py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) {   // the KeyboardInterrupt stays pending
                interrupted = true;
                cancel = true;
                break;
            }
            if (!progress.is_none()) {
                try {
                    progress(snapshot.tasks_done, snapshot.tasks_total, snapshot.bytes_done, snapshot.bytes_total);
                } catch (py::error_already_set& e) {
                    // Stop the computation, wait for the worker, then raise (a joinable thread
                    // must never be left behind).
                    callback_error = std::move(e);
                    cancel = true;
                    break;
                }
            }
        }
        worker.join();
    }
    if (callback_error) throw std::move(*callback_error);
    if (interrupted) throw py::error_already_set();
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const UserCodeError& e) {
            if (!e.original()) throw;
            try {
                std::rethrow_exception(e.original());   // the function's own exception
            } catch (py::error_already_set& raised) {
                // Python 3.11+: a note names the block it failed on.
                const std::string what = e.what();
                const auto at = what.rfind(" (chunk ");
                py::object value = raised.value();
                if (at != std::string::npos && py::hasattr(value, "add_note"))
                    value.attr("add_note")("raised by the map_blocks function on " + what.substr(at + 2, what.size() - at - 3));
                throw;
            }
        }
    }
    if (!progress.is_none()) progress(latest.tasks_total, latest.tasks_total, latest.bytes_total, latest.bytes_total);
}

py::list compute_arrays(const std::vector<Array>& arrays, int threads, std::size_t memory_limit, py::object progress,
                        const std::string& temp_dir) {
    std::vector<NDArray> results;
    run_interruptibly([&](const ComputeOptions& options) { results = chunkarr::compute(arrays, options); }, threads,
                      memory_limit, progress, temp_dir);
    py::list out;
    for (const auto& r : results) out.append(to_numpy(r));
    return out;
}

// store() of (array, name, dimension names) triples into one file.
void store_arrays(const std::vector<std::tuple<Array, std::string, std::vector<std::string>>>& targets, const std::string& path,
                  std::optional<Shape> chunks, const std::string& compression, int level, std::optional<bool> shuffle,
                  const std::string& format, int threads, std::size_t memory_limit, py::object progress) {
    StoreOptions store_options;
    if (chunks) store_options.chunks = *chunks;
    store_options.compression = compression;
    store_options.compression_level = level;
    store_options.shuffle = shuffle;
    if (format == "hdf5") store_options.format = StoreFormat::HDF5;
    else if (format == "netcdf4") store_options.format = StoreFormat::NetCDF4;
    else if (format != "auto") throw py::value_error("format must be 'hdf5', 'netcdf4' or 'auto', got '" + format + "'");
    std::vector<StoreTarget> list;
    for (const auto& [array, name, dims] : targets) list.push_back({array, name, dims});
    run_interruptibly([&](const ComputeOptions& options) { store(list, path, store_options, options); }, threads, memory_limit,
                      progress);
}

std::vector<Indexer> indexers(const py::tuple& index) {
    std::vector<Indexer> result;
    for (const auto& item : index) {
        if (py::isinstance<py::slice>(item)) {
            auto get = [&](const char* name) -> std::optional<Index> {
                py::object v = item.attr(name);
                if (v.is_none()) return std::nullopt;
                return v.cast<Index>();
            };
            Slice s{get("start"), get("stop"), get("step").value_or(1)};
            result.emplace_back(s);
        } else {
            result.emplace_back(item.cast<Index>());
        }
    }
    return result;
}

}  // namespace

PYBIND11_MODULE(_chunkarr, m) {
    m.doc() = "chunkarr engine bindings; use the chunkarr package";
    // HDF5's error printing is per thread in thread-safe builds, and libnetcdf switches it off
    // only on the thread that first uses it: when that is one of ours (to_netcdf runs on a
    // worker thread), the importing thread would print HDF5-DIAG noise in later netCDF4/xarray
    // reads. Switch it off here, as libnetcdf would have.
    { hdf5::Lock quiet; }

    // C++ errors as the Python exceptions users expect.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const UserCodeError& e) {
            if (e.original()) std::rethrow_exception(e.original());   // a later translator raises it
            PyErr_SetString(PyExc_RuntimeError, e.what());
        } catch (const CancelledError& e) {
            PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
        } catch (const KeyError& e) {
            PyErr_SetString(PyExc_KeyError, e.what());
        } catch (const MemoryBudgetError& e) {
            PyErr_SetString(PyExc_MemoryError, e.what());
        } catch (const IOError& e) {
            PyErr_SetString(PyExc_OSError, e.what());
        } catch (const FormatError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const ValueError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const Error& e) {
            PyErr_SetString(PyExc_RuntimeError, e.what());
        }
    });

    py::class_<Array>(m, "_Array")
        .def_property_readonly("shape", [](const Array& a) { return py::tuple(py::cast(a.shape())); })
        .def_property_readonly("dtype", [](const Array& a) { return std::string(dtype_name(a.dtype())); })
        .def_property_readonly("chunks", [](const Array& a) { return a.chunks().chunks(); })
        .def("astype", [](const Array& a, const std::string& dtype) { return a.astype(dtype_from_name(dtype)); })
        .def("rechunk", [](const Array& a, const std::vector<std::vector<Index>>& chunks) { return a.rechunk(grid_from(chunks)); })
        .def("getitem", [](const Array& a, const py::tuple& index) { return a[indexers(index)]; })
        .def("reduce", &reduce, py::arg("op"), py::arg("axes"), py::arg("keepdims") = false, py::arg("ddof") = 0);

    m.def("binary", [](const std::string& op, const py::object& a, const py::object& b) {
        const auto it = binary_ops().find(op);
        if (it == binary_ops().end()) throw py::value_error("unknown operation " + op);
        return Array(make_binary_node(it->second, operand(a), operand(b)));
    });
    m.def("unary", [](const std::string& op, const Array& x) {
        const auto it = unary_ops().find(op);
        if (it == unary_ops().end()) throw py::value_error("unknown operation " + op);
        return Array(make_unary_node(it->second, x.node()));
    });
    m.def("expand_dims", [](const Array& x, const std::vector<int>& axes) { return expand_dims(x, axes); });
    m.def("squeeze", [](const Array& x, const std::vector<int>& axes) { return squeeze(x, axes); });
    m.def("moveaxis", [](const Array& x, int source, int destination) { return moveaxis(x, source, destination); });
    m.def("stack", [](const std::vector<Array>& arrays, int axis) { return stack(arrays, axis); });
    m.def("broadcast_to", [](const Array& x, const Shape& shape) { return broadcast_to(x, shape); });
    m.def("histogram", [](const Array& x, int bins, std::optional<std::pair<double, double>> range) {
        return histogram(x, bins, range);
    });
    m.def("histogram_edges", [](const Array& x, const std::vector<double>& edges) { return histogram(x, edges); });
    // q flattened with its shape; mode "linear", "exact" (integer q) or "median".
    m.def("quantile", [](const Array& x, std::vector<double> q, const Shape& q_shape, std::optional<std::vector<int>> axes,
                         bool keepdims, bool skipna, const std::string& mode) {
        const QuantileMode m = mode == "median" ? QuantileMode::Median : mode == "exact" ? QuantileMode::Exact : QuantileMode::Linear;
        return quantile(x, std::move(q), q_shape, axes.value_or(std::vector<int>{}), keepdims, skipna, m);
    });
    m.def("cumsum", [](const Array& x, int axis) { return cumsum(x, axis); });
    m.def("cumprod", [](const Array& x, int axis) { return cumprod(x, axis); });
    m.def("reshape", [](const Array& x, const std::vector<Index>& shape) { return reshape(x, shape); });
    m.def("map_blocks",
          [](py::function function, const std::vector<Array>& arrays, const std::string& dtype,
             std::optional<std::vector<std::vector<Index>>> chunks, std::optional<std::vector<Index>> depth,
             const std::vector<std::string>& boundary, const std::vector<double>& value, bool trim, const std::string& name, bool block_id,
             bool block_info) {
              auto f = std::make_shared<BlockFunction>(
                  BlockFunction{name, python::python_block_function(std::move(function), block_id, block_info)});
              std::vector<NodePtr> nodes;
              for (const auto& a : arrays) nodes.push_back(a.node());
              std::optional<ChunkGrid> grid;
              if (chunks) grid = ChunkGrid(*chunks);
              std::optional<Overlap> overlap;
              std::vector<Boundary> boundaries;
              for (const auto& name : boundary) boundaries.push_back(parse_boundary(name));
              if (depth) overlap = Overlap{*depth, std::move(boundaries), value, trim};
              return Array(make_map_blocks_node(std::move(nodes), std::move(f), dtype_from_name(dtype), grid, overlap));
          },
          py::arg("function"), py::arg("arrays"), py::arg("dtype"), py::arg("chunks"), py::arg("depth"),
          py::arg("boundary"), py::arg("value"), py::arg("trim"), py::arg("name"), py::arg("block_id"),
          py::arg("block_info"));
    m.def("argmin", [](const Array& x, std::optional<int> axis) { return argmin(x, axis); });
    m.def("argmax", [](const Array& x, std::optional<int> axis) { return argmax(x, axis); });
    m.def("clip", [](const Array& x, double low, double high) { return clip(x, low, high); });
    m.def("transpose", [](const Array& x, std::vector<int> order) { return transpose(x, std::move(order)); });
    m.def("matmul", [](const Array& a, const Array& b) { return matmul(a, b); });
    m.def("dot", [](const Array& a, const Array& b) { return dot(a, b); });
    m.def("tensordot", [](const Array& a, const Array& b, const std::vector<int>& a_axes, const std::vector<int>& b_axes) {
        return tensordot(a, b, a_axes, b_axes);
    });
    m.def("tensordot_n", [](const Array& a, const Array& b, int axes) { return tensordot(a, b, axes); });
    m.def("blas_name", [] { return std::string(kernels::blas_name()); });
    m.def("concatenate", [](const std::vector<Array>& arrays, int axis) { return concatenate(arrays, axis); });
    m.def("where", [](const py::object& c, const py::object& a, const py::object& b) {
        return Array(make_where_node(make_cast_node(operand(c), DType::Bool), operand(a), operand(b)));
    });
    m.def("open", [](const std::string& path, const std::string& variable, bool mask_and_scale, std::optional<std::string> concat) {
        OpenOptions options;
        options.mask_and_scale = mask_and_scale;
        options.concat_dimension = std::move(concat);
        return open(path, variable, options);
    });
    m.def("from_numpy", [](py::array array, const std::vector<std::vector<Index>>& chunks) {
        const DType dtype = dtype_from_name(py::str(array.dtype().attr("name")));
        return Array(make_source_node(std::make_shared<python::NumpySource>(std::move(array), dtype, grid_from(chunks))));
    });
    m.def("full", [](const Shape& shape, double value, const std::string& dtype, const Shape& chunk) {
        return full(shape, value, dtype_from_name(dtype), chunk);
    });
    m.def("arange", [](double start, double stop, double step, const std::string& dtype, Index chunk) {
        return arange(start, stop, step, dtype_from_name(dtype), chunk);
    });
    m.def("random_uniform", [](const Shape& shape, std::uint64_t seed, const Shape& chunk) {
        return random_uniform(shape, seed, chunk);
    });
    m.def("compute", &compute_arrays, py::arg("arrays"), py::arg("threads") = 0, py::arg("memory_limit") = 0,
          py::arg("progress") = py::none(), py::arg("temp_dir") = "");
    m.def("explain", [](const std::vector<Array>& arrays, std::size_t memory_limit) { return explain(arrays, memory_limit); },
          py::arg("arrays"), py::arg("memory_limit") = 0);
    m.def("store", &store_arrays, py::arg("targets"), py::arg("path"), py::arg("chunks") = py::none(),
          py::arg("compression") = "", py::arg("level") = 4, py::arg("shuffle") = py::none(), py::arg("format") = "auto",
          py::arg("threads") = 0, py::arg("memory_limit") = 0, py::arg("progress") = py::none());
    m.def("default_store_chunks", [](const Array& a) { return default_store_chunks(a); });
    m.def("physical_cores", &physical_core_count);
}
