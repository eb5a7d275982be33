#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/store.hpp>

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

void walk(const std::string& store, const fs::path& dir, const std::string& prefix,
          std::vector<ZarrArrayMetadata>& arrays) {
    if (has_file(dir, ".zarray")) {
        const std::string path = array_path(prefix);
        arrays.push_back(parse_zarr_array(read_text(dir / ".zarray"), read_text(dir / ".zattrs"), where(store, path)));
        arrays.back().path = path;
        return;
    }
    if (!prefix.empty() && !has_file(dir, ".zgroup")) return;  // not part of the hierarchy
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_directory(ec)) continue;
        const std::string name = entry.path().filename().string();
        walk(store, entry.path(), prefix.empty() ? name : prefix + "/" + name, arrays);
    }
}

// The arrays named in a consolidated .zmetadata: {"metadata": {"a/.zarray": {...}, ...}}.
std::vector<ZarrArrayMetadata> consolidated(const std::string& store, const std::string& text) {
    Json json;
    try {
        json = Json::parse(text);
    } catch (const Json::parse_error& e) {
        throw FormatError(store + ": .zmetadata is not JSON (" + e.what() + ")");
    }
    if (!json.is_object() || !json.contains("metadata") || !json["metadata"].is_object())
        throw FormatError(store + ": .zmetadata has no \"metadata\" object");
    const Json& metadata = json["metadata"];
    std::vector<ZarrArrayMetadata> arrays;
    for (const auto& [key, value] : metadata.items()) {
        const std::string suffix = ".zarray";
        if (key.size() < suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        std::string prefix = key.substr(0, key.size() - suffix.size());
        if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        const auto attrs = metadata.find(prefix.empty() ? ".zattrs" : prefix + "/.zattrs");
        const std::string path = array_path(prefix);
        arrays.push_back(
            parse_zarr_array(value.dump(), attrs == metadata.end() ? "" : attrs->dump(), where(store, path)));
        arrays.back().path = path;
    }
    return arrays;
}

}  // namespace

bool is_zarr_store(const std::string& path) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) return false;
    return has_file(path, ".zarray") || has_file(path, ".zgroup") || has_file(path, ".zmetadata");
}

std::vector<ZarrArrayMetadata> list_zarr_arrays(const std::string& store) {
    if (!is_zarr_store(store)) throw FormatError(store + " is not a Zarr store (no .zarray, .zgroup or .zmetadata)");
    std::vector<ZarrArrayMetadata> arrays;
    if (const fs::path zmetadata = fs::path(store) / ".zmetadata"; has_file(store, ".zmetadata"))
        arrays = consolidated(store, read_text(zmetadata));
    else walk(store, store, "", arrays);
    std::sort(arrays.begin(), arrays.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return arrays;
}

ZarrArrayMetadata read_zarr_array(const std::string& store, const std::string& variable) {
    std::string key = variable;
    while (!key.empty() && key.front() == '/') key.erase(0, 1);
    while (!key.empty() && key.back() == '/') key.pop_back();
    if (!is_zarr_store(store)) throw FormatError(store + " is not a Zarr store (no .zarray, .zgroup or .zmetadata)");
    const std::string path = array_path(key);
    if (has_file(store, ".zmetadata")) {
        for (auto& array : list_zarr_arrays(store))
            if (array.path == path) return std::move(array);
    } else {
        const fs::path dir = key.empty() ? fs::path(store) : fs::path(store) / key;
        if (has_file(dir, ".zarray")) {
            auto meta = parse_zarr_array(read_text(dir / ".zarray"), read_text(dir / ".zattrs"), where(store, path));
            meta.path = path;
            return meta;
        }
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
