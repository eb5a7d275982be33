#pragma once
// Which stored values a CF decoding marks missing, tested in the stored type itself: integer
// fill values and bounds are compared exactly, never through float64.
#include <chunkarr/core/cf_decoding.hpp>

#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

namespace chunkarr::kernels {

template <class T> class MissingMask {
public:
    explicit MissingMask(const CFDecoding& cf) {
        for (long double m : cf.missing_values)
            if (representable(m)) missing_.push_back(static_cast<T>(m));
        if (cf.valid_min) {
            const long double lo = std::is_floating_point_v<T> ? *cf.valid_min : std::ceil(*cf.valid_min);
            if (lo > static_cast<long double>(std::numeric_limits<T>::max())) nothing_valid_ = true;
            else if (lo > static_cast<long double>(std::numeric_limits<T>::lowest()))
                lo_ = static_cast<T>(lo), has_lo_ = true;
        }
        if (cf.valid_max) {
            const long double hi = std::is_floating_point_v<T> ? *cf.valid_max : std::floor(*cf.valid_max);
            if (hi < static_cast<long double>(std::numeric_limits<T>::lowest())) nothing_valid_ = true;
            else if (hi < static_cast<long double>(std::numeric_limits<T>::max()))
                hi_ = static_cast<T>(hi), has_hi_ = true;
        }
    }

    bool is_missing(T v) const {
        if constexpr (std::is_floating_point_v<T>)
            if (v != v) return true;
        if (nothing_valid_ || (has_lo_ && v < lo_) || (has_hi_ && v > hi_)) return true;
        for (T m : missing_)
            if (v == m) return true;
        return false;
    }

    // The same test in pieces, for loops that test every value alike (vectorisable): the
    // missing values, the valid bounds (the type's extremes when there are none: they exclude
    // nothing), and whether nothing at all is valid. NaN is missing besides these.
    const std::vector<T>& missing_values() const { return missing_; }
    T lower_bound() const { return has_lo_ ? lo_ : extreme(-1); }
    T upper_bound() const { return has_hi_ ? hi_ : extreme(1); }
    bool nothing_valid() const { return nothing_valid_; }

private:
    // The type's lowest (sign -1) or highest value; for floats the infinities, which are valid.
    static T extreme(int sign) {
        if constexpr (std::is_floating_point_v<T>) return sign * std::numeric_limits<T>::infinity();
        else return sign < 0 ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    }
    static bool representable(long double m) {
        if constexpr (std::is_floating_point_v<T>) {
            return true;
        } else {
            return m == std::floor(m) && m >= static_cast<long double>(std::numeric_limits<T>::lowest()) &&
                   m <= static_cast<long double>(std::numeric_limits<T>::max());
        }
    }
    std::vector<T> missing_;
    T lo_{}, hi_{};
    bool has_lo_ = false, has_hi_ = false, nothing_valid_ = false;
};

}  // namespace chunkarr::kernels
