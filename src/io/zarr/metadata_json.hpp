#pragma once
// parse_zarr_array on JSON already parsed: the entries of a consolidated .zmetadata, read with
// no text dumped and parsed again.
#include <chunkarr/io/zarr/metadata.hpp>

#include <nlohmann/json.hpp>
#include <string>

namespace chunkarr {

// As parse_zarr_array on texts; `zattrs` is null when the array has none.
ZarrArrayMetadata parse_zarr_array(const nlohmann::json& zarray, const nlohmann::json* zattrs,
                                   const std::string& where);

}  // namespace chunkarr
