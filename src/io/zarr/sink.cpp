#include "io/zarr/sink.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include "io/zarr/codecs.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unistd.h>
#include <variant>

namespace chunkarr {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Writes `size` bytes to `path` under a temporary name, then renames it: a reader never sees a
// partial file.
void write_file_atomically(const std::string& path, const void* bytes, std::size_t size) {
    const std::string temporary = path + ".partial";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw IOError("cannot create " + temporary + ": " + std::strerror(errno));
    const auto* data = static_cast<const char*>(bytes);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            throw IOError("cannot write " + temporary + ": " + std::strerror(error));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) throw IOError("cannot write " + temporary + ": " + std::strerror(errno));
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
        throw IOError("cannot rename " + temporary + " to " + path + ": " + std::strerror(errno));
}

void write_json(const fs::path& path, const Json& json) {
    const std::string text = json.dump(4);
    write_file_atomically(path.string(), text.data(), text.size());
}

// Attributes as .zattrs entries, as zarr-python writes them: strings, one number as a number,
// several as a list; integers stay integers.
void add_attributes(Json& zattrs, const Attributes& attributes) {
    for (const auto& [name, value] : attributes.all()) {
        if (const auto* text = std::get_if<std::string>(&value)) {
            zattrs[name] = *text;
            continue;
        }
        const auto& numbers = std::get<std::vector<long double>>(value);
        const std::optional<DType> type = attributes.number_type(name);
        const bool integer = type && is_integer(*type);
        const bool is_unsigned_type = integer && is_unsigned(*type);
        Json list = Json::array();
        for (long double number : numbers) {
            if (!integer) list.push_back(static_cast<double>(number));
            else if (is_unsigned_type) list.push_back(static_cast<unsigned long long>(number));
            else list.push_back(static_cast<long long>(number));
        }
        zattrs[name] = list.size() == 1 ? list[0] : list;
    }
}

Json fill_value_json(const DatasetSpec& spec) {
    // NaN pads float chunks (xarray's default _FillValue); integers have none, so that xarray
    // masks nothing. Complex values: zarr-python's [real, imaginary].
    if (spec.complex_pairs) return Json::array({"NaN", "NaN"});
    if (is_float(spec.dtype)) return "NaN";
    return nullptr;
}

// What the .zarray describes: complex pairs without their last (parts) axis.
Shape stored_shape(const DatasetSpec& spec, const Shape& shape) {
    return spec.complex_pairs ? Shape(shape.begin(), shape.end() - 1) : shape;
}

Json compressor_json(const ZarrCompressor& c) {
    if (c.id.empty()) return nullptr;
    if (c.id == "blosc")
        return {{"id", "blosc"}, {"cname", c.cname}, {"clevel", c.level}, {"shuffle", c.shuffle}, {"blocksize", 0}};
    return {{"id", c.id}, {"level", c.level}};
}

std::string temporary_name(const std::string& target) {
    static std::atomic<unsigned> counter{0};
    const fs::path path(target);
    std::string name = ".";  // hidden beside the target
    name += path.filename().string();
    name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    return (path.parent_path() / name).string();
}

}  // namespace

ZarrSink::ZarrSink(std::string target) : target_(std::move(target)) {
    while (target_.size() > 1 && target_.back() == '/') target_.pop_back();
    std::error_code ec;
    if (fs::is_directory(target_, ec) && !is_zarr_store(target_) && !fs::is_empty(target_, ec))
        throw ValueError(target_ + " is a directory that is not a Zarr store: not replaced");
    temporary_ = temporary_name(target_);
    if (!fs::create_directory(temporary_, ec))
        throw IOError("cannot create " + temporary_ + ": " + (ec ? ec.message() : "it exists"));
}

ZarrSink::~ZarrSink() {
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(temporary_, ec);
}

int ZarrSink::define(const DatasetSpec& spec, const ZarrCompressor& compressor) {
    Array array{spec, compressor, temporary_ + spec.path};
    if (array.spec.chunks.empty() || array.spec.shape.empty()) array.spec.chunks = array.spec.shape;
    std::error_code ec;
    fs::create_directories(array.directory, ec);
    if (ec) throw IOError("cannot create " + array.directory + ": " + ec.message());
    arrays_.push_back(std::move(array));
    return static_cast<int>(arrays_.size() - 1);
}

void ZarrSink::encode_chunk(int id, const std::byte* chunk, std::vector<std::byte>& out) const {
    const Array& array = arrays_.at(static_cast<std::size_t>(id));
    const std::size_t item = itemsize(array.spec.dtype);
    encode_zarr_chunk(array.compressor, item, chunk, static_cast<std::size_t>(element_count(array.spec.chunks)) * item,
                      out);
}

