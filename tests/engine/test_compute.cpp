#include <chunkarr/chunkarr.hpp>
#include <chunkarr/io/memory_source.hpp>

#include "graph/node.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"
#include "support/recording_source.hpp"

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <xtensor/xmath.hpp>
#include <xtensor/xrandom.hpp>
#include <xtensor/xview.hpp>

using namespace chunkarr;
using test_support::RecordingSource;

namespace {

NDArray to_ndarray(const xt::xarray<double>& x) {
    NDArray a(DType::Float64, Shape(x.shape().begin(), x.shape().end()));
    std::copy(x.begin(), x.end(), a.data_as<double>());
    return a;
}

xt::xarray<double> sample_data(std::vector<std::size_t> shape, unsigned seed) {
    xt::random::seed(seed);
    return xt::random::randn<double>(shape, 5.0, 2.0);
}

// Straightforward reference reductions of a 3-d array (xtensor 0.24's reducers with axis
// lists crash under GCC 12 -O3, so the reference is written out).
struct Reference {
    xt::xarray<double> sum, mean, min, max, var;
};

Reference reference_reduce(const xt::xarray<double>& a, const std::vector<int>& axes) {
    std::vector<std::size_t> out_shape;
    std::vector<bool> reduced(3, false);
    for (int axis : axes) reduced[static_cast<std::size_t>(axis)] = true;
    for (std::size_t axis = 0; axis < 3; ++axis)
        if (!reduced[axis]) out_shape.push_back(a.shape()[axis]);
    Reference r;
    r.sum = xt::zeros<double>(out_shape);
    r.min = xt::xarray<double>::from_shape(out_shape);
    r.max = xt::xarray<double>::from_shape(out_shape);
    r.min.fill(INFINITY);
    r.max.fill(-INFINITY);
    auto out_index = [&](std::size_t i, std::size_t j, std::size_t k) {
        std::size_t flat = 0;
        const std::size_t idx[3] = {i, j, k};
        for (std::size_t axis = 0; axis < 3; ++axis)
            if (!reduced[axis]) flat = flat * a.shape()[axis] + idx[axis];
        return flat;
    };
    double n = 1;
    for (int axis : axes) n *= static_cast<double>(a.shape()[static_cast<std::size_t>(axis)]);
    for (std::size_t i = 0; i < a.shape()[0]; ++i)
        for (std::size_t j = 0; j < a.shape()[1]; ++j)
            for (std::size_t k = 0; k < a.shape()[2]; ++k) {
                const std::size_t o = out_index(i, j, k);
                r.sum.flat(o) += a(i, j, k);
                r.min.flat(o) = std::min(r.min.flat(o), a(i, j, k));
                r.max.flat(o) = std::max(r.max.flat(o), a(i, j, k));
            }
    r.mean = r.sum / n;
    r.var = xt::zeros<double>(out_shape);
    for (std::size_t i = 0; i < a.shape()[0]; ++i)
        for (std::size_t j = 0; j < a.shape()[1]; ++j)
            for (std::size_t k = 0; k < a.shape()[2]; ++k) {
                const std::size_t o = out_index(i, j, k);
                const double d = a(i, j, k) - r.mean.flat(o);
                r.var.flat(o) += d * d / n;
            }
    return r;
}

bool bit_identical(const NDArray& a, const NDArray& b) {
    return a.dtype() == b.dtype() && a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.nbytes()) == 0;
}

}  // namespace

TEST_CASE("elementwise expressions with broadcasting and slicing match xtensor", "[exec]") {
    const xt::xarray<double> a = sample_data({13, 7, 5}, 1);
    const xt::xarray<double> b = sample_data({7, 1}, 2);
    const Array x = from_ndarray(to_ndarray(a), {4, 3, 5});
    const Array y = from_ndarray(to_ndarray(b), {2, 1});
    const xt::xarray<double> got = (sqrt(abs(x * y + 1.5)) - x / 3.0).compute();
    const xt::xarray<double> want = xt::sqrt(xt::abs(a * b + 1.5)) - a / 3.0;
    REQUIRE(got.shape() == want.shape());
    CHECK(xt::allclose(got, want, 1e-15, 0));

    const xt::xarray<double> sliced = (x * 2.0)[{Slice{1, 12, 3}, Index{-2}, Slice{std::nullopt, 4}}].compute();
    const xt::xarray<double> sliced_want = xt::view(a * 2.0, xt::range(1, 12, 3), 5, xt::range(0, 4));
    REQUIRE(sliced.shape() == sliced_want.shape());
    CHECK(xt::allclose(sliced, sliced_want));

    const xt::xarray<bool> mask = (where(x > 5.0, x, 0.0) == 0.0).compute();
    const xt::xarray<bool> mask_want = xt::equal(xt::where(a > 5.0, a, 0.0), 0.0);
    CHECK(mask == mask_want);
}

