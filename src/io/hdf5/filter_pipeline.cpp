#include "io/hdf5/filter_pipeline.hpp"

namespace chunkarr::hdf5 {

std::optional<FilterPipeline> read_filter_pipeline(const Where& at, hid_t dcpl) {
    Lock lock;
    std::vector<FilterStep> steps;
    const int count = CHUNKARR_H5(at, H5Pget_nfilters, dcpl);
    for (int i = 0; i < count; ++i) {
        unsigned flags = 0, config = 0;
        std::size_t nvalues = 8;
        unsigned values[8] = {};
        char name[64] = {};
        const H5Z_filter_t id = CHUNKARR_H5(at, H5Pget_filter2, dcpl, static_cast<unsigned>(i), &flags, &nvalues,
                                            values, sizeof name, name, &config);
        switch (id) {
            case H5Z_FILTER_DEFLATE: steps.push_back({FilterKind::Deflate}); break;
            case H5Z_FILTER_SHUFFLE:
                // HDF5 stores the element size as the first client value when the dataset is made.
                if (nvalues < 1) return std::nullopt;
                steps.push_back({FilterKind::Shuffle, values[0]});
                break;
            case H5Z_FILTER_FLETCHER32: steps.push_back({FilterKind::Fletcher32}); break;
            default: return std::nullopt;
        }
    }
    return FilterPipeline(std::move(steps));
}

}  // namespace chunkarr::hdf5
