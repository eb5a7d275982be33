#include <chunkarr/core/error.hpp>

#include "io/raw_file.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <fstream>

using namespace chunkarr;

TEST_CASE("raw file reads exact byte ranges and reports short files", "[io]") {
    test_support::TempFile file("raw.bin");
    std::ofstream(file.path(), std::ios::binary) << "0123456789";
    const RawFile raw(file.path());
    std::byte out[4];
    raw.read_at(3, 4, out);
    CHECK(std::string(reinterpret_cast<char*>(out), 4) == "3456");
    CHECK_THROWS_WITH(raw.read_at(8, 4, out), Catch::Matchers::Contains("truncated"));
    CHECK_THROWS_AS(RawFile("/nonexistent/raw.bin"), IOError);
}
