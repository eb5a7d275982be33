#pragma once
// A store's consolidated metadata (.zmetadata: every array's .zarray and .zattrs in one file, as
// xarray's to_zarr writes it), parsed once per version of the file: each variable opened from a
// store (an archive lists hundreds) shares that parse instead of reading the file again.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace chunkarr {

// The "metadata" object of `store`/.zmetadata ({"t2m/.zarray": {...}, ...}). Parsed again
// when the file has changed since (another size, mtime or inode, as FileSnapshot sees it).
// FormatError when it is not JSON or has no "metadata" object; IOError when it cannot be read.
std::shared_ptr<const nlohmann::json> consolidated_metadata(const std::string& store);

}  // namespace chunkarr
