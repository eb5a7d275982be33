#pragma once
// One exception hierarchy for the whole library. Messages name the file, variable and chunk
// where one is involved; the CLI prints what() as its single error line.
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

namespace chunkarr {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The file system or a storage library failed: missing file, unreadable or corrupted bytes.
class IOError : public Error {
public:
    using Error::Error;
};

// The input exists but is not what we can read: not HDF5, a group instead of a dataset,
// a string or compound type, a filter nobody can decode.
class FormatError : public Error {
public:
    using Error::Error;
};

// A bad argument: shapes that do not broadcast, an axis out of range, a bad option value.
class ValueError : public Error {
public:
    using Error::Error;
};

// A name that does not exist (dataset path, variable).
class KeyError : public Error {
public:
    using Error::Error;
};

// The memory budget cannot hold even one task.
class MemoryBudgetError : public Error {
public:
    using Error::Error;
};

// The caller asked the computation to stop.
class CancelledError : public Error {
public:
    using Error::Error;
};

// An exception raised by user code (a map_blocks function), kept as thrown so a binding can
// raise the original again (a Python exception stays its own type, with its message).
class UserCodeError : public Error {
public:
    UserCodeError(const std::string& message, std::exception_ptr original)
        : Error(message), original_(std::move(original)) {}
    const std::exception_ptr& original() const { return original_; }

private:
    std::exception_ptr original_;
};

// Rethrows the exception in flight (inside a catch block) as the same chunkarr error type with
// `context` appended, e.g. " (chunk (0, 3))". Non-chunkarr exceptions become Error.
[[noreturn]] void rethrow_with_context(const std::string& context);

// Rethrows the exception in flight as the same chunkarr error type with its message rewritten by
// `rewrite` (CancelledError unchanged). Non-chunkarr exceptions become Error.
[[noreturn]] void rethrow_rewritten(const std::function<std::string(const std::string&)>& rewrite);

}  // namespace chunkarr