TEST_CASE("reductions over every axis subset match xtensor", "[exec]") {
    const xt::xarray<double> a = sample_data({9, 6, 11}, 3);
    const Array x = from_ndarray(to_ndarray(a), {4, 5, 3});
    const std::vector<std::vector<int>> subsets{{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};
    for (const auto& axes : subsets) {
        const Reference want = reference_reduce(a, axes);
        INFO("axes size " << axes.size() << " first " << axes.front());
        const auto results =
            compute({x.sum(axes), x.mean(axes), x.min(axes), x.max(axes), x.var(axes), x.std(axes, false, 1)});
        const xt::xarray<double> sum = results[0], mean = results[1], min = results[2], max = results[3],
                                 var = results[4], std1 = results[5];
        CHECK(xt::allclose(sum, want.sum, 1e-12));
        CHECK(xt::allclose(mean, want.mean, 1e-12));
        CHECK(min == want.min);
        CHECK(max == want.max);
        CHECK(xt::allclose(var, want.var, 1e-12));
        const xt::xarray<double> want_var = want.var;
        Index n = 1;
        for (int axis : axes) n *= static_cast<Index>(a.shape()[static_cast<std::size_t>(axis)]);
        const double correction = std::sqrt(static_cast<double>(n) / static_cast<double>(n - 1));
        CHECK(xt::allclose(std1, xt::sqrt(want_var) * correction, 1e-12));
    }
    const xt::xarray<double> kept = x.sum({1}, true).compute();
    CHECK(kept.shape() == std::vector<std::size_t>{9, 1, 11});
}

TEST_CASE("results are bit-identical for 1, 2 and 4 threads", "[exec][determinism]") {
    const xt::xarray<double> a = sample_data({64, 33, 17}, 4) * 1e6;
    const Array x = from_ndarray(to_ndarray(a), {3, 5, 4});
    const std::vector<Array> outputs{x.sum(), x.std(), x.mean({0}), (x * x).sum({1, 2})};
    std::vector<std::vector<NDArray>> runs;
    for (int threads : {1, 2, 4}) {
        ComputeOptions options;
        options.threads = threads;
        runs.push_back(compute(outputs, options));
    }
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        CHECK(bit_identical(runs[0][i], runs[1][i]));
        CHECK(bit_identical(runs[0][i], runs[2][i]));
    }
}

TEST_CASE("computing several reductions reads every chunk once", "[exec]") {
    const xt::xarray<double> a = sample_data({20, 12}, 5);
    auto source = std::make_shared<RecordingSource>(to_ndarray(a), Shape{6, 5});
    const Array x(make_source_node(source));
    const auto results = compute({x.mean(), x.std(), x.max(), (x * 2.0).min()});
    CHECK(results[0].value_as_double(0) == Approx(xt::mean(a)()).epsilon(1e-13));
    CHECK(results[3].value_as_double(0) == Approx(2 * xt::amin(a)()));
    const auto reads = source->reads();
    CHECK(reads.size() == 4 * 3);  // every chunk of the 4x3 grid, each once
    for (std::size_t i = 0; i < reads.size(); ++i)
        for (std::size_t j = i + 1; j < reads.size(); ++j) CHECK_FALSE(reads[i] == reads[j]);
}

TEST_CASE("an anomaly reduction runs in two stages and matches", "[exec]") {
    const xt::xarray<double> a = sample_data({30, 8, 2}, 6);
    const Array x = from_ndarray(to_ndarray(a), {7, 3, 1});
    const xt::xarray<double> got = (x - x.mean({0})).std({0}).compute();
    const xt::xarray<double> mean = reference_reduce(a, {0}).mean;
    xt::xarray<double> centred = a;
    for (std::size_t i = 0; i < a.shape()[0]; ++i)
        for (std::size_t j = 0; j < a.shape()[1]; ++j)
            for (std::size_t k = 0; k < a.shape()[2]; ++k) centred(i, j, k) -= mean(j, k);
    const xt::xarray<double> want = xt::sqrt(reference_reduce(centred, {0}).var);
    CHECK(xt::allclose(got, want, 1e-12));
}

