#include "io/hdf5/header_check.hpp"

#include <chunkarr/core/error.hpp>

#include "io/hdf5/chunk_btree.hpp"
#include "io/raw_file.hpp"

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

}  // namespace

void check_layout_before_open(const Where& at, hid_t location, const std::string& name) {
    // The object's type and header address: H5Oget_info reads the header without decoding the
    // layout. A failure is an answer: H5Oopen will say what is wrong.
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (!CHUNKARR_H5_TRY(H5Oget_info_by_name3, location, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT).ok()) return;
    haddr_t address = HADDR_UNDEF;
    if (!CHUNKARR_H5_TRY(H5VLnative_token_to_addr, location, info.token, &address).ok()) return;
#else
    H5O_info_t info;
    if (!CHUNKARR_H5_TRY(H5Oget_info_by_name2, location, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT).ok()) return;
    const haddr_t address = info.addr;
#endif
    if (info.type != H5O_TYPE_DATASET) return;
    Handle file_id(CHUNKARR_H5(at, H5Iget_file_id, location));
    Handle creation(CHUNKARR_H5(at, H5Fget_create_plist, file_id.get()));
    std::size_t sizeof_addr = 0, sizeof_size = 0;
    CHUNKARR_H5(at, H5Pget_sizes, creation.get(), &sizeof_addr, &sizeof_size);
    hsize_t userblock = 0;
    CHUNKARR_H5(at, H5Pget_userblock, creation.get(), &userblock);
    const RawFile file{std::string(at.file)};
    const auto message = read_layout_message(
        file, HDF5Addressing{userblock, static_cast<unsigned>(sizeof_addr), static_cast<unsigned>(sizeof_size)},
        address);
    if (!message) return;
    const auto dimensions = chunk_dimensions(*message, static_cast<unsigned>(sizeof_addr));
    if (!dimensions) return;
    // At least one axis and the element size; none of them 0.
    bool zero = dimensions->size() < 2;
    std::string text;
    for (const std::uint64_t dimension : *dimensions) {
        zero = zero || dimension == 0;
        text += (text.empty() ? "" : ", ") + std::to_string(dimension);
    }
    if (zero)
        throw FormatError(at.text() + " has a chunked layout message (version " + std::to_string((*message)[0]) +
                          ") with chunk dimensions (" + text + "): damaged dataset header");
}

}  // namespace chunkarr::hdf5
