#pragma once
// The checked libhdf5 wrapper (as HighFive's h5d_wrapper): every H5* call in io/ goes through
// CHUNKARR_H5, or CHUNKARR_H5_TRY where a failure is an answer rather than an error. A failing
// call throws IOError naming the file, the object and the call,
//     data.h5:/t2m: H5Dget_space failed: <HDF5's innermost message>
// so that no caller goes on with an invalid id or a garbage size. Calls need the lock (lock.hpp)
// and refuse to run without it.
//
//     hdf5::Lock lock;
//     const Where at{file_path, "/t2m"};
//     Handle space(CHUNKARR_H5(at, H5Dget_space, dataset));
//     const int rank = CHUNKARR_H5(at, H5Sget_simple_extent_ndims, space.get());
//     const auto exists = CHUNKARR_H5_TRY(H5Lexists, file, "/grp", H5P_DEFAULT);
//     if (!exists.ok()) throw KeyError(exists.message(at));   // "...: H5Lexists failed: ..."
#include "io/hdf5/lock.hpp"
#include "io/where.hpp"

#include <hdf5.h>
#include <string>
#include <type_traits>
#include <utility>

namespace chunkarr::hdf5 {

// The innermost message on this thread's HDF5 error stack ("inflate() failed"), or ""; clears
// the stack.
std::string last_error_message();
// Whether the last call left errors on this thread's stack (every API call clears it first).
bool error_pending();

// Whether `result` is HDF5's failure value: negative for signed results (herr_t, hid_t, htri_t,
// ssize_t, counts, and the *_ERROR member of HDF5's enums), null for pointers. Unsigned results
// (sizes, addresses) have no spare value (0 may be a size, HADDR_UNDEF an answer): for them the
// error stack tells.
template <class R> bool failed(const R& result) {
    if constexpr (std::is_pointer_v<R>) return result == nullptr;
    else if constexpr (std::is_enum_v<R> || std::is_signed_v<R>) return static_cast<long long>(result) < 0;
    else return error_pending();
}

// "H5Dget_space failed: <detail>" (without ": <detail>" when HDF5 gave no message).
std::string failure_text(const char* call, const std::string& detail);
// Throws IOError("<where>: <call> failed: <HDF5's innermost message>") and clears the stack.
[[noreturn]] void throw_failure(const Where& where, const char* call);
// A call without the lock is a bug in chunkarr: throws Error saying which call.
[[noreturn]] void throw_unlocked(const char* call);

// What CHUNKARR_H5_TRY returns: the result as HDF5 gave it, and on failure HDF5's message (the
// error stack is cleared either way).
template <class R> struct Tried {
    R value;
    const char* call;
    bool failed;
    std::string detail;

    bool ok() const { return !failed; }
    std::string what() const { return failure_text(call, detail); }
    std::string message(const Where& where) const { return where.text() + ": " + what(); }
};

template <class F, class... A> auto checked_call(const Where& where, const char* call, F function, A&&... args) {
    if (!lock_held()) throw_unlocked(call);
    auto result = function(std::forward<A>(args)...);
    if (failed(result)) throw_failure(where, call);
    return result;
}

template <class F, class... A> auto try_call(const char* call, F function, A&&... args) {
    if (!lock_held()) throw_unlocked(call);
    auto result = function(std::forward<A>(args)...);
    Tried<decltype(result)> tried{result, call, failed(result), {}};
    if (tried.failed) tried.detail = last_error_message();
    return tried;
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

// The checked call: CHUNKARR_H5(where, H5Dget_space, dataset) returns what H5Dget_space returns,
// or throws IOError naming `where` and "H5Dget_space".
#define CHUNKARR_H5(where, function, ...) ::chunkarr::hdf5::checked_call((where), #function, function, __VA_ARGS__)
// The call whose failure is an answer: returns hdf5::Tried instead of throwing.
#define CHUNKARR_H5_TRY(function, ...) ::chunkarr::hdf5::try_call(#function, function, __VA_ARGS__)