TEST_CASE("a failing chunk cancels the rest and names the chunk", "[exec][errors]") {
    NDArray data(DType::Float64, {400});
    auto source = std::make_shared<RecordingSource>(data, Shape{4}, Region{{40, 44}}, std::chrono::milliseconds(2));
    const Array x(make_source_node(source));
    ComputeOptions options;
    options.threads = 2;
    try {
        x.sum().compute(options);
        FAIL("expected an IOError");
    } catch (const IOError& e) {
        const std::string message = e.what();
        CHECK(message.find("simulated read failure") != std::string::npos);
        CHECK(message.find("chunk (10)") != std::string::npos);
        CHECK(message.find("40:44") != std::string::npos);
    }
    // Cancelled: the 100-chunk walk stopped well before the end.
    CHECK(source->reads().size() < 100);
}

TEST_CASE("a cancel flag stops the computation", "[exec][errors]") {
    std::atomic<bool> cancel{true};
    ComputeOptions options;
    options.cancel = &cancel;
    CHECK_THROWS_AS(ones({100}, DType::Float64, {10}).sum().compute(options), CancelledError);
    CHECK_THROWS_AS(ones({100}).sum().compute(ComputeOptions{.threads = -1}), ValueError);
}

TEST_CASE("empty and 0-d arrays reduce like NumPy", "[exec]") {
    CHECK(zeros({0}, DType::Int32).sum().compute().value_as_int64(0) == 0);
    CHECK(std::isnan(zeros({3, 0}).mean().compute().value_as_double(0)));
    const NDArray per_row = zeros({3, 0}).sum({1}).compute();
    CHECK(per_row.shape() == Shape{3});
    CHECK(zeros({3, 0}).any().compute().value_as_int64(0) == 0);
    CHECK(zeros({3, 0}).all().compute().value_as_int64(0) == 1);
    NDArray scalar(DType::Float64, {});
    scalar.data_as<double>()[0] = 4.5;
    const Array s = from_ndarray(scalar);
    CHECK((s * 2.0).sum().compute().value_as_double(0) == 9.0);
    CHECK(s.max().compute().value_as_double(0) == 4.5);
}

TEST_CASE("the memory budget bounds peak memory on a file larger than the budget", "[exec][memory]") {
    test_support::TempFile file("budget.h5");
    // 32 MiB of float64 in 256 KiB chunks; budget 4 MiB.
    const std::size_t rows = 512, cols = 8192;
    std::vector<double> data(rows * cols);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<double>(i % 1000) * 0.5;
    test_support::DatasetSpec spec{{rows, cols}, std::vector<hsize_t>{4, 8192}};
    test_support::write_dataset(file.path(), "/big", H5T_NATIVE_DOUBLE, data.data(), spec, true);
    const Array x = open(file.path(), "/big");
    ComputeReport report;
    ComputeOptions options;
    options.memory_limit = 4 << 20;
    options.report = &report;
    const auto results = compute({x.sum(), x.max(), x.std()}, options);
    double expected = 0;
    for (double v : data) expected += v;
    CHECK(results[0].value_as_double(0) == Approx(expected).epsilon(1e-14));
    CHECK(results[1].value_as_double(0) == 499.5);
    CHECK(report.bytes_read == rows * cols * 8);  // one pass for all three
    const NDArray column_means = x.mean({0}).compute(options);
    for (std::size_t c : {std::size_t{0}, std::size_t{3}, cols - 1}) {
        double column = 0;
        for (std::size_t r = 0; r < rows; ++r) column += data[r * cols + c];
        CHECK(column_means.value_as_double(static_cast<Index>(c)) == Approx(column / rows).epsilon(1e-14));
    }
    CHECK(report.peak_bytes > 0);
    CHECK(report.peak_bytes <= options.memory_limit);
    CHECK(report.memory_limit == options.memory_limit);
    // A budget smaller than one task is an error, not a hang.
    options.memory_limit = 1000;
    CHECK_THROWS_AS(x.sum().compute(options), MemoryBudgetError);
}

