#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include "io/zarr/consolidated.hpp"
#include "io/zarr/metadata_json.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace chunkarr {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

bool has_file(const fs::path& dir, const char* name) {
    std::error_code ec;
    return fs::is_regular_file(dir / name, ec);
}

// The text of a file; "" when it does not exist.
std::string read_text(const fs::path& file) {
    std::error_code ec;
    if (!fs::exists(file, ec)) return {};
    std::ifstream in(file, std::ios::binary);
    if (!in) throw IOError("cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// "a/b" -> "/a/b"; "" -> "/".
std::string array_path(const std::string& key) { return "/" + key; }

std::string where(const std::string& store, const std::string& path) { return store + ":" + path; }

// The metadata of one array as found, parsed when it is asked for: the texts of its .zarray and
// .zattrs files, or its entries in the consolidated .zmetadata (already parsed, held by
// `consolidated`).
struct UnparsedArray {
    std::string path;
    std::string zarray, zattrs;
    std::shared_ptr<const Json> consolidated;
    const Json* zarray_json = nullptr;
    const Json* zattrs_json = nullptr;
};

// The array at `path` in the store, from the files in its directory `dir`.
UnparsedArray array_files(const std::string& path, const fs::path& dir) {
    UnparsedArray array;
    array.path = path;
    array.zarray = read_text(dir / ".zarray");
    array.zattrs = read_text(dir / ".zattrs");
    return array;
}

void walk(const fs::path& dir, const std::string& prefix, std::vector<UnparsedArray>& arrays) {
    if (has_file(dir, ".zarray")) {
        arrays.push_back(array_files(array_path(prefix), dir));
        return;
    }
    if (!prefix.empty() && !has_file(dir, ".zgroup")) return;  // not part of the hierarchy
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_directory(ec)) continue;
        const std::string name = entry.path().filename().string();
        walk(entry.path(), prefix.empty() ? name : prefix + "/" + name, arrays);
    }
}

// The array `key` ("t2m", "group/t2m"; "" at the root) of a consolidated .zmetadata's
// "metadata" object ({"t2m/.zarray": {...}, "t2m/.zattrs": {...}, ...}); nullopt when it has none.
std::optional<UnparsedArray> consolidated_array(const std::shared_ptr<const Json>& metadata, const std::string& key) {
    const std::string prefix = key.empty() ? "" : key + "/";
    const auto array = metadata->find(prefix + ".zarray");
    if (array == metadata->end()) return std::nullopt;
    const auto attrs = metadata->find(prefix + ".zattrs");
    return UnparsedArray{array_path(key), "", "", metadata, &*array, attrs == metadata->end() ? nullptr : &*attrs};
}

// The arrays named in a consolidated .zmetadata.
std::vector<UnparsedArray> consolidated(const std::string& store) {
    const std::shared_ptr<const Json> metadata = consolidated_metadata(store);
    std::vector<UnparsedArray> arrays;
    for (const auto& [key, value] : metadata->items()) {
        const std::string suffix = ".zarray";
        if (key.size() < suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        std::string prefix = key.substr(0, key.size() - suffix.size());
        if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        if (auto array = consolidated_array(metadata, prefix)) arrays.push_back(std::move(*array));
    }
    return arrays;
}

// Every array of the store, unparsed: from .zmetadata when the store has one (as xarray reads it).
std::vector<UnparsedArray> unparsed_arrays(const std::string& store) {
    std::vector<UnparsedArray> arrays;
    if (has_file(store, ".zmetadata")) arrays = consolidated(store);
    else walk(store, "", arrays);
    std::sort(arrays.begin(), arrays.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return arrays;
}

ZarrArrayMetadata parse(const std::string& store, const UnparsedArray& array) {
    ZarrArrayMetadata meta = array.zarray_json
                                 ? parse_zarr_array(*array.zarray_json, array.zattrs_json, where(store, array.path))
                                 : parse_zarr_array(array.zarray, array.zattrs, where(store, array.path));
    meta.path = array.path;
    return meta;
}

}  // namespace

bool is_zarr_store(const std::string& path) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) return false;
    return has_file(path, ".zarray") || has_file(path, ".zgroup") || has_file(path, ".zmetadata");
}

std::vector<ZarrListedArray> list_zarr_arrays(const std::string& store) {
    std::vector<ZarrListedArray> listed;
    for (const UnparsedArray& array : unparsed_arrays(store)) {
        try {
            listed.push_back({array.path, parse(store, array), {}});
        } catch (const Error& e) {
            listed.push_back({array.path, std::nullopt, e.what()});
        }
    }
    return listed;
}

ZarrArrayMetadata read_zarr_array(const std::string& store, const std::string& variable) {
    std::string key = variable;
    while (!key.empty() && key.front() == '/') key.erase(0, 1);
    while (!key.empty() && key.back() == '/') key.pop_back();
    const std::string path = array_path(key);
    if (has_file(store, ".zmetadata")) {
        if (const auto array = consolidated_array(consolidated_metadata(store), key)) return parse(store, *array);
    } else if (const fs::path dir = key.empty() ? fs::path(store) : fs::path(store) / key; has_file(dir, ".zarray")) {
        return parse(store, array_files(path, dir));
    }
    throw KeyError("no array " + (variable.empty() ? std::string("at the root") : "'" + variable + "'") + " in " +
                   store);
}

std::string zarr_chunk_key(const std::vector<Index>& index, char separator) {
    if (index.empty()) return "0";
    std::string key;
    for (std::size_t i = 0; i < index.size(); ++i) {
        if (i) key += separator;
        key += std::to_string(index[i]);
    }
    return key;
}

}  // namespace chunkarr
