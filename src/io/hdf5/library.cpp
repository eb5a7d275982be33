#include "io/hdf5/library.hpp"

#include <chunkarr/core/error.hpp>

namespace chunkarr::hdf5 {

namespace {
thread_local int locks_held = 0;
}  // namespace

std::recursive_mutex& library_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

Lock::Lock() : guard_(library_mutex()) {
    ++locks_held;
    // In thread-safe builds HDF5's error-printing switch is per thread.
    thread_local bool quiet = false;
    if (!quiet) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        quiet = true;
    }
}

Lock::~Lock() { --locks_held; }

bool lock_held() { return locks_held > 0; }

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

bool error_pending() { return H5Eget_num(H5E_DEFAULT) > 0; }

std::string failure_text(const char* call, const std::string& detail) {
    std::string text = call;
    text += " failed";
    if (!detail.empty()) text += ": " + detail;
    return text;
}

void throw_failure(const Where& where, const char* call) {
    throw IOError(where.text() + ": " + failure_text(call, last_error_message()));
}

void throw_unlocked(const char* call) {
    throw Error(std::string("internal: ") + call + " called without the HDF5 lock");
}

Handle& Handle::operator=(Handle&& other) noexcept {
    if (this != &other) {
        Handle old(std::exchange(id_, std::exchange(other.id_, H5I_INVALID_HID)));
    }
    return *this;
}

Handle::~Handle() {
    if (id_ < 0) return;
    // Closing cannot report a failure (a destructor); the next checked call clears the stack.
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
