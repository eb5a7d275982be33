#include "kernels/linalg.hpp"

#include <chunkarr/core/error.hpp>

#include "core/cast.hpp"
#include "kernels/blas_library.hpp"

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <xtensor-blas/xblas.hpp>

namespace chunkarr::kernels {

DType contract_compute_type(DType result) { return is_float(result) ? result : DType::Int64; }

namespace {

template <class T> void blas_gemm(const T* a, const T* b, T* c, Index m, Index n, Index k) {
    if (m > INT_MAX || n > INT_MAX || k > INT_MAX)
        throw ValueError("matrix block too large for BLAS (more than 2^31 rows or columns)");
    const int mi = static_cast<int>(m), ni = static_cast<int>(n), ki = static_cast<int>(k);
    cxxblas::gemm<int>(cxxblas::StorageOrder::RowMajor, cxxblas::Transpose::NoTrans, cxxblas::Transpose::NoTrans, mi,
                       ni, ki, T(1), a, ki, b, ni, T(1), c, ni);
}

// Wrapping int64 arithmetic (through uint64, where overflow is defined).
void integer_gemm(const std::int64_t* a, const std::int64_t* b, std::int64_t* c, Index m, Index n, Index k) {
    for (Index i = 0; i < m; ++i) {
        auto* row = reinterpret_cast<std::uint64_t*>(c + i * n);
        for (Index t = 0; t < k; ++t) {
            const auto factor = static_cast<std::uint64_t>(a[i * k + t]);
            if (factor == 0) continue;
            const auto* other = reinterpret_cast<const std::uint64_t*>(b + t * n);
            for (Index j = 0; j < n; ++j) row[j] += factor * other[j];
        }
    }
}

template <std::size_t Size>
void transpose_copy(const std::byte* in, const Shape& in_shape, const std::vector<int>& order, std::byte* out) {
    const std::size_t ndim = order.size();
    Shape out_shape(ndim);
    std::vector<Index> in_stride(ndim, 1), step(ndim);
    for (std::size_t axis = ndim; axis-- > 1;) in_stride[axis - 1] = in_stride[axis] * in_shape[axis];
    for (std::size_t i = 0; i < ndim; ++i) {
        out_shape[i] = in_shape[static_cast<std::size_t>(order[i])];
        step[i] = in_stride[static_cast<std::size_t>(order[i])];
    }
    const Index total = element_count(out_shape);
    if (total == 0) return;
    const Index inner = out_shape[ndim - 1], inner_step = step[ndim - 1];
    std::vector<Index> index(ndim, 0);
    for (Index o = 0; o < total; o += inner) {
        Index offset = 0;
        for (std::size_t i = 0; i + 1 < ndim; ++i) offset += index[i] * step[i];
        const std::byte* src = in + offset * static_cast<Index>(Size);
        std::byte* dst = out + o * static_cast<Index>(Size);
        for (Index j = 0; j < inner; ++j)
            std::memcpy(dst + j * static_cast<Index>(Size), src + j * inner_step * static_cast<Index>(Size), Size);
        for (std::size_t i = ndim - 1; i-- > 0;) {
            if (++index[i] < out_shape[i]) break;
            index[i] = 0;
        }
    }
}

void transpose_any(const std::byte* in, std::size_t item, const Shape& in_shape, const std::vector<int>& order,
                   std::byte* out) {
    switch (item) {
        case 1: return transpose_copy<1>(in, in_shape, order, out);
        case 2: return transpose_copy<2>(in, in_shape, order, out);
        case 4: return transpose_copy<4>(in, in_shape, order, out);
        default: return transpose_copy<8>(in, in_shape, order, out);
    }
}

using SetThreads = void (*)(int);
using GetThreads = int (*)();
using GetConfig = char* (*)();

SetThreads openblas_set() { return reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")); }
GetThreads openblas_get() { return reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")); }

std::mutex blas_threads_mutex;
int blas_threads_users = 0;
int blas_threads_saved = 0;

}  // namespace

void gemm_accumulate(DType type, const std::byte* a, const std::byte* b, std::byte* c, Index m, Index n, Index k) {
    if (m == 0 || n == 0 || k == 0) return;
    switch (type) {
        case DType::Float32:
            return blas_gemm(reinterpret_cast<const float*>(a), reinterpret_cast<const float*>(b),
                             reinterpret_cast<float*>(c), m, n, k);
        case DType::Float64:
            return blas_gemm(reinterpret_cast<const double*>(a), reinterpret_cast<const double*>(b),
                             reinterpret_cast<double*>(c), m, n, k);
        case DType::Int64:
            return integer_gemm(reinterpret_cast<const std::int64_t*>(a), reinterpret_cast<const std::int64_t*>(b),
                                reinterpret_cast<std::int64_t*>(c), m, n, k);
        default: throw Error("internal: no product kernel for " + std::string(dtype_name(type)));
    }
}

void pack(const std::byte* in, DType in_type, const Shape& in_shape, const std::vector<int>& order, std::byte* out,
          DType out_type) {
    bool identity = true;
    for (std::size_t i = 0; i < order.size(); ++i) identity = identity && order[i] == static_cast<int>(i);
    const Index count = element_count(in_shape);
    if (identity || count <= 1) {
        cast_elements(in, in_type, out, out_type, count);
        return;
    }
    if (in_type == out_type) {
        transpose_any(in, itemsize(in_type), in_shape, order, out);
        return;
    }
    std::vector<std::byte> reordered(static_cast<std::size_t>(count) * itemsize(in_type));
    transpose_any(in, itemsize(in_type), in_shape, order, reordered.data());
    cast_elements(reordered.data(), in_type, out, out_type, count);
}

SingleThreadedBlas::SingleThreadedBlas() {
    std::lock_guard lock(blas_threads_mutex);
    if (blas_threads_users++ > 0) return;
    try {
        load_blas();  // before asking OpenBLAS for its threads (an error shows at the first product)
    } catch (const Error&) {
        return;
    }
    const SetThreads set = openblas_set();
    const GetThreads get = openblas_get();
    if (!set || !get) return;
    blas_threads_saved = get();
    // CHUNKARR_BLAS_THREADS overrides (for measuring; more than 1 competes with the executor).
    int threads = 1;
    if (const char* text = std::getenv("CHUNKARR_BLAS_THREADS"); text && std::atoi(text) > 0) threads = std::atoi(text);
    set(threads);
}

SingleThreadedBlas::~SingleThreadedBlas() {
    std::lock_guard lock(blas_threads_mutex);
    if (--blas_threads_users > 0) return;
    if (const SetThreads set = openblas_set(); set && blas_threads_saved > 0) set(blas_threads_saved);
}

const char* blas_name() {
    try {
        load_blas();
    } catch (const Error&) {
        return "no BLAS";
    }
    if (auto config = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) return config();
    return "reference BLAS";
}

}  // namespace chunkarr::kernels
