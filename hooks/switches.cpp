#include "hooks/switches.hpp"

#include <array>
#include <cctype>

namespace skiff::hooks {
namespace {

std::string lower(const std::string& s) {
    std::string out;
    for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<bool> parse_switch(const std::string& value) {
    static constexpr std::array<std::string_view, 4> on{"true", "1", "yes", "on"};
    static constexpr std::array<std::string_view, 4> off{"false", "0", "no", "off"};
    std::string v = lower(value);
    for (auto word : on)
        if (v == word) return true;
    for (auto word : off)
        if (v == word) return false;
    return std::nullopt;
}

Result<std::optional<bool>> annotation_switch(const Annotations& annotations, const std::string& key) {
    auto it = annotations.find(key);
    if (it == annotations.end()) return std::optional<bool>{};
    auto value = parse_switch(it->second.value);
    if (!value)
        return fail(it->second.origin.str() + ": annotation " + key + "='" + it->second.value +
                    "' is not a switch; use true or false (also 1/0, yes/no, on/off)");
    return std::optional<bool>(*value);
}

std::optional<std::string> annotation_text(const Annotations& annotations, const std::string& key) {
    auto it = annotations.find(key);
    if (it == annotations.end()) return std::nullopt;
    return it->second.value;
}

std::string annotation_origin(const Annotations& annotations, const std::string& key) {
    auto it = annotations.find(key);
    if (it == annotations.end()) return key;
    return key + "=" + it->second.value + " (" + it->second.origin.str() + ")";
}

}  // namespace skiff::hooks
