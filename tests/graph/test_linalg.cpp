#include <chunkarr/chunkarr.hpp>

#include "graph/node.hpp"
#include "optimize/optimizer.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

using namespace chunkarr;

namespace {

// Row-major values of a given shape, reproducible.
std::vector<double> values(std::size_t count, unsigned seed) {
    std::mt19937 generator(seed);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> v(count);
    for (double& x : v) x = uniform(generator);
    return v;
}

Array make(const Shape& shape, const Shape& chunks, unsigned seed, DType dtype = DType::Float64) {
    NDArray a(DType::Float64, shape);
    const auto v = values(static_cast<std::size_t>(element_count(shape)), seed);
    std::copy(v.begin(), v.end(), a.data_as<double>());
    Array x = from_ndarray(std::move(a), chunks);
    if (dtype != DType::Float64) x = (x * 10.0).astype(dtype);  // small integers for int tests
    return x;
}

// Plain reference: out[i, j] = sum_k a[i, k] * b[k, j] for 2-d a (m, k), b (k, n), from
// computed (unchunked) values, in long double.
std::vector<long double> reference_matmul(const NDArray& a, const NDArray& b) {
    const Index m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    std::vector<long double> out(static_cast<std::size_t>(m * n), 0.0L);
    for (Index i = 0; i < m; ++i)
        for (Index t = 0; t < k; ++t)
            for (Index j = 0; j < n; ++j)
                out[static_cast<std::size_t>(i * n + j)] +=
                    static_cast<long double>(a.value_as_double(i * k + t)) * b.value_as_double(t * n + j);
    return out;
}

void check_close(const NDArray& got, const std::vector<long double>& expected, double tolerance = 1e-12) {
    REQUIRE(static_cast<std::size_t>(element_count(got.shape())) == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        CHECK(got.value_as_double(static_cast<Index>(i)) ==
              Approx(static_cast<double>(expected[i])).margin(tolerance).epsilon(tolerance));
}

bool same_bytes(const NDArray& a, const NDArray& b) {
    return a.dtype() == b.dtype() && a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(element_count(a.shape())) * itemsize(a.dtype())) ==
               0;
}

}  // namespace

TEST_CASE("matmul of 2-d operands with edge chunks and unaligned contraction chunks", "[graph][linalg]") {
    const Array a = make({37, 53}, {10, 7}, 1);  // k chunks 7,7,...,4
    const Array b = make({53, 29}, {11, 8}, 2);  // k chunks 11,...,9: not aligned with a's
    const Array c = matmul(a, b);
    CHECK(c.shape() == Shape{37, 29});
    CHECK(c.dtype() == DType::Float64);
    CHECK(c.chunks().chunks(0) == std::vector<Index>{10, 10, 10, 7});
    CHECK(c.chunks().chunks(1) == std::vector<Index>{8, 8, 8, 5});
    check_close(c.compute(), reference_matmul(a.compute(), b.compute()));
    // dot and tensordot agree on 2-d operands.
    CHECK(same_bytes(dot(a, b).compute(), c.compute()));
    CHECK(same_bytes(tensordot(a, b, 1).compute(), c.compute()));
}

TEST_CASE("matmul promotes 1-d operands as NumPy does", "[graph][linalg]") {
    const Array a = make({5, 7}, {2, 3}, 3);
    const Array v = make({7}, {4}, 4);
    const Array w = make({5}, {2}, 5);
    const NDArray av = a.compute(), vv = v.compute(), wv = w.compute();

    const Array inner = matmul(v, v);
    CHECK(inner.shape() == Shape{});
    long double expected = 0;
    for (Index i = 0; i < 7; ++i) expected += static_cast<long double>(vv.value_as_double(i)) * vv.value_as_double(i);
    CHECK(inner.compute().value_as_double(0) == Approx(static_cast<double>(expected)).epsilon(1e-14));

    const Array matrix_vector = matmul(a, v);
    CHECK(matrix_vector.shape() == Shape{5});
    NDArray v_column(DType::Float64, {7, 1});
    std::memcpy(v_column.data(), vv.data(), 7 * sizeof(double));
    check_close(matrix_vector.compute(), reference_matmul(av, v_column));

    const Array vector_matrix = matmul(w, a);
    CHECK(vector_matrix.shape() == Shape{7});
    NDArray w_row(DType::Float64, {1, 5});
    std::memcpy(w_row.data(), wv.data(), 5 * sizeof(double));
    check_close(vector_matrix.compute(), reference_matmul(w_row, av));
}