TEST_CASE("damaged chunk bytes give an error naming file, dataset and chunk", "[exec][errors][hdf5]") {
    test_support::TempFile file("damaged.h5");
    std::vector<double> data(64 * 64);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = std::sin(static_cast<double>(i));
    test_support::DatasetSpec spec{{64, 64}, std::vector<hsize_t>{16, 64}};
    spec.gzip = 1;
    test_support::write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, data.data(), spec, true);
    {
        // Overwrite the middle of the file (inside the compressed chunks) with garbage.
        std::fstream f(file.path(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(0, std::ios::end);
        const auto size = static_cast<long>(f.tellg());
        f.seekp(size / 2);
        const std::string garbage(512, '\x5a');
        f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    try {
        open(file.path(), "/x").sum().compute();
        FAIL("expected an IOError");
    } catch (const IOError& e) {
        const std::string message = e.what();
        CHECK(message.find(file.path() + ":/x") != std::string::npos);
        CHECK(message.find("chunk (") != std::string::npos);
    }
}

TEST_CASE("an anomaly on a file twice the budget streams the data twice inside the budget", "[exec][memory]") {
    test_support::TempFile file("anomaly.h5");
    // 16 MiB of float64, chunks of 128 KiB; budget 8 MiB.
    const std::size_t rows = 256, cols = 8192;
    std::vector<double> data(rows * cols);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = std::sin(static_cast<double>(i) * 0.001) * 10 + static_cast<double>(i % 7);
    test_support::DatasetSpec spec{{rows, cols}, std::vector<hsize_t>{2, 8192}};
    test_support::write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, data.data(), spec, true);
    const Array x = open(file.path(), "/x");
    ComputeReport report;
    ComputeOptions options;
    options.memory_limit = 8 << 20;
    options.report = &report;
    const NDArray result = (x - x.mean({0})).std({0}).compute(options);
    CHECK(report.peak_bytes <= options.memory_limit);
    CHECK(report.bytes_read == 2 * rows * cols * 8);  // mean first, then the data again
    for (std::size_t c : {std::size_t{0}, std::size_t{1234}, cols - 1}) {
        double mean = 0;
        for (std::size_t r = 0; r < rows; ++r) mean += data[r * cols + c];
        mean /= rows;
        double m2 = 0;
        for (std::size_t r = 0; r < rows; ++r) m2 += (data[r * cols + c] - mean) * (data[r * cols + c] - mean);
        CHECK(result.value_as_double(static_cast<Index>(c)) == Approx(std::sqrt(m2 / rows)).epsilon(1e-12));
    }
}

TEST_CASE("concatenate joins arrays along any axis, with chunks from each part", "[exec]") {
    NDArray a(DType::Int32, {3, 4}), b(DType::Float32, {2, 4});
    for (Index i = 0; i < 12; ++i) a.data_as<std::int32_t>()[i] = static_cast<std::int32_t>(i);
    for (Index i = 0; i < 8; ++i) b.data_as<float>()[i] = 100.0f + static_cast<float>(i);
    const Array joined = concatenate({from_ndarray(a, {2, 3}), from_ndarray(b, {1, 4})}, 0);
    CHECK(joined.shape() == Shape{5, 4});
    CHECK(joined.dtype() == DType::Float64);  // int32 with float32 promotes to float64
    CHECK(joined.chunks().chunks(0) == std::vector<Index>{2, 1, 1, 1});
    const NDArray values = joined.rechunk(ChunkGrid::regular({5, 4}, {2, 2})).compute();
    CHECK(values.value_as_double(2 * 4 + 3) == 11.0);
    CHECK(values.value_as_double(3 * 4 + 0) == 100.0);
    CHECK(values.value_as_double(4 * 4 + 3) == 107.0);
    CHECK(joined.sum().compute().value_as_double(0) == 66.0 + 8 * 100.0 + 28.0);
    const Array side = concatenate({from_ndarray(a), from_ndarray(a)}, -1);
    CHECK(side.shape() == Shape{3, 8});
    CHECK(side[{Index{1}, Index{6}}].compute().value_as_int64(0) == 6);
    CHECK_THROWS_AS(concatenate({from_ndarray(a), from_ndarray(b)}, 1), ValueError);
}

TEST_CASE("transpose reorders axes and their chunks", "[exec]") {
    NDArray a(DType::Int16, {2, 3, 4});
    for (Index i = 0; i < 24; ++i) a.data_as<std::int16_t>()[i] = static_cast<std::int16_t>(i);
    const Array x = from_ndarray(a, {1, 2, 3});
    const Array t = transpose(x, {2, 0, 1});
    CHECK(t.shape() == Shape{4, 2, 3});
    CHECK(t.chunks().chunks(0) == std::vector<Index>{3, 1});
    const NDArray values = t.compute();
    // t[k, i, j] == a[i, j, k]
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 3; ++j)
            for (Index k = 0; k < 4; ++k) REQUIRE(values.value_as_int64(k * 6 + i * 3 + j) == i * 12 + j * 4 + k);
    CHECK(transpose(x).shape() == Shape{4, 3, 2});
    CHECK(transpose(x, {0, 1, 2}).node() == x.node());
    CHECK_THROWS_AS(transpose(x, {0, 0, 1}), ValueError);
}
