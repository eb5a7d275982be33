#include <chunkarr/io/attributes.hpp>

namespace chunkarr {

std::optional<std::vector<double>> Attributes::numbers(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    if (const auto* numbers = std::get_if<std::vector<double>>(&it->second)) return *numbers;
    return std::nullopt;
}

std::optional<double> Attributes::number(const std::string& name) const {
    auto values = numbers(name);
    if (!values || values->empty()) return std::nullopt;
    return values->front();
}

}  // namespace chunkarr
