#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/source.hpp>

#include "io/hdf5/sink.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <filesystem>
#include <fstream>

using namespace chunkarr;

TEST_CASE("sink writes atomically and round-trips", "[io][hdf5]") {
    test_support::TempFile target("sink.h5");
    NDArray a(DType::Int64, {2, 3});
    for (int i = 0; i < 6; ++i) a.data_as<std::int64_t>()[i] = (std::int64_t{1} << 60) + i;
    {
        HDF5Sink sink(target.path());
        sink.write("/group/values", a);
        CHECK_FALSE(std::filesystem::exists(target.path()));  // not before commit
        sink.commit();
    }
    HDF5Source source(target.path(), "/group/values");
    CHECK(source.dtype() == DType::Int64);
    std::vector<std::int64_t> out(6);
    source.read({{0, 2}, {0, 3}}, out.data());
    CHECK(out[5] == (std::int64_t{1} << 60) + 5);
}

TEST_CASE("an uncommitted sink leaves an existing file untouched and no temporary", "[io][hdf5]") {
    test_support::TempFile target("keep.h5");
    std::ofstream(target.path()) << "precious";
    const auto directory = std::filesystem::path(target.path()).parent_path();
    {
        HDF5Sink sink(target.path());
        sink.write("/x", NDArray(DType::Float64, {4}));
    }
    std::ifstream in(target.path());
    std::string content;
    in >> content;
    CHECK(content == "precious");
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        CHECK(entry.path().filename().string().find(std::filesystem::path(target.path()).filename().string() +
                                                    ".tmp") == std::string::npos);
    CHECK_THROWS_AS(HDF5Sink("/no/such/directory/out.h5"), IOError);
}
