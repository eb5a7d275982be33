#include "io/zarr/chunk_file.hpp"

#include <chunkarr/core/error.hpp>

#include "io/raw_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chunkarr {

namespace {

struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

bool read_chunk_file(const std::string& path, std::byte* direct, std::size_t expected, std::vector<std::byte>& buffer) {
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) {
        if (errno == ENOENT) return false;
        throw IOError(std::string("cannot open: ") + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(file.fd, &info) != 0) throw IOError(std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(info.st_mode)) throw IOError("not a regular file");
    const auto size = static_cast<std::size_t>(info.st_size);
    if (direct && size != expected)
        throw IOError("uncompressed chunk has " + std::to_string(size) + " bytes, expected " +
                      std::to_string(expected) + " bytes");
    // No codec makes much more of a chunk than its bytes: a larger file is not read into memory.
    if (size > expected + expected / 64 + 4096)
        throw IOError("chunk file has " + std::to_string(size) + " bytes, more than any encoding of a chunk of " +
                      std::to_string(expected) + " bytes");
    std::byte* target = direct;
    if (!target) {
        buffer.resize(size);
        target = buffer.data();
    }
    const FullRead read = pread_fully(file.fd, 0, size, target);
    if (read.error != 0) throw IOError(std::string("cannot read: ") + std::strerror(read.error));
    if (read.done < size)
        throw IOError("the file ended after " + std::to_string(read.done) + " of " + std::to_string(size) + " bytes");
    return true;
}

}  // namespace chunkarr
