#include "io/raw_file.hpp"

#include <chunkarr/core/error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chunkarr {

namespace {

// Every RawFile keeps its descriptor (for pread), and a glob may open thousands of files: the
// soft limit on open files (often 1024) is raised to the hard one, once, as build tools do.
// Returns the (raised) soft limit.
long raise_open_file_limit() {
    static std::once_flag once;
    static long soft = 1024;
    std::call_once(once, [] {
        struct rlimit limit {};
        if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
        if (limit.rlim_cur < limit.rlim_max) {
            limit.rlim_cur = limit.rlim_max;
            ::setrlimit(RLIMIT_NOFILE, &limit);
            ::getrlimit(RLIMIT_NOFILE, &limit);
        }
        soft = limit.rlim_cur == RLIM_INFINITY ? (1L << 20) : static_cast<long>(limit.rlim_cur);
    });
    return soft;
}

}  // namespace

FullRead pread_fully(int fd, std::uint64_t offset, std::size_t size, std::byte* out) {
    FullRead read;
    while (read.done < size) {
        const ssize_t got = ::pread(fd, out + read.done, size - read.done, static_cast<off_t>(offset + read.done));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            read.error = errno;
            break;
        }
        if (got == 0) break;  // the end of the file
        read.done += static_cast<std::size_t>(got);
    }
    return read;
}

RawFile::RawFile(const std::string& path, std::uint64_t stream_above) : path_(path) {
    const long open_file_limit = raise_open_file_limit();
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IOError("cannot open " + path + ": " + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd_, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
        // stream_above is 0 when RAM is unknown: then nothing is streamed.
        if (stream_above > 0 && static_cast<std::uint64_t>(info.st_size) > stream_above) {
            streamed_ = true;
            ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint: its failure changes nothing
        }
        // Half the descriptors stay for the libraries (HDF5 and libnetcdf open each file too):
        // past that, the file is mapped, gives its descriptor back and is read from the mapping
        // (slower, but thousands of files still open). Below, no mapping is made.
        if (fd_ >= open_file_limit / 2) {
            void* map = ::mmap(nullptr, static_cast<std::size_t>(info.st_size), PROT_READ, MAP_SHARED, fd_, 0);
            if (map != MAP_FAILED) {
                map_ = static_cast<const std::byte*>(map);
                map_size_ = static_cast<std::uint64_t>(info.st_size);
                ::close(fd_);
                fd_ = -1;
            }
        }
    }
}

RawFile::~RawFile() {
    if (map_) ::munmap(const_cast<std::byte*>(map_), map_size_);
    if (fd_ >= 0) ::close(fd_);
}

bool RawFile::mapped_and_present(std::uint64_t offset, std::size_t size) const {
    if (!map_ || offset > map_size_ || size > map_size_ - offset) return false;
    // Touching mapped pages past the end of a file that shrank since it was mapped is a SIGBUS:
    // check the file's current size first (read_at then reports the truncation).
    struct stat info {};
    return ::stat(path_.c_str(), &info) == 0 && static_cast<std::uint64_t>(info.st_size) >= offset + size;
}

void RawFile::release_view(std::uint64_t offset, std::size_t size) const {
    if (!map_) return;
    // Whole pages inside the range only: a neighbouring chunk may share the edge pages.
    const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t first = (offset + page - 1) / page * page;
    const std::uint64_t last = (offset + size) / page * page;
    if (last > first) ::madvise(const_cast<std::byte*>(map_) + first, last - first, MADV_DONTNEED);
}

std::uint64_t RawFile::size() const {
    struct stat info {};
    const int status = fd_ >= 0 ? ::fstat(fd_, &info) : ::stat(path_.c_str(), &info);
    if (status != 0) throw IOError("cannot stat " + path_ + ": " + std::strerror(errno));
    return static_cast<std::uint64_t>(info.st_size);
}

void RawFile::read_at(std::uint64_t offset, std::size_t size, std::byte* out) const {
    // Nothing to read (a damaged header may say so): `out` may be null then, which memcpy must
    // not be given even for no bytes. Reading nothing at any offset is no error.
    if (size == 0) return;
    // pread, also when the file is mapped: copying out of the mapping faults every page in (and
    // madvise gives them back), which cost several times the copy itself (measured: memmove and
    // page faults were ~70 % of `stats` on an uncompressed file); pread copies from the page
    // cache without faults, and a file that shrank gives a short read (an IOError), not SIGBUS.
    if (fd_ < 0) {  // mapped only (see the constructor)
        if (!mapped_and_present(offset, size)) {
            struct stat info {};
            const auto now = ::stat(path_.c_str(), &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
            throw IOError(path_ + " ends at byte " + std::to_string(std::min(now, map_size_)) + ", before the " +
                          std::to_string(size) + " bytes at " + std::to_string(offset) + " (truncated file?)");
        }
        std::memcpy(out, map_ + offset, size);
        release_view(offset, size);  // copied: the mapping need not stay resident
        return;
    }
    const FullRead read = pread_fully(fd_, offset, size, out);
    if (read.error != 0)
        throw IOError("cannot read " + path_ + " at byte " + std::to_string(offset + read.done) + ": " +
                      std::strerror(read.error));
    if (read.done < size)
        throw IOError(path_ + " ends at byte " + std::to_string(offset + read.done) + ", before the " +
                      std::to_string(size) + " bytes at " + std::to_string(offset) + " (truncated file?)");
    if (streamed_) ::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(size), POSIX_FADV_DONTNEED);
}

}  // namespace chunkarr
