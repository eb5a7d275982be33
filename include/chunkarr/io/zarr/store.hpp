#pragma once
// A Zarr v2 directory store: finding it (by content: a directory holding .zarray, .zgroup or
// .zmetadata) and the arrays in it, through nested groups, from the consolidated .zmetadata
// when there is one (as xarray does) or else from the .zarray files.
#include <chunkarr/io/zarr/metadata.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// A directory with .zarray, .zgroup or .zmetadata in it. The functions below take a `store`
// that has passed it (their callers check once, where they tell stores from files).
bool is_zarr_store(const std::string& path);

// One array of a store's listing: its metadata, or why it cannot be read.
struct ZarrListedArray {
    std::string path;  // "/t2m", "/group/sub/var"
    std::optional<ZarrArrayMetadata> metadata;
    std::string error;  // naming store and array; empty when `metadata` is set
};
// Every array of the store, sorted by path, those whose metadata cannot be read included (with
// the error). FormatError when the store itself (its .zmetadata) cannot be read.
std::vector<ZarrListedArray> list_zarr_arrays(const std::string& store);
// The array at `variable` ("t2m", "/group/t2m"; "" or "/" for a store that is one array).
// KeyError when there is none.
ZarrArrayMetadata read_zarr_array(const std::string& store, const std::string& variable);
// The file name of chunk `index` of an array ("0.1.2", or "0/1/2" with the '/' separator;
// "0" for a 0-d array), relative to the array's directory.
std::string zarr_chunk_key(const std::vector<Index>& index, char separator);

}  // namespace chunkarr
