#include <chunkarr/core/error.hpp>
#include <chunkarr/io/raw_file.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace chunkarr {

RawFile::RawFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IOError("cannot open " + path + ": " + std::strerror(errno));
}

RawFile::~RawFile() {
    if (fd_ >= 0) ::close(fd_);
}

void RawFile::read_at(std::uint64_t offset, std::size_t size, std::byte* out) const {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t got = ::pread(fd_, out + done, size - done, static_cast<off_t>(offset + done));
        if (got < 0) {
            if (errno == EINTR) continue;
            throw IOError("cannot read " + path_ + " at byte " + std::to_string(offset + done) + ": " + std::strerror(errno));
        }
        if (got == 0)
            throw IOError(path_ + " ends at byte " + std::to_string(offset + done) + ", before the " +
                          std::to_string(size) + " bytes at " + std::to_string(offset) + " (truncated file?)");
        done += static_cast<std::size_t>(got);
    }
}

}  // namespace chunkarr