TEST_CASE("batched matmul broadcasts batch axes", "[graph][linalg]") {
    const Array a = make({3, 4, 6}, {2, 3, 4}, 6);
    const Array b = make({1, 6, 5}, {1, 5, 2}, 7);  // broadcast over a's batch
    const Array m = make({6, 5}, {6, 5}, 8);        // no batch axes at all
    const Array c = matmul(a, b);
    CHECK(c.shape() == Shape{3, 4, 5});
    const NDArray av = a.compute(), bv = b.compute(), cv = c.compute(), mv = matmul(a, m).compute(),
                  m_values = m.compute();
    for (Index batch = 0; batch < 3; ++batch)
        for (Index i = 0; i < 4; ++i)
            for (Index j = 0; j < 5; ++j) {
                long double s = 0, t = 0;
                for (Index k = 0; k < 6; ++k) {
                    s += static_cast<long double>(av.value_as_double((batch * 4 + i) * 6 + k)) *
                         bv.value_as_double(k * 5 + j);
                    t += static_cast<long double>(av.value_as_double((batch * 4 + i) * 6 + k)) *
                         m_values.value_as_double(k * 5 + j);
                }
                CHECK(cv.value_as_double((batch * 4 + i) * 5 + j) == Approx(static_cast<double>(s)).epsilon(1e-13));
                CHECK(mv.value_as_double((batch * 4 + i) * 5 + j) == Approx(static_cast<double>(t)).epsilon(1e-13));
            }
    // Batch axes that neither match nor broadcast, and core mismatches, fail where written.
    CHECK_THROWS_AS(matmul(a, make({2, 6, 5}, {}, 9)), ValueError);
    CHECK_THROWS_AS(matmul(a, make({5, 6}, {}, 9)), ValueError);
    CHECK_THROWS_AS(matmul(scalar(1.0), a), ValueError);
}

TEST_CASE("tensordot with int axes and with pairs of axis lists", "[graph][linalg]") {
    const Array a = make({3, 4, 5}, {2, 3, 2}, 10);
    const Array b = make({4, 3, 2}, {3, 1, 2}, 11);
    const NDArray av = a.compute(), bv = b.compute();
    // Sum over a's axes (1, 0) with b's axes (0, 1): result (5, 2).
    const Array c = tensordot(a, b, {1, 0}, {0, 1});
    CHECK(c.shape() == Shape{5, 2});
    const NDArray cv = c.compute();
    for (Index k = 0; k < 5; ++k)
        for (Index l = 0; l < 2; ++l) {
            long double s = 0;
            for (Index i = 0; i < 3; ++i)
                for (Index j = 0; j < 4; ++j)
                    s += static_cast<long double>(av.value_as_double((i * 4 + j) * 5 + k)) *
                         bv.value_as_double((j * 3 + i) * 2 + l);
            CHECK(cv.value_as_double(k * 2 + l) == Approx(static_cast<double>(s)).epsilon(1e-13));
        }
    // axes=0 is the outer product.
    const Array outer = tensordot(make({3}, {2}, 12), make({2}, {1}, 13), 0);
    CHECK(outer.shape() == Shape{3, 2});
    // Negative axes; a mismatch in length names both shapes.
    CHECK(tensordot(a, b, {-2}, {0}).shape() == Shape{3, 5, 3, 2});
    CHECK_THROWS_AS(tensordot(a, b, {0}, {0}), ValueError);
    CHECK_THROWS_AS(tensordot(a, b, 4), ValueError);
    CHECK_THROWS_AS(tensordot(a, b, {0, 1}, {1}), ValueError);
    try {
        (void)tensordot(a, b, {2}, {0});
        FAIL("expected a shape mismatch");
    } catch (const ValueError& e) {
        CHECK(std::string(e.what()).find("shape-mismatch for sum") != std::string::npos);
    }
}

