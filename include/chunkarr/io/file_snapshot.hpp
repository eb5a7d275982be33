#pragma once
// Which version of a file a reader saw. A source takes a FileSnapshot before it reads a file's
// metadata and checks it again when a computation ends (Source::check_unchanged), so that a
// result never silently mixes two versions of a file another process is writing: see README,
// "Reading files that are being written". One stat per check, never one per chunk.
#include <cstdint>
#include <string>

namespace chunkarr {

// What stat says of a file: which file it is and which version of it (size, mtime in ns).
struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t modified_ns = 0;  // mtime, nanoseconds since the epoch
    bool exists = false;           // false: the path could not be stat'ed (the rest is zero)

    bool operator==(const FileIdentity&) const = default;
    // The identity `path` has now (one stat).
    static FileIdentity of(const std::string& path);
};

class FileSnapshot {
public:
    // Takes the identity `path` has now.
    explicit FileSnapshot(std::string path);

    const std::string& path() const { return path_; }
    const FileIdentity& identity() const { return seen_; }
    // The version seen, as text for Source::identity ("device:inode:size:mtime"): sources of
    // two versions of a file are not the same data.
    std::string version() const;
    // Throws IOError "PATH changed while it was being read (...)" when the file is no longer the
    // one seen (one stat: another size, mtime, inode or device, or gone): what was read since the
    // snapshot may mix two versions of the file.
    void check_unchanged() const;

private:
    std::string path_;
    FileIdentity seen_;
};

}  // namespace chunkarr
