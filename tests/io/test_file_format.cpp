#include <chunkarr/core/error.hpp>
#include <chunkarr/io/file_format.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <fstream>

using namespace chunkarr;

TEST_CASE("formats are recognised by their first bytes, not their names", "[io]") {
    test_support::TempFile classic("classic.h5"), offset("offset.nc"), data64("cdf5.bin"), text("text.nc"),
        h5("real.dat");
    std::ofstream(classic.path(), std::ios::binary) << std::string("CDF\x01\0\0\0\0", 8);
    std::ofstream(offset.path(), std::ios::binary) << std::string("CDF\x02\0\0\0\0", 8);
    std::ofstream(data64.path(), std::ios::binary) << std::string("CDF\x05\0\0\0\0", 8);
    std::ofstream(text.path()) << "just text, not a dataset\n";
    double v = 1;
    test_support::write_dataset(h5.path(), "/x", H5T_NATIVE_DOUBLE, &v, test_support::DatasetSpec{{1}}, true);
    CHECK(detect_file_format(classic.path()) == FileFormat::NetCDF3Classic);
    CHECK(detect_file_format(offset.path()) == FileFormat::NetCDF3Offset64);
    CHECK(detect_file_format(data64.path()) == FileFormat::NetCDF3Data64);
    CHECK(detect_file_format(text.path()) == FileFormat::Unknown);
    CHECK(detect_file_format(h5.path()) == FileFormat::HDF5);
    CHECK_THROWS_AS(detect_file_format("/nonexistent/file.nc"), IOError);
}
