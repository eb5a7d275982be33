#include <chunkarr/core/error.hpp>
#include <chunkarr/io/file_format.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace chunkarr {

FileFormat detect_file_format(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw IOError("no such file: " + path);
    if (is_zarr_store(path)) return FileFormat::ZarrStore;
    if (fs::is_directory(path, ec)) throw IOError(path + " is a directory, not a file or a Zarr store");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IOError("cannot open " + path + ": permission denied");
    const auto size = fs::file_size(path, ec);
    if (size == 0) throw FormatError(path + " is empty, not an HDF5 or NetCDF file");
    char head[8] = {};
    in.read(head, sizeof head);
    if (std::memcmp(head, "CDF\x01", 4) == 0) return FileFormat::NetCDF3Classic;
    if (std::memcmp(head, "CDF\x02", 4) == 0) return FileFormat::NetCDF3Offset64;
    if (std::memcmp(head, "CDF\x05", 4) == 0) return FileFormat::NetCDF3Data64;
    // The HDF5 signature sits at 0, 512, 1024, 2048, ... (after a user block).
    static const char signature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    for (std::uint64_t offset = 0; offset + 8 <= size; offset = offset ? offset * 2 : 512) {
        in.clear();
        in.seekg(static_cast<std::streamoff>(offset));
        char probe[8] = {};
        if (!in.read(probe, 8)) break;
        if (std::memcmp(probe, signature, 8) == 0) return FileFormat::HDF5;
    }
    return FileFormat::Unknown;
}

}  // namespace chunkarr
