#include "core/cast.hpp"

#include <cstring>

namespace chunkarr {

namespace {
template <class From, class To> void cast_typed(const From* in, To* out, Index count) {
    for (Index i = 0; i < count; ++i) {
        if constexpr (std::is_same_v<To, bool>) out[i] = in[i] != From(0);
        else out[i] = static_cast<To>(in[i]);
    }
}
}  // namespace

void cast_elements(const std::byte* in, DType from, std::byte* out, DType to, Index count) {
    if (from == to) {
        std::memcpy(out, in, static_cast<std::size_t>(count) * itemsize(from));
        return;
    }
    visit_dtype(from, [&](auto from_tag) {
        using From = decltype(from_tag);
        visit_dtype(to, [&](auto to_tag) {
            using To = decltype(to_tag);
            cast_typed(reinterpret_cast<const From*>(in), reinterpret_cast<To*>(out), count);
        });
    });
}

}  // namespace chunkarr
