#include <chunkarr/io/attributes.hpp>

namespace chunkarr {

std::optional<std::vector<long double>> Attributes::exact_numbers(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    if (const auto* numbers = std::get_if<std::vector<long double>>(&it->second)) return *numbers;
    return std::nullopt;
}

std::optional<std::vector<double>> Attributes::numbers(const std::string& name) const {
    auto exact = exact_numbers(name);
    if (!exact) return std::nullopt;
    return std::vector<double>(exact->begin(), exact->end());
}

std::optional<double> Attributes::number(const std::string& name) const {
    auto values = numbers(name);
    if (!values || values->empty()) return std::nullopt;
    return values->front();
}

std::optional<DType> Attributes::number_type(const std::string& name) const {
    const auto it = number_types_.find(name);
    if (it == number_types_.end()) return std::nullopt;
    return it->second;
}

}  // namespace chunkarr
