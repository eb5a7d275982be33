#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5_sink.hpp>

#include <atomic>
#include <filesystem>
#include <unistd.h>

namespace chunkarr {

using hdf5::Handle;
using hdf5::Lock;
using hdf5::check;

namespace {

// The HDF5 memory type for a dtype; bool is written the way h5py writes it (int8 enum).
Handle file_type(DType dtype) {
    hid_t native = H5T_NATIVE_DOUBLE;
    switch (dtype) {
        case DType::Bool: {
            Handle type(H5Tenum_create(H5T_NATIVE_INT8));
            const std::int8_t no = 0, yes = 1;
            H5Tenum_insert(type.get(), "FALSE", &no);
            H5Tenum_insert(type.get(), "TRUE", &yes);
            return type;
        }
        case DType::Int8: native = H5T_NATIVE_INT8; break;
        case DType::Int16: native = H5T_NATIVE_INT16; break;
        case DType::Int32: native = H5T_NATIVE_INT32; break;
        case DType::Int64: native = H5T_NATIVE_INT64; break;
        case DType::UInt8: native = H5T_NATIVE_UINT8; break;
        case DType::UInt16: native = H5T_NATIVE_UINT16; break;
        case DType::UInt32: native = H5T_NATIVE_UINT32; break;
        case DType::UInt64: native = H5T_NATIVE_UINT64; break;
        case DType::Float32: native = H5T_NATIVE_FLOAT; break;
        case DType::Float64: native = H5T_NATIVE_DOUBLE; break;
    }
    return Handle(H5Tcopy(native));
}

std::string temporary_name(const std::string& target) {
    static std::atomic<int> counter{0};
    return target + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace

HDF5Sink::HDF5Sink(std::string target_path) : target_(std::move(target_path)), temporary_(temporary_name(target_)) {
    namespace fs = std::filesystem;
    const fs::path parent = fs::absolute(fs::path(target_)).parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) throw IOError("cannot write " + target_ + ": directory " + parent.string() + " does not exist");
    Lock lock;
    file_ = Handle(H5Fcreate(temporary_.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT));
    if (!file_.valid()) hdf5::throw_failure("cannot create " + target_);
}

HDF5Sink::~HDF5Sink() {
    if (committed_) return;
    file_ = Handle();
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
}

void HDF5Sink::write(const std::string& dataset_path, const NDArray& array) {
    Lock lock;
    Handle type = file_type(array.dtype());
    Handle space;
    if (array.ndim() == 0) {
        space = Handle(H5Screate(H5S_SCALAR));
    } else {
        std::vector<hsize_t> dims(array.shape().begin(), array.shape().end());
        space = Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    }
    Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    Handle dataset(H5Dcreate2(file_.get(), dataset_path.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT,
                              H5P_DEFAULT));
    if (!dataset.valid()) hdf5::throw_failure("cannot create " + target_ + ":" + dataset_path);
    if (array.size() > 0)
        check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, array.data()),
              "cannot write " + target_ + ":" + dataset_path);
}

void HDF5Sink::commit() {
    {
        Lock lock;
        check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "cannot write " + target_);
        file_ = Handle();
    }
    std::error_code ec;
    std::filesystem::rename(temporary_, target_, ec);
    if (ec) throw IOError("cannot write " + target_ + ": " + ec.message());
    committed_ = true;
}

}  // namespace chunkarr
