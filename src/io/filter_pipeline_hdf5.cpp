// FilterPipeline::from_creation_properties lives apart from the decoder so that the decoder
// (and its sanitizer test) does not need libhdf5.
#include <chunkarr/io/filter_pipeline.hpp>
#include <chunkarr/io/hdf5_library.hpp>

namespace chunkarr {

std::optional<FilterPipeline> FilterPipeline::from_creation_properties(std::int64_t dcpl) {
    hdf5::Lock lock;
    std::vector<FilterStep> steps;
    const int count = H5Pget_nfilters(dcpl);
    for (int i = 0; i < count; ++i) {
        unsigned flags = 0, config = 0;
        std::size_t nvalues = 8;
        unsigned values[8] = {};
        char name[64] = {};
        const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nvalues, values, sizeof name,
                                               name, &config);
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

}  // namespace chunkarr
