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

// The metadata texts of one array, read or parsed when it is asked for.
struct ArrayTexts {
    std::string path;
    std::string zarray, zattrs;
};

void walk(const fs::path& dir, const std::string& prefix, std::vector<ArrayTexts>& arrays) {
    if (has_file(dir, ".zarray")) {
        arrays.push_back({array_path(prefix), read_text(dir / ".zarray"), read_text(dir / ".zattrs")});
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

// The arrays named in a consolidated .zmetadata: {"metadata": {"a/.zarray": {...}, ...}}.
std::vector<ArrayTexts> consolidated(const std::string& store, const std::string& text) {
    Json json;
    try {
        json = Json::parse(text);
    } catch (const Json::parse_error& e) {
        throw FormatError(store + ": .zmetadata is not JSON (syntax error at byte " + std::to_string(e.byte) + ")");
    }
    if (!json.is_object() || !json.contains("metadata") || !json["metadata"].is_object())
        throw FormatError(store + ": .zmetadata has no \"metadata\" object");
    const Json& metadata = json["metadata"];
    std::vector<ArrayTexts> arrays;
    for (const auto& [key, value] : metadata.items()) {
        const std::string suffix = ".zarray";
        if (key.size() < suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        std::string prefix = key.substr(0, key.size() - suffix.size());
        if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        const auto attrs = metadata.find(prefix.empty() ? ".zattrs" : prefix + "/.zattrs");
        arrays.push_back({array_path(prefix), value.dump(), attrs == metadata.end() ? "" : attrs->dump()});
    }
    return arrays;
}

void check_store(const std::string& store) {
    if (!is_zarr_store(store)) throw FormatError(store + " is not a Zarr store (no .zarray, .zgroup or .zmetadata)");
}

// Every array's metadata texts, from .zmetadata when the store has one (as xarray reads it).
std::vector<ArrayTexts> array_texts(const std::string& store) {
    check_store(store);
    std::vector<ArrayTexts> arrays;
    if (has_file(store, ".zmetadata")) arrays = consolidated(store, read_text(fs::path(store) / ".zmetadata"));
    else walk(store, "", arrays);
    std::sort(arrays.begin(), arrays.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return arrays;
}

ZarrArrayMetadata parse(const std::string& store, const ArrayTexts& texts) {
    ZarrArrayMetadata meta = parse_zarr_array(texts.zarray, texts.zattrs, where(store, texts.path));
    meta.path = texts.path;
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
    for (const ArrayTexts& texts : array_texts(store)) {
        try {
            listed.push_back({texts.path, parse(store, texts), {}});
        } catch (const Error& e) {
            listed.push_back({texts.path, std::nullopt, e.what()});
        }
    }
    return listed;
}

ZarrArrayMetadata read_zarr_array(const std::string& store, const std::string& variable) {
    std::string key = variable;
    while (!key.empty() && key.front() == '/') key.erase(0, 1);
    while (!key.empty() && key.back() == '/') key.pop_back();
    check_store(store);
    const std::string path = array_path(key);
    if (has_file(store, ".zmetadata")) {
        for (const ArrayTexts& texts : array_texts(store))
            if (texts.path == path) return parse(store, texts);
    } else if (const fs::path dir = key.empty() ? fs::path(store) : fs::path(store) / key; has_file(dir, ".zarray")) {
        return parse(store, {path, read_text(dir / ".zarray"), read_text(dir / ".zattrs")});
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
