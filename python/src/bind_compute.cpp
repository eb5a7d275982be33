// Running graphs: compute (to NumPy arrays) and store (StoreFormat: into files), with the GIL
// released, progress reported and Ctrl-C watched; explain; the machine's physical cores.
#include <chunkarr/core/error.hpp>
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/options.hpp>
#include <chunkarr/engine/compute.hpp>
#include <chunkarr/engine/explain.hpp>
#include <chunkarr/engine/store.hpp>
#include <chunkarr/engine/store_complex.hpp>
#include <chunkarr/exec/mpi_world.hpp>

#include "bindings.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace py = pybind11;

namespace chunkarr::python {

namespace {

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

// The ranks of mpi4py's communicator at `comm_address` (MPI._addressof(comm)); null for 0.
mpi::WorldPtr world_at(std::uintptr_t comm_address) {
    if (comm_address == 0) return nullptr;
    return mpi::World::from_handle(reinterpret_cast<const void*>(comm_address));
}

// Runs `work` on a worker thread while this thread, holding the GIL now and then, reports
// progress and watches for Ctrl-C: KeyboardInterrupt cancels the computation within ~0.1 s.

void run_interruptibly(const std::function<void(const ComputeOptions&)>& work, int threads, std::size_t memory_limit,
                       const py::object& progress, const std::string& temp_dir = {}, mpi::WorldPtr world = nullptr) {
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
    options.world = std::move(world);
    options.cancel = &cancel;
    options.progress = [&](const Progress& p) {
        std::lock_guard lock(mutex);
        latest = p;
    };
    bool interrupted = false;
    std::optional<py::error_already_set> callback_error;  // raised by the progress callback
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
            if (PyErr_CheckSignals() != 0) {  // the KeyboardInterrupt stays pending
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
                std::rethrow_exception(e.original());  // the function's own exception
            } catch (py::error_already_set& raised) {
                // Python 3.11+: a note names the block it failed on.
                const std::string what = e.what();
                const auto at = what.rfind(" (chunk ");
                py::object value = raised.value();
                if (at != std::string::npos && py::hasattr(value, "add_note"))
                    value.attr("add_note")("raised by the map_blocks function on " +
                                           what.substr(at + 2, what.size() - at - 3));
                throw;
            }
        }
    }
    // The run's own last report (its final counts, as the command line shows them): under MPI,
    // rank 0's sum over the ranks, which a rank counted twice or missing would put off the total.
    if (!progress.is_none()) progress(latest.tasks_done, latest.tasks_total, latest.bytes_done, latest.bytes_total);
}

py::list compute_arrays(const std::vector<Array>& arrays, int threads, std::size_t memory_limit, py::object progress,
                        const std::string& temp_dir, std::uintptr_t comm_address) {
    std::vector<NDArray> results;
    run_interruptibly([&](const ComputeOptions& options) { results = chunkarr::compute(arrays, options); }, threads,
                      memory_limit, progress, temp_dir, world_at(comm_address));
    py::list out;
    for (const auto& r : results) out.append(to_numpy(r));
    return out;
}

// {name: str or numbers} as attributes: numbers (scalar or 1-d) keep their NumPy type.
Attributes attributes_from(const py::dict& given) {
    Attributes attributes;
    const py::module_ numpy = py::module_::import("numpy");
    for (const auto& [key, value] : given) {
        const std::string name = py::str(key);
        if (py::isinstance<py::str>(value)) {
            attributes.set(name, value.cast<std::string>());
            continue;
        }
        const py::array values = numpy.attr("asarray")(value);
        const auto dtype = parse_dtype(py::str(values.attr("dtype").attr("name")).cast<std::string>());
        if (!dtype || values.ndim() > 1)
            throw ValueError("attribute " + name + " must be a string or numbers (a scalar or 1-d), got " +
                             py::repr(value).cast<std::string>());
        std::vector<long double> numbers;
        for (const auto& item : values.attr("ravel")().attr("tolist")()) {
            if (is_float(*dtype)) numbers.push_back(item.cast<double>());
            else if (is_unsigned(*dtype)) numbers.push_back(item.cast<unsigned long long>());
            else numbers.push_back(item.cast<long long>());
        }
        attributes.set(name, std::move(numbers), *dtype);
    }
    return attributes;
}

