#include "block_function.hpp"

#include <chunkarr/core/error.hpp>

#include <cstring>
#include <memory>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace chunkarr::python {

// Owns the Python callable; the last copy may be dropped on a thread without the GIL.
struct Callable {
    py::object function;
    ~Callable() {
        if (!Py_IsInitialized()) {
            function.release();  // the interpreter is gone: nothing to decrement
            return;
        }
        py::gil_scoped_acquire gil;
        function = py::object();
    }
};

namespace {

// Keeps an engine buffer alive for the NumPy view of it. A view the function kept past the
// call ("escaped") keeps its buffer forever: the buffer's release reports to the executor's
// memory tracker, which is gone by the time such a view dies.
struct ViewOwner {
    NDArray array;
    bool escaped = false;
};

py::array view_of(const NDArray& block, ViewOwner*& owner) {
    owner = new ViewOwner{block};
    py::capsule keep(owner, [](void* p) {
        auto* o = static_cast<ViewOwner*>(p);
        if (!o->escaped) delete o;
    });
    std::vector<py::ssize_t> shape(block.shape().begin(), block.shape().end());
    std::vector<py::ssize_t> strides(shape.size());
    py::ssize_t step = static_cast<py::ssize_t>(itemsize(block.dtype()));
    for (std::size_t axis = shape.size(); axis-- > 0;) {
        strides[axis] = step;
        step *= std::max<py::ssize_t>(shape[axis], 1);
    }
    // const_cast: the view is made read-only below.
    py::array view(py::dtype(std::string(dtype_name(block.dtype()))), shape, strides,
                   const_cast<std::byte*>(block.data()), keep);
    view.attr("flags").attr("writeable") = false;
    return view;
}

py::tuple location(const Region& region) {
    py::list ranges;
    for (const Range& r : region) ranges.append(py::make_tuple(r.start, r.stop));
    return py::tuple(ranges);
}

std::string block_text(const std::vector<Index>& block) {
    std::string text = "(";
    for (std::size_t i = 0; i < block.size(); ++i) text += (i ? ", " : "") + std::to_string(block[i]);
    return text + (block.size() == 1 ? ",)" : ")");
}

}  // namespace

BlockCallable python_block_function(py::function function, bool pass_block_id, bool pass_block_info) {
    auto callable = std::make_shared<Callable>();
    callable->function = std::move(function);
    return PythonBlockCall{std::move(callable), pass_block_id, pass_block_info};
}

py::object PythonBlockCall::function() const { return callable->function; }

NDArray PythonBlockCall::operator()(const std::vector<NDArray>& blocks, const BlockInfo& info) const {
    py::gil_scoped_acquire gil;
    std::vector<py::array> views;
    std::vector<ViewOwner*> owners;
    NDArray out;
    try {
        py::tuple args(blocks.size());
        for (std::size_t k = 0; k < blocks.size(); ++k) {
            ViewOwner* owner = nullptr;
            views.push_back(view_of(blocks[k], owner));
            owners.push_back(owner);
            args[k] = views.back();
        }
        py::dict kwargs;
        py::tuple block_id(info.block.size());
        for (std::size_t i = 0; i < info.block.size(); ++i) block_id[i] = info.block[i];
        if (pass_block_id) kwargs["block_id"] = block_id;
        if (pass_block_info) {
            py::dict block_info;
            for (std::size_t k = 0; k < info.input_regions.size(); ++k) {
                py::dict entry;
                entry["array-location"] = location(info.input_regions[k]);
                entry["chunk-location"] = block_id;
                block_info[py::int_(k)] = entry;
            }
            py::dict output;
            output["array-location"] = location(info.region);
            output["chunk-location"] = block_id;
            output["chunk-shape"] = py::tuple(py::cast(info.shape));
            output["dtype"] = py::dtype(std::string(dtype_name(info.dtype)));
            block_info[py::none()] = output;
            kwargs["block_info"] = block_info;
        }
        py::object result = callable->function(*args, **kwargs);
        args = py::tuple();
        // asarray, not ascontiguousarray: that makes a 0-d block 1-d.
        py::array values = py::module_::import("numpy").attr("asarray")(result, py::arg("order") = "C");
        result = py::object();
        const std::string name = py::str(values.dtype().attr("name"));
        const auto dtype = parse_dtype(name);
        if (!dtype || !values.dtype().attr("isnative").cast<bool>())
            throw ValueError("map_blocks function returned dtype " + name + " for block " + block_text(info.block) +
                             ", expected " + std::string(dtype_name(info.dtype)));
        Shape shape(values.shape(), values.shape() + values.ndim());
        out = NDArray(*dtype, shape);
        if (out.nbytes() > 0) std::memcpy(out.data(), values.data(), out.nbytes());
    } catch (py::error_already_set& e) {
        for (std::size_t k = 0; k < views.size(); ++k) owners[k]->escaped = views[k].ref_count() > 1;
        const std::string message = std::string("map_blocks function raised ") + e.what();
        throw UserCodeError(message, std::current_exception());
    } catch (...) {
        for (std::size_t k = 0; k < views.size(); ++k) owners[k]->escaped = views[k].ref_count() > 1;
        throw;
    }
    for (std::size_t k = 0; k < views.size(); ++k) owners[k]->escaped = views[k].ref_count() > 1;
    return out;
}

}  // namespace chunkarr::python
