#pragma once
// A file for reading from many threads at once with no lock: read with pread (into the caller's
// buffer: one copy, no page faults). When a process holds so many files that descriptors run
// short, a file is only mapped and read from the mapping instead. A file larger than RAM is
// streamed: the kernel is told it is read in order (longer read-ahead) and to drop what was read
// (it cannot stay cached anyway, and would push out pages that can).
#include <chunkarr/core/options.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace chunkarr {

// Reads up to `size` bytes at `offset` of descriptor `fd` into `out`, again after interrupted or
// short reads: `done` bytes were read (fewer than `size`: the file ended), `error` is the errno of
// a read that failed (0: none). Callers word the error for what they read.
struct FullRead {
    std::size_t done = 0;
    int error = 0;
};
FullRead pread_fully(int fd, std::uint64_t offset, std::size_t size, std::byte* out);

class RawFile {
public:
    // `stream_above`: files of more bytes are streamed (default: the machine's RAM).
    explicit RawFile(const std::string& path, std::uint64_t stream_above = physical_memory_bytes());
    ~RawFile();
    RawFile(const RawFile&) = delete;
    RawFile& operator=(const RawFile&) = delete;

    // Reads exactly `size` bytes at `offset`; IOError if the file ends first or the read fails.
    void read_at(std::uint64_t offset, std::size_t size, std::byte* out) const;
    const std::string& path() const { return path_; }
    // The file's size now, in bytes (it may differ from when it was opened).
    std::uint64_t size() const;
    bool streamed() const { return streamed_; }

private:
    // Unmaps pages copied out of the mapping, so that the process's resident size reflects its
    // working memory rather than the file (the pages stay in the page cache).
    void release_view(std::uint64_t offset, std::size_t size) const;
    bool mapped_and_present(std::uint64_t offset, std::size_t size) const;

    std::string path_;
    int fd_ = -1;
    const std::byte* map_ = nullptr;
    std::uint64_t map_size_ = 0;
    bool streamed_ = false;
};

}  // namespace chunkarr
