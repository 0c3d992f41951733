#include "hooks/cdi/yaml_scalar.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace skiff::cdi {
namespace {


bool one_of(std::string_view text, std::initializer_list<std::string_view> words) {
    for (auto w : words)
        if (text == w) return true;
    return false;
}

std::optional<std::int64_t> digits(std::string_view text, int base) {
    if (text.empty()) return std::nullopt;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<std::int64_t> integer(std::string_view text) {
    bool negative = !text.empty() && text.front() == '-';
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
    if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
    std::optional<std::int64_t> value;
    if (text.starts_with("0o")) value = digits(text.substr(2), 8);
    else if (text.starts_with("0x")) value = digits(text.substr(2), 16);
    else if (text.size() > 1 && text.front() == '0') value = digits(text.substr(1), 8);
    else value = digits(text, 10);
    if (value && negative) return -*value;
    return value;
}

std::optional<double> decimal(std::string_view text) {
    if (text.find_first_of("0123456789") == std::string_view::npos) return std::nullopt;
    if (text.find_first_not_of("0123456789+-.eE") != std::string_view::npos) return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

nlohmann::json typed_plain_scalar(const std::string& text) {
    if (one_of(text, {"", "~", "null", "Null", "NULL"})) return nullptr;
    if (one_of(text, {"true", "True", "TRUE"})) return true;
    if (one_of(text, {"false", "False", "FALSE"})) return false;
    if (auto i = integer(text)) return *i;
    if (auto d = decimal(text)) return *d;
    return text;
}

}  // namespace skiff::cdi
