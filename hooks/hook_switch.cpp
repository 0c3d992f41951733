#include "hooks/hook_switch.hpp"

#include <algorithm>
#include <cctype>

namespace skiff::hooks {

std::optional<bool> parse_switch(const std::string& value) {
    std::string lower = value;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
    return std::nullopt;
}

Result<bool> annotation_switch(const edf::Environment& environment, const std::string& key, bool fallback) {
    auto it = environment.annotations.find(key);
    if (it == environment.annotations.end()) return fallback;
    if (auto on = parse_switch(it->second.value)) return *on;
    return fail(it->second.origin.str() + ": annotation " + key + " = \"" + it->second.value +
                "\" is not a switch; use true or false");
}

}  // namespace skiff::hooks
