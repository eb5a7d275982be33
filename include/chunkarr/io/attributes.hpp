#pragma once
// Attributes of a variable, as far as chunkarr uses them: numbers (scalar or 1-d) and strings.
#include <chunkarr/core/dtype.hpp>

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace chunkarr {

// Numbers are kept as long double: exact for every int64/uint64 value (on x86-64 and aarch64),
// so integer fill values compare exactly.
using AttributeValue = std::variant<std::vector<long double>, std::string>;

class Attributes {
public:
    void set(const std::string& name, AttributeValue value) { values_[name] = std::move(value); }
    // Numbers with the type they are stored as: CF unpacking follows the type of scale_factor.
    void set(const std::string& name, std::vector<long double> numbers, DType stored_as) {
        values_[name] = std::move(numbers);
        number_types_[name] = stored_as;
    }
    bool has(const std::string& name) const { return values_.count(name) != 0; }
    // The numbers of attribute `name`; nullopt when absent or not numeric.
    std::optional<std::vector<double>> numbers(const std::string& name) const;
    // The first number of attribute `name`; nullopt when absent, empty or not numeric.
    std::optional<double> number(const std::string& name) const;
    // The numbers without rounding to double.
    std::optional<std::vector<long double>> exact_numbers(const std::string& name) const;
    // The type numeric attribute `name` is stored as; nullopt when absent or not known.
    std::optional<DType> number_type(const std::string& name) const;
    const std::map<std::string, AttributeValue>& all() const { return values_; }

private:
    std::map<std::string, AttributeValue> values_;
    std::map<std::string, DType> number_types_;
};

}  // namespace chunkarr
