#include "io/hdf5/layout.hpp"

namespace chunkarr::hdf5 {

Layout read_layout(const Where& at, hid_t dataset) {
    Layout layout;
    Handle dcpl(CHUNKARR_H5(at, H5Dget_create_plist, dataset));
    switch (CHUNKARR_H5(at, H5Pget_layout, dcpl.get())) {
        case H5D_CHUNKED: {
            layout.name = "chunked";
            const int rank = CHUNKARR_H5(at, H5Pget_chunk, dcpl.get(), 0, nullptr);
            std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
            if (rank > 0) CHUNKARR_H5(at, H5Pget_chunk, dcpl.get(), rank, dims.data());
            layout.chunks = Shape(dims.begin(), dims.end());
            break;
        }
        case H5D_COMPACT: layout.name = "compact"; break;
        case H5D_VIRTUAL: layout.name = "virtual"; break;
        default: layout.name = "contiguous"; break;
    }
    const int nfilters = CHUNKARR_H5(at, H5Pget_nfilters, dcpl.get());
    for (int i = 0; i < nfilters; ++i) {
        unsigned flags = 0, config = 0;
        std::size_t nvalues = 8;
        unsigned values[8] = {};
        char name[256] = {};
        const H5Z_filter_t id = CHUNKARR_H5(at, H5Pget_filter2, dcpl.get(), static_cast<unsigned>(i), &flags, &nvalues,
                                            values, sizeof name, name, &config);
        std::string label;
        switch (id) {
            case H5Z_FILTER_DEFLATE: label = "deflate(" + std::to_string(nvalues ? values[0] : 0) + ")"; break;
            case H5Z_FILTER_SHUFFLE: label = "shuffle"; break;
            case H5Z_FILTER_FLETCHER32: label = "fletcher32"; break;
            case H5Z_FILTER_SZIP: label = "szip"; break;
            case H5Z_FILTER_NBIT: label = "nbit"; break;
            case H5Z_FILTER_SCALEOFFSET: label = "scaleoffset"; break;
            default: label = "filter-" + std::to_string(id); break;
        }
        layout.filters.push_back(label);
        // A failure is an answer too: the filter is not available.
        const auto available = CHUNKARR_H5_TRY(H5Zfilter_avail, id);
        if (!available.ok() || available.value == 0) {
            // An optional filter may be skipped by every chunk (its bit in the chunk's filter
            // mask), so only a required one is an error before reading.
            const std::string shown = name[0] ? std::string(name) : label;
            (flags & H5Z_FLAG_OPTIONAL ? layout.optional_unavailable : layout.unavailable).emplace_back(id, shown);
        }
    }
    return layout;
}

}  // namespace chunkarr::hdf5