// The store options the Python writers pass.
StoreOptions store_options_of(const std::optional<Shape>& chunks, const std::string& compression, int level,
                              std::optional<bool> shuffle, bool bit_shuffle, StoreFormat format) {
    StoreOptions store_options;
    if (chunks) store_options.chunks = *chunks;
    store_options.compression = compression;
    store_options.compression_level = level;
    store_options.shuffle = shuffle;
    store_options.bit_shuffle = bit_shuffle;
    store_options.format = format;
    return store_options;
}

// store() of (array, name, dimension names, attributes) into one file with `file_attributes`.
void store_arrays(const std::vector<std::tuple<Array, std::string, std::vector<std::string>, py::dict>>& targets,
                  const std::string& path, std::optional<Shape> chunks, const std::string& compression, int level,
                  std::optional<bool> shuffle, StoreFormat format, int threads, std::size_t memory_limit,
                  py::object progress, std::uintptr_t comm_address, bool bit_shuffle, const py::dict& file_attributes) {
    StoreOptions store_options = store_options_of(chunks, compression, level, shuffle, bit_shuffle, format);
    store_options.file_attributes = attributes_from(file_attributes);
    std::vector<StoreTarget> list;
    for (const auto& [array, name, dims, attributes] : targets)
        list.push_back({array, name, dims, attributes_from(attributes)});
    run_interruptibly([&](const ComputeOptions& options) { store(list, path, store_options, options); }, threads,
                      memory_limit, progress, {}, world_at(comm_address));
}

// store_complex() of the parts (real, imag) as array `name` of a new Zarr store.
void store_complex_parts(const Array& real, const Array& imag, const std::string& path, const std::string& name,
                         std::optional<Shape> chunks, const std::string& compression, int level,
                         std::optional<bool> shuffle, bool bit_shuffle, const std::vector<std::string>& dimensions,
                         int threads, std::size_t memory_limit, py::object progress) {
    StoreOptions store_options = store_options_of(chunks, compression, level, shuffle, bit_shuffle, StoreFormat::Zarr);
    store_options.dimensions = dimensions;
    run_interruptibly(
        [&](const ComputeOptions& options) {
            store_complex(make_complex(real, imag), path, name, store_options, options);
        },
        threads, memory_limit, progress, {}, nullptr);
}

}  // namespace

void bind_compute(py::module_& m) {
    m.def("compute", &compute_arrays, py::arg("arrays"), py::arg("threads") = 0, py::arg("memory_limit") = 0,
          py::arg("progress") = py::none(), py::arg("temp_dir") = "", py::arg("comm_address") = 0);
    m.def("mpi_available", &mpi::World::available);
    m.def(
        "explain",
        [](const std::vector<Array>& arrays, std::size_t memory_limit) { return explain(arrays, memory_limit); },
        py::arg("arrays"), py::arg("memory_limit") = 0);
    py::enum_<StoreFormat>(m, "StoreFormat", "The file format store writes (auto: by the file name)")
        .value("auto", StoreFormat::Auto)
        .value("hdf5", StoreFormat::HDF5)
        .value("netcdf4", StoreFormat::NetCDF4)
        .value("zarr", StoreFormat::Zarr);
    m.def("store", &store_arrays, py::arg("targets"), py::arg("path"), py::arg("chunks") = py::none(),
          py::arg("compression") = "", py::arg("level") = 4, py::arg("shuffle") = py::none(),
          py::arg_v("format", StoreFormat::Auto, "StoreFormat.auto"), py::arg("threads") = 0,
          py::arg("memory_limit") = 0, py::arg("progress") = py::none(), py::arg("comm_address") = 0,
          py::arg("bit_shuffle") = false, py::arg("file_attributes") = py::dict());
    m.def("store_complex", &store_complex_parts, py::arg("real"), py::arg("imag"), py::arg("path"), py::arg("name"),
          py::arg("chunks"), py::arg("compression"), py::arg("level"), py::arg("shuffle"), py::arg("bit_shuffle"),
          py::arg("dimensions"), py::arg("threads"), py::arg("memory_limit"), py::arg("progress"));
    m.def(
        "default_store_chunks", [](const Array& a) { return default_store_chunks(a); }, py::arg("array"));
    m.def("physical_cores", &physical_core_count);
}

}  // namespace chunkarr::python
