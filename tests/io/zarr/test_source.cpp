#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/source.hpp>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstring>
#include <string>
#include <vector>

using namespace chunkarr;
using test_support::TempDir;

namespace {

// The bytes of `value` in big-endian order (the store's), whatever the machine's.
template <class T> std::string big_endian_bytes(T value) {
    std::string bytes(sizeof(T), '\0');
    std::memcpy(bytes.data(), &value, sizeof(T));
    if (std::endian::native == std::endian::little) std::reverse(bytes.begin(), bytes.end());
    return bytes;
}

template <class T> std::string little_endian_bytes(T value) {
    std::string bytes(sizeof(T), '\0');
    std::memcpy(bytes.data(), &value, sizeof(T));
    if (std::endian::native == std::endian::big) std::reverse(bytes.begin(), bytes.end());
    return bytes;
}

std::vector<double> read_all(const ZarrSource& source) {
    std::vector<double> out(static_cast<std::size_t>(element_count(source.shape())));
    Region whole;
    for (Index n : source.shape()) whole.push_back({0, n});
    source.read(whole, out.data());
    return out;
}

// z[i, j] = (10 i + j) + (-i - 0.5 j) i, the values the hand-written stores hold.
std::complex<double> value_at(Index i, Index j) {
    return {10.0 * static_cast<double>(i) + static_cast<double>(j),
            -static_cast<double>(i) - 0.5 * static_cast<double>(j)};
}

}  // namespace

TEST_CASE("a big-endian complex128 store in F order reads by part, each part swapped alone", "[io][zarr][complex]") {
    // Shape (3, 2) in chunks (2, 2): chunk 0.0 written (F order: (0,0), (1,0), (0,1), (1,1)),
    // chunk 1.0 missing, read as the fill value 1.5 + NaN i.
    TempDir store("zarr-complex-f");
    store.write(".zarray", R"({"zarr_format": 2, "shape": [3, 2], "chunks": [2, 2], "dtype": ">c16", "order": "F",
                               "fill_value": [1.5, "NaN"], "compressor": null, "filters": null})");
    std::string chunk;
    for (Index j = 0; j < 2; ++j)
        for (Index i = 0; i < 2; ++i)
            chunk += big_endian_bytes(value_at(i, j).real()) + big_endian_bytes(value_at(i, j).imag());
    store.write("0.0", chunk);

    const ZarrSource real(store.path().string(), "", ComplexPart::Real);
    const ZarrSource imag(store.path().string(), "", ComplexPart::Imag);
    CHECK(real.dtype() == DType::Float64);
    CHECK(real.metadata().complex);
    CHECK(zarr_stored_type_name(real.metadata()) == "complex128");
    CHECK(zarr_stored_itemsize(real.metadata()) == 16);
    CHECK(real.identity() != imag.identity());  // two parts: never merged as one read
    const auto re = read_all(real), im = read_all(imag);
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 2; ++j) {
            CHECK(re[static_cast<std::size_t>(2 * i + j)] == value_at(i, j).real());
            CHECK(im[static_cast<std::size_t>(2 * i + j)] == value_at(i, j).imag());
        }
    CHECK(re[4] == 1.5);
    CHECK(re[5] == 1.5);
    CHECK(std::isnan(im[4]));
    CHECK(std::isnan(im[5]));
}

TEST_CASE("a little-endian complex64 store reads float32 parts; its fill value rounds to float32",
          "[io][zarr][complex]") {
    TempDir store("zarr-complex-c8");
    store.write(".zarray", R"({"zarr_format": 2, "shape": [3], "chunks": [2], "dtype": "<c8", "order": "C",
                               "fill_value": [0.1, -0.2], "compressor": null, "filters": null})");
    store.write("0", little_endian_bytes(1.25f) + little_endian_bytes(-2.5f) + little_endian_bytes(3.0f) +
                         little_endian_bytes(0.1f));
    const ZarrSource real(store.path().string(), "", ComplexPart::Real);
    const ZarrSource imag(store.path().string(), "", ComplexPart::Imag);
    CHECK(real.dtype() == DType::Float32);
    std::vector<float> re(3), im(3);
    real.read({{0, 3}}, re.data());
    imag.read({{0, 3}}, im.data());
    CHECK(re == std::vector<float>{1.25f, 3.0f, 0.1f});
    CHECK(im == std::vector<float>{-2.5f, 0.1f, -0.2f});
}

TEST_CASE("chunk files rewritten between two reads give the new values (nothing kept from the last read)",
          "[io][zarr][complex]") {
    // xarray's to_zarr(region=) and zarr-python rewrite chunk files and leave .zarray as it was.
    TempDir store("zarr-complex-rewritten");
    store.write(".zarray", R"({"zarr_format": 2, "shape": [2], "chunks": [2], "dtype": "<c16", "order": "C",
                               "fill_value": null, "compressor": null, "filters": null})");
    store.write(
        "0", little_endian_bytes(1.0) + little_endian_bytes(2.0) + little_endian_bytes(3.0) + little_endian_bytes(4.0));
    const ZarrSource real(store.path().string(), "", ComplexPart::Real);
    const ZarrSource imag(store.path().string(), "", ComplexPart::Imag);
    CHECK(read_all(real) == std::vector<double>{1.0, 3.0});
    store.write(
        "0", little_endian_bytes(5.0) + little_endian_bytes(6.0) + little_endian_bytes(7.0) + little_endian_bytes(8.0));
    CHECK(read_all(real) == std::vector<double>{5.0, 7.0});
    CHECK(read_all(imag) == std::vector<double>{6.0, 8.0});
    // A source opened afresh, as the next compute() does, reads them too.
    CHECK(read_all(ZarrSource(store.path().string(), "", ComplexPart::Real)) == std::vector<double>{5.0, 7.0});
}

TEST_CASE("a complex store opened without a part, or a real one with a part, is a clear error",
          "[io][zarr][complex][errors]") {
    TempDir store("zarr-complex-errors");
    store.write(".zarray", R"({"zarr_format": 2, "shape": [3], "chunks": [2], "dtype": "<c16", "order": "C",
                               "fill_value": null, "compressor": null, "filters": null})");
    CHECK_THROWS_WITH(ZarrSource(store.path().string(), ""),
                      Catch::Matchers::Contains(":/ is complex128, which is read as its real and imaginary parts "
                                                "(open_complex), not as one real array"));
    TempDir real_store("zarr-real-part");
    real_store.write(".zarray", R"({"zarr_format": 2, "shape": [3], "chunks": [2], "dtype": "<f8", "order": "C",
                                    "fill_value": null, "compressor": null, "filters": null})");
    CHECK_THROWS_WITH(ZarrSource(real_store.path().string(), "", ComplexPart::Imag),
                      Catch::Matchers::Contains("is float64, not complex"));
}