void ZarrSink::write_chunk(int id, const std::vector<Index>& offset, const std::byte* bytes, std::size_t size) const {
    const Array& array = arrays_.at(static_cast<std::size_t>(id));
    std::vector<Index> index(offset.size());
    for (std::size_t axis = 0; axis < offset.size(); ++axis) index[axis] = offset[axis] / array.spec.chunks[axis];
    if (array.spec.complex_pairs) index.pop_back();  // the parts axis is in every chunk whole
    write_file_atomically(array.directory + "/" + zarr_chunk_key(index, '.'), bytes, size);
}

void ZarrSink::write(int id, const NDArray& values) {
    std::vector<std::byte> encoded;
    const NDArray typed = values.astype(arrays_.at(static_cast<std::size_t>(id)).spec.dtype);
    encode_chunk(id, static_cast<const std::byte*>(typed.data()), encoded);
    write_chunk(id, std::vector<Index>(typed.shape().size(), 0), encoded.data(), encoded.size());
}

void ZarrSink::commit() {
    // Metadata last: until now the directory holds chunks no reader would look at.
    Json consolidated = Json::object();
    std::set<std::string> groups;
    bool root_array = false;
    for (const Array& array : arrays_) {
        const DatasetSpec& spec = array.spec;
        const std::string dtype =
            spec.complex_pairs ? (spec.dtype == DType::Float32 ? "<c8" : "<c16") : zarr_dtype_text(spec.dtype);
        Json zarray = {{"zarr_format", 2},
                       {"shape", stored_shape(spec, spec.shape)},
                       {"chunks", stored_shape(spec, spec.chunks)},
                       {"dtype", dtype},
                       {"order", "C"},
                       {"fill_value", fill_value_json(spec)},
                       {"compressor", compressor_json(array.compressor)},
                       {"filters", nullptr},
                       {"dimension_separator", "."}};
        std::vector<std::string> dimensions = spec.dimensions;
        if (spec.complex_pairs && !dimensions.empty()) dimensions.pop_back();
        if (dimensions.empty())
            for (std::size_t axis = 0; axis < stored_shape(spec, spec.shape).size(); ++axis)
                dimensions.push_back("dim_" + std::to_string(axis));
        Json zattrs = Json::object();
        add_attributes(zattrs, spec.attributes);
        zattrs["_ARRAY_DIMENSIONS"] = dimensions;
        write_json(fs::path(array.directory) / ".zarray", zarray);
        write_json(fs::path(array.directory) / ".zattrs", zattrs);
        const std::string key = spec.path.substr(1);  // "/a/b" -> "a/b"; "" for an array at the root
        const std::string prefix = key.empty() ? "" : key + "/";
        root_array = root_array || key.empty();
        consolidated[prefix + ".zarray"] = zarray;
        consolidated[prefix + ".zattrs"] = zattrs;
        for (std::size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', slash + 1))
            groups.insert(key.substr(0, slash));
    }
    if (!root_array) groups.insert("");
    const Json zgroup = {{"zarr_format", 2}};
    for (const std::string& group : groups) {
        write_json(fs::path(temporary_) / group / ".zgroup", zgroup);
        consolidated[group.empty() ? ".zgroup" : group + "/.zgroup"] = zgroup;
    }
    if (!root_array && !file_attributes_.all().empty()) {
        Json root_attributes = Json::object();
        add_attributes(root_attributes, file_attributes_);
        write_json(fs::path(temporary_) / ".zattrs", root_attributes);
        consolidated[".zattrs"] = root_attributes;
    }
    write_json(fs::path(temporary_) / ".zmetadata", {{"metadata", consolidated}, {"zarr_consolidated_format", 1}});

    std::error_code ec;
    if (fs::exists(fs::symlink_status(target_, ec))) {
        // Swapped in one step, so that the target is always one whole store; the old one is then
        // removed from the temporary name.
        if (::renameat2(AT_FDCWD, temporary_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0)
            throw IOError("cannot replace " + target_ + ": " + std::strerror(errno));
        committed_ = true;
        fs::remove_all(temporary_, ec);
        return;
    }
    if (std::rename(temporary_.c_str(), target_.c_str()) != 0)
        throw IOError("cannot rename " + temporary_ + " to " + target_ + ": " + std::strerror(errno));
    committed_ = true;
}

}  // namespace chunkarr
