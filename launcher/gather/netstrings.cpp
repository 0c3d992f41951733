#include "launcher/gather/netstrings.hpp"

#include <charconv>

namespace skiff::gather {

void put(std::string& out, std::string_view value) {
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += ',';
}

void put_list(std::string& out, const std::vector<std::string>& values) {
    put(out, std::to_string(values.size()));
    for (const auto& value : values) put(out, value);
}

void put_optional(std::string& out, const std::optional<std::string>& value) {
    put_flag(out, value.has_value());
    if (value) put(out, *value);
}

void put_flag(std::string& out, bool value) { put(out, value ? "1" : "0"); }

std::optional<std::string> NetstringReader::next() {
    std::size_t length = 0;
    auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), length);
    std::size_t digits = static_cast<std::size_t>(end - rest_.data());
    if (ec != std::errc{} || digits == 0 || digits >= rest_.size() || rest_[digits] != ':') return std::nullopt;
    rest_.remove_prefix(digits + 1);
    if (length >= rest_.size() || rest_[length] != ',') return std::nullopt;
    std::string value(rest_.substr(0, length));
    rest_.remove_prefix(length + 1);
    return value;
}

std::optional<std::size_t> NetstringReader::count() {
    auto text = next();
    std::size_t n = 0;
    if (!text || std::from_chars(text->data(), text->data() + text->size(), n).ec != std::errc{}) return std::nullopt;
    return n;
}

bool NetstringReader::list(std::vector<std::string>& out) {
    auto n = count();
    if (!n) return false;
    for (std::size_t i = 0; i < *n; ++i) {
        auto value = next();
        if (!value) return false;
        out.push_back(std::move(*value));
    }
    return true;
}

bool NetstringReader::optional(std::optional<std::string>& out) {
    bool present = false;
    if (!flag(present)) return false;
    if (present) out = next();
    return !present || out.has_value();
}

bool NetstringReader::flag(bool& out) {
    auto text = next();
    if (!text || (*text != "0" && *text != "1")) return false;
    out = *text == "1";
    return true;
}

}  // namespace skiff::gather
