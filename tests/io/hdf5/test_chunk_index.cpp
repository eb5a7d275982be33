#include <chunkarr/io/hdf5/source.hpp>

#include "io/filter_pipeline.hpp"
#include "io/hdf5/source_impl.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cstring>

using namespace chunkarr;

TEST_CASE("the chunk index and stored chunks agree with HDF5", "[io][hdf5]") {
    test_support::TempFile file("index.h5");
    std::vector<float> data(30 * 20);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>(i) * 0.25f;
    test_support::DatasetSpec spec{{30, 20}, std::vector<hsize_t>{7, 8}};
    spec.shuffle = true;
    spec.gzip = 4;
    spec.fletcher32 = true;
    test_support::write_dataset(file.path(), "/x", H5T_NATIVE_FLOAT, data.data(), spec, true);

    HDF5Source source(file.path(), "/x");
    REQUIRE(source.impl().reads_directly());
    REQUIRE(source.impl().filter_pipeline().has_value());
    CHECK(source.impl().filter_pipeline()->steps().size() == 3);
    const HDF5ChunkIndex* index = source.impl().chunk_index_or_null();
    REQUIRE(index != nullptr);
    CHECK(index->grid() == Shape{5, 3});

    hid_t f = H5Fopen(file.path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, "/x", H5P_DEFAULT);
    for (Index i = 0; i < 5; ++i)
        for (Index j = 0; j < 3; ++j) {
            const hsize_t offset[2] = {static_cast<hsize_t>(i * 7), static_cast<hsize_t>(j * 8)};
            hsize_t size = 0;
            REQUIRE(H5Dget_chunk_storage_size(d, offset, &size) >= 0);
            std::vector<std::byte> expected(size);
            std::uint32_t mask = 1;
            REQUIRE(H5Dread_chunk(d, H5P_DEFAULT, offset, &mask, expected.data()) >= 0);
            CHECK(index->at({i, j}).size == size);
            CHECK(index->at({i, j}).filter_mask == mask);
            const auto stored = source.impl().read_stored_chunk({i, j});
            CHECK(stored == expected);
            // HDF5's own checksum matches ours (stored little-endian in the last 4 bytes).
            std::uint32_t sum = 0;
            for (int b = 3; b >= 0; --b) sum = sum << 8 | static_cast<std::uint32_t>(stored[stored.size() - 4 + b]);
            CHECK(fletcher32(stored.data(), stored.size() - 4) == sum);
        }
    H5Dclose(d);
    H5Fclose(f);

    // And the decoded region equals what was written.
    std::vector<float> out(9 * 13);
    source.read({{5, 14}, {3, 16}}, out.data());
    for (int r = 0; r < 9; ++r)
        for (int c = 0; c < 13; ++c) REQUIRE(out[r * 13 + c] == data[(5 + r) * 20 + 3 + c]);
}
