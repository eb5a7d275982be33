#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5_library.hpp>

namespace chunkarr::hdf5 {

std::recursive_mutex& library_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

Lock::Lock() : guard_(library_mutex()) {
    // In thread-safe builds HDF5's error-printing switch is per thread.
    thread_local bool quiet = false;
    if (!quiet) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        quiet = true;
    }
}

namespace {
herr_t take_innermost(unsigned position, const H5E_error2_t* error, void* data) {
    auto* message = static_cast<std::string*>(data);
    if (position == 0 && error->desc) *message = error->desc;
    return 0;
}
}  // namespace

std::string last_error_message() {
    Lock lock;
    std::string message;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_innermost, &message);
    H5Eclear2(H5E_DEFAULT);
    return message;
}

void throw_failure(const std::string& what) {
    const std::string detail = last_error_message();
    throw IOError(detail.empty() ? what : what + ": " + detail);
}

Handle& Handle::operator=(Handle&& other) noexcept {
    if (this != &other) {
        Handle old(std::exchange(id_, std::exchange(other.id_, H5I_INVALID_HID)));
    }
    return *this;
}

Handle::~Handle() {
    if (id_ < 0) return;
    Lock lock;
    switch (H5Iget_type(id_)) {
        case H5I_FILE: H5Fclose(id_); break;
        case H5I_GROUP: H5Gclose(id_); break;
        case H5I_DATASET: H5Dclose(id_); break;
        case H5I_DATATYPE: H5Tclose(id_); break;
        case H5I_DATASPACE: H5Sclose(id_); break;
        case H5I_ATTR: H5Aclose(id_); break;
        case H5I_GENPROP_LST: H5Pclose(id_); break;
        default: H5Idec_ref(id_); break;
    }
}

}  // namespace chunkarr::hdf5
