#pragma once
// A file opened for positioned reads (pread): many threads can read at once, no lock needed.
#include <cstddef>
#include <cstdint>
#include <string>

namespace chunkarr {

class RawFile {
public:
    explicit RawFile(const std::string& path);
    ~RawFile();
    RawFile(const RawFile&) = delete;
    RawFile& operator=(const RawFile&) = delete;

    // Reads exactly `size` bytes at `offset`; IOError if the file ends first or the read fails.
    void read_at(std::uint64_t offset, std::size_t size, std::byte* out) const;
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace chunkarr
