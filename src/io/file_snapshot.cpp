#include <chunkarr/core/error.hpp>
#include <chunkarr/io/file_snapshot.hpp>

#include <sys/stat.h>

namespace chunkarr {

FileIdentity FileIdentity::of(const std::string& path) {
    struct stat info {};
    FileIdentity identity;
    if (::stat(path.c_str(), &info) != 0) return identity;
    identity.exists = true;
    identity.device = static_cast<std::uint64_t>(info.st_dev);
    identity.inode = static_cast<std::uint64_t>(info.st_ino);
    identity.size = static_cast<std::uint64_t>(info.st_size);
#ifdef __APPLE__
    const struct timespec& modified = info.st_mtimespec;
#else
    const struct timespec& modified = info.st_mtim;
#endif
    identity.modified_ns = static_cast<std::int64_t>(modified.tv_sec) * 1'000'000'000 + modified.tv_nsec;
    return identity;
}

FileSnapshot::FileSnapshot(std::string path) : path_(std::move(path)), seen_(FileIdentity::of(path_)) {}

std::string FileSnapshot::version() const {
    return std::to_string(seen_.device) + ":" + std::to_string(seen_.inode) + ":" + std::to_string(seen_.size) + ":" +
           std::to_string(seen_.modified_ns);
}

void FileSnapshot::check_unchanged() const {
    const FileIdentity now = FileIdentity::of(path_);
    if (now == seen_) return;
    std::string what;
    if (!now.exists) what = "it is gone";
    else if (!seen_.exists) what = "it appeared";
    else if (now.device != seen_.device || now.inode != seen_.inode) what = "it was replaced by another file";
    else if (now.size != seen_.size)
        what = "its size went from " + std::to_string(seen_.size) + " to " + std::to_string(now.size) + " bytes";
    else what = "it was modified, same size";
    throw IOError(path_ + " changed while it was being read (" + what +
                  "): another process writing it? The result would mix two versions of the file; run again (open "
                  "it again) when the writer is done, or have it write a copy and rename that into place");
}

}  // namespace chunkarr
