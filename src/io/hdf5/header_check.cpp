#include "io/hdf5/header_check.hpp"

#include <chunkarr/core/error.hpp>

#include "io/hdf5/file.hpp"
#include "io/hdf5/global_heap.hpp"
#include "io/hdf5/object_header.hpp"
#include "io/raw_file.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace chunkarr::hdf5 {

namespace {

// The chunk dimensions of a chunked Data Layout message (File Format Specification IV.A.2.i),
// the element size last for versions 1 to 3; nullopt for another layout or a message too short.
std::optional<std::vector<std::uint64_t>> chunk_dimensions(const std::vector<std::uint8_t>& message,
                                                           unsigned sizeof_addr) {
    constexpr std::uint8_t chunked = 2;
    std::size_t at = 0;
    unsigned rank = 0, width = 4;
    if (message.size() < 5) return std::nullopt;
    switch (message[0]) {
        case 1:
        case 2:  // version, dimensionality, class, 5 reserved bytes, address, dimensions
            if (message[2] != chunked) return std::nullopt;
            rank = message[1];
            at = 8 + sizeof_addr;
            break;
        case 3:  // version, class, dimensionality, address, dimensions
            if (message[1] != chunked) return std::nullopt;
            rank = message[2];
            at = 3 + sizeof_addr;
            break;
        case 4:  // version, class, flags, dimensionality, bytes per dimension, dimensions
            if (message[1] != chunked || message[4] == 0 || message[4] > 8) return std::nullopt;
            rank = message[3];
            width = message[4];
            at = 5;
            break;
        default: return std::nullopt;
    }
    if (at + static_cast<std::size_t>(rank) * width > message.size()) return std::nullopt;
    std::vector<std::uint64_t> dimensions(rank, 0);
    for (auto& dimension : dimensions)
        for (unsigned i = 0; i < width; ++i) dimension |= std::uint64_t{message[at++]} << (8 * i);
    return dimensions;
}

// Where an object's header lies in the file, and how the file stores addresses.
struct HeaderOnDisk {
    H5O_type_t type;
    std::uint64_t address;  // relative
    HDF5Addressing addressing;
};

// The object `name` (relative to `location`; "." for the object itself). nullopt when HDF5
// cannot tell: then H5Oopen or H5Aopen will say what is wrong. H5Oget_info reads the header
// without decoding its messages.
std::optional<HeaderOnDisk> header_on_disk(const Where& at, hid_t location, const std::string& name) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (!CHUNKARR_H5_TRY(H5Oget_info_by_name3, location, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT).ok())
        return std::nullopt;
    haddr_t address = HADDR_UNDEF;
    if (!CHUNKARR_H5_TRY(H5VLnative_token_to_addr, location, info.token, &address).ok()) return std::nullopt;
#else
    H5O_info_t info;
    if (!CHUNKARR_H5_TRY(H5Oget_info_by_name2, location, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT).ok())
        return std::nullopt;
    const haddr_t address = info.addr;
#endif
    return HeaderOnDisk{info.type, address, file_addressing(at, location)};
}

// What is wrong with a global heap collection that an attribute of the object whose header is
// at `address` points to; nullopt when nothing (or the header does not parse: HDF5 judges it).
std::optional<std::string> attribute_heap_problem(const RawFile& file, const HDF5Addressing& addressing,
                                                  std::uint64_t address) {
    const auto attributes = read_header_messages(file, addressing, address, header_message_type::attribute);
    if (!attributes) return std::nullopt;
    std::vector<std::uint64_t> checked;
    for (const HeaderMessage& attribute : *attributes)
        for (const std::uint64_t collection : attribute_heap_collections(attribute, addressing)) {
            if (std::find(checked.begin(), checked.end(), collection) != checked.end()) continue;
            checked.push_back(collection);
            if (auto problem = global_heap_problem(file, addressing, collection))
                return "an attribute's value is in " + *problem;
        }
    return std::nullopt;
}

// H5Ovisit's callback: collects each object's name and header address (checked after it
// returns, so that nothing throws through libhdf5).
struct VisitedObject {
    std::string name;
    std::uint64_t address;
};

#if H5_VERSION_GE(1, 12, 0)
herr_t collect_object(hid_t object, const char* name, const H5O_info2_t* info, void* data) {
    try {
        haddr_t address = HADDR_UNDEF;
        if (H5VLnative_token_to_addr(object, info->token, &address) < 0) return 0;
        static_cast<std::vector<VisitedObject>*>(data)->push_back({name, address});
        return 0;
    } catch (...) {
        return -1;
    }
}
#else
herr_t collect_object(hid_t, const char* name, const H5O_info_t* info, void* data) {
    try {
        static_cast<std::vector<VisitedObject>*>(data)->push_back({name, info->addr});
        return 0;
    } catch (...) {
        return -1;
    }
}
#endif

}  // namespace

void check_layout_before_open(const Where& at, hid_t location, const std::string& name) {
    const auto header = header_on_disk(at, location, name);
    if (!header || header->type != H5O_TYPE_DATASET) return;
    const RawFile file{std::string(at.file)};
    const auto messages =
        read_header_messages(file, header->addressing, header->address, header_message_type::layout, 1);
    if (!messages || messages->empty()) return;
    const HeaderMessage& message = messages->front();
    const auto dimensions = chunk_dimensions(message, header->addressing.sizeof_addr);
    if (!dimensions) return;
    // At least one axis and the element size; none of them 0.
    bool zero = dimensions->size() < 2;
    std::string text;
    for (const std::uint64_t dimension : *dimensions) {
        zero = zero || dimension == 0;
        text += (text.empty() ? "" : ", ") + std::to_string(dimension);
    }
    if (zero)
        throw FormatError(at.text() + " has a chunked layout message (version " + std::to_string(message[0]) +
                          ") with chunk dimensions (" + text + "): damaged dataset header");
}

void check_attribute_heaps(const Where& at, hid_t object) {
    const auto header = header_on_disk(at, object, ".");
    if (!header) return;
    const RawFile file{std::string(at.file)};
    if (const auto problem = attribute_heap_problem(file, header->addressing, header->address))
        throw FormatError(at.text() + ": " + *problem);
}

void check_attribute_heaps_of_file(const std::string& path) {
    Lock lock;
    const auto opened = CHUNKARR_H5_TRY(H5Fopen, path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (!opened.ok()) return;  // libnetcdf will say what is wrong
    const Handle file_id(opened.value);
    const Where at{path, "/"};
    std::vector<VisitedObject> objects;
#if H5_VERSION_GE(1, 12, 0)
    CHUNKARR_H5_TRY(H5Ovisit3, file_id.get(), H5_INDEX_NAME, H5_ITER_NATIVE, collect_object, &objects, H5O_INFO_BASIC);
#else
    CHUNKARR_H5_TRY(H5Ovisit2, file_id.get(), H5_INDEX_NAME, H5_ITER_NATIVE, collect_object, &objects, H5O_INFO_BASIC);
#endif
    // What H5Ovisit could not reach is libnetcdf's to report.
    const HDF5Addressing addressing = file_addressing(at, file_id.get());
    const RawFile file{path};
    for (const VisitedObject& object : objects)
        if (const auto problem = attribute_heap_problem(file, addressing, object.address))
            throw FormatError(Where(path, object.name == "." ? "/" : "/" + object.name).text() + ": " + *problem);
}

}  // namespace chunkarr::hdf5
