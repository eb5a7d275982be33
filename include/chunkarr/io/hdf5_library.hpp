#pragma once
// Every call into libhdf5 goes through here: one process-wide lock (libhdf5 is not safe to call
// from several threads unless built thread-safe, and even then it serialises internally), HDF5's
// own error printing switched off, and failures turned into chunkarr exceptions that carry
// HDF5's innermost message.
#include <hdf5.h>

#include <mutex>
#include <string>
#include <utility>

namespace chunkarr::hdf5 {

// Hold this while calling any H5* function.
std::recursive_mutex& library_mutex();

class Lock {
public:
    Lock();
private:
    std::lock_guard<std::recursive_mutex> guard_;
};

// The innermost message on this thread's HDF5 error stack ("inflate() failed"), or "".
std::string last_error_message();

// Throws IOError("<what>: <HDF5 message>").
[[noreturn]] void throw_failure(const std::string& what);

// Throws IOError("<what>: <HDF5 message>") when `status` < 0; returns status otherwise.
template <class T>
T check(T status, const std::string& what) {
    if (status < 0) throw_failure(what);
    return status;
}

// Owns one hid_t and closes it with the right H5*close. Closing takes the lock.
class Handle {
public:
    Handle() = default;
    explicit Handle(hid_t id) : id_(id) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
    Handle& operator=(Handle&& other) noexcept;
    ~Handle();
    hid_t get() const { return id_; }
    bool valid() const { return id_ >= 0; }

private:
    hid_t id_ = H5I_INVALID_HID;
};

}  // namespace chunkarr::hdf5