TEST_CASE("dot follows NumPy: 0-d multiplies, n-d sums a's last axis with b's second-to-last", "[graph][linalg]") {
    const Array a = make({2, 3, 4}, {1, 2, 3}, 14);
    const Array b = make({5, 4, 2}, {2, 3, 1}, 15);
    CHECK(dot(a, b).shape() == Shape{2, 3, 5, 2});
    CHECK(dot(a, make({4}, {3}, 16)).shape() == Shape{2, 3});
    CHECK(dot(a, scalar(2.0)).shape() == Shape{2, 3, 4});
    CHECK_THROWS_AS(dot(a, make({3, 2}, {}, 17)), ValueError);
    const NDArray av = a.compute(), bv = b.compute(), dv = dot(a, b).compute();
    long double s = 0;  // dot(a, b)[1, 2, 3, 1]
    for (Index k = 0; k < 4; ++k)
        s +=
            static_cast<long double>(av.value_as_double((1 * 3 + 2) * 4 + k)) * bv.value_as_double((3 * 4 + k) * 2 + 1);
    CHECK(dv.value_as_double(((1 * 3 + 2) * 5 + 3) * 2 + 1) == Approx(static_cast<double>(s)).epsilon(1e-13));
}

TEST_CASE("integer, bool, float32 and mixed operands keep NumPy's result types", "[graph][linalg]") {
    const Array i32 = make({6, 9}, {4, 4}, 20, DType::Int32);
    const Array i8 = make({9, 3}, {5, 2}, 21, DType::Int8);
    const Array f32 = make({9, 3}, {5, 2}, 22).astype(DType::Float32);
    CHECK(matmul(i32, i8).dtype() == DType::Int32);
    CHECK(matmul(i32, f32).dtype() == DType::Float64);
    CHECK(matmul(f32.astype(DType::Float32), make({3, 4}, {2, 2}, 23).astype(DType::Float32)).dtype() ==
          DType::Float32);
    check_close(matmul(i32, i8).compute(), reference_matmul(i32.compute(), i8.compute()), 0);
    check_close(matmul(i32, f32).compute(), reference_matmul(i32.compute(), f32.compute()));
    // Integer products wrap like NumPy's fixed-width integers.
    NDArray big(DType::Int32, {1, 2}), two(DType::Int32, {2, 1});
    big.data_as<std::int32_t>()[0] = big.data_as<std::int32_t>()[1] = 2'000'000'000;
    two.data_as<std::int32_t>()[0] = two.data_as<std::int32_t>()[1] = 1;
    const NDArray wrapped = matmul(from_ndarray(big, {1, 1}), from_ndarray(two, {1, 1})).compute();
    CHECK(wrapped.data_as<std::int32_t>()[0] == static_cast<std::int32_t>(static_cast<std::uint32_t>(4'000'000'000u)));
    // bool @ bool is bool: any product true.
    const Array p = make({4, 3}, {3, 2}, 24) > 0.5, q = make({3, 2}, {2, 1}, 25) > 0.0;
    const NDArray any = matmul(p, q).compute(), pv = p.compute(), qv = q.compute();
    CHECK(any.dtype() == DType::Bool);
    for (Index i = 0; i < 4; ++i)
        for (Index j = 0; j < 2; ++j) {
            bool expected = false;
            for (Index k = 0; k < 3; ++k)
                expected = expected || (pv.value_as_double(i * 3 + k) != 0 && qv.value_as_double(k * 2 + j) != 0);
            CHECK((any.value_as_double(i * 2 + j) != 0) == expected);
        }
}

TEST_CASE("products are bit-identical for 1, 2 and 4 threads", "[graph][linalg][exec]") {
    const Array a = make({67, 301}, {16, 23}, 30);
    const Array b = make({301, 45}, {37, 11}, 31);
    const Array c = matmul(a, b) + 1.0;
    const Array total = tensordot(a, a, {0, 1}, {0, 1});
    std::vector<NDArray> runs;
    for (int threads : {1, 2, 4}) {
        ComputeOptions options;
        options.threads = threads;
        auto results = compute({c, total}, options);
        if (!runs.empty()) {
            CHECK(same_bytes(results[0], runs[0]));
            CHECK(same_bytes(results[1], runs[1]));
        } else {
            runs = results;
        }
    }
}

TEST_CASE("a product of file-backed operands stays within the memory budget", "[graph][linalg][memory][hdf5]") {
    test_support::TempFile file("linalg.h5");
    const std::size_t n = 300;
    const auto data = values(n * n, 40);
    test_support::DatasetSpec spec{{n, n}, std::vector<hsize_t>{50, 50}};
    test_support::write_dataset(file.path(), "/a", H5T_NATIVE_DOUBLE, data.data(), spec, true);
    // Tasks of whole storage chunks (an HDF5 source's own tasks would hold the whole array).
    const Array a = open(file.path(), "/a").rechunk(ChunkGrid::regular({n, n}, {50, 50}));
    const Array c = matmul(a, a.rechunk(ChunkGrid::regular({n, n}, {75, 40})));
    ComputeReport report;
    ComputeOptions options;
    options.memory_limit = 512 << 10;  // the operands are 703 KiB each
    options.report = &report;
    const NDArray result = c.compute(options);
    CHECK(report.peak_bytes <= options.memory_limit);
    NDArray whole(DType::Float64, {static_cast<Index>(n), static_cast<Index>(n)});
    std::copy(data.begin(), data.end(), whole.data_as<double>());
    const auto expected = reference_matmul(whole, whole);
    for (std::size_t i : {std::size_t{0}, n * n / 2 + 17, n * n - 1})
        CHECK(result.value_as_double(static_cast<Index>(i)) == Approx(static_cast<double>(expected[i])).epsilon(1e-12));
    // A reduction of a product: the product runs inside the reduction's tasks.
    CHECK(c.sum().compute(options).value_as_double(0) ==
          Approx(static_cast<double>(std::accumulate(expected.begin(), expected.end(), 0.0L))).epsilon(1e-10));
}

TEST_CASE("every optimizer pass keeps a contraction; explain names it", "[graph][linalg][optimize]") {
    const Array a = make({8, 6}, {3, 4}, 50);
    const Array b = make({6, 5}, {2, 5}, 51);
    const Array c = matmul(a * 2.0, b)[{Slice{1, 7}}];
    const Array d = matmul(a * 2.0, b).sum({0});
    const std::string text = explain({c, d});
    CHECK(text.find("tensordot(") != std::string::npos);
    CHECK(text.find("3 pieces") != std::string::npos);  // a's 6 = 4 + 2 vs b's 2 + 2 + 2: b's finer
    // The slice moves into the operands: only the selected rows are computed.
    const OptimizedGraph optimized = optimize({c.node()});
    REQUIRE(optimized.outputs[0]->is<ops::Contract>());
    CHECK(optimized.outputs[0]->inputs[0]->shape == Shape{6, 6});
    const auto results = compute({c, d, matmul(a * 2.0, b)});
    const NDArray full = results[2];
    for (Index i = 0; i < 6; ++i)
        for (Index j = 0; j < 5; ++j)
            CHECK(results[0].value_as_double(i * 5 + j) ==
                  Approx(full.value_as_double((i + 1) * 5 + j)).epsilon(1e-14));
    // Batch axes: an integer index drops the axis in both operands, broadcast ones included.
    const Array batched = matmul(make({3, 4, 6}, {2, 3, 4}, 52), make({1, 6, 5}, {1, 5, 2}, 53));
    const Array picked = batched[{Index{2}, Slice{1, std::nullopt, 2}, Index{-1}}];
    CHECK(optimize({picked.node()}).outputs[0]->is<ops::Contract>());
    const NDArray all = batched.compute(), some = picked.compute();
    REQUIRE(some.shape() == Shape{2});
    for (Index i = 0; i < 2; ++i)
        CHECK(some.value_as_double(i) == Approx(all.value_as_double((2 * 4 + 1 + 2 * i) * 5 + 4)).epsilon(1e-14));
}

TEST_CASE("an outer product of long chunks gets result blocks of bounded size", "[graph][linalg]") {
    const Array tall = zeros({100000, 4}, DType::Float64, {50000, 4});
    const Array wide = zeros({4, 100000}, DType::Float64, {4, 50000});
    const Array c = matmul(tall, wide);  // 50000 x 50000 blocks would be 20 GB each
    CHECK(static_cast<std::size_t>(c.chunks().max_block_elements()) * 8 <= (32u << 20));
    CHECK(c.chunks().shape() == Shape{100000, 100000});
    // A slice of it computes only what it selects.
    const NDArray corner = c[{Slice{0, 3}, Slice{0, 2}}].compute();
    CHECK(corner.shape() == Shape{3, 2});
}
