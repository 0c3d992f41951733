#include "common/device_name.hpp"

#include <string_view>

namespace skiff {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

// `part` is non-empty, starts with a letter (or alphanumeric), ends alphanumeric, and has only
// alphanumerics and `extra` in between.
bool valid_part(std::string_view part, bool letter_first, std::string_view extra) {
    if (part.empty() || !is_alnum(part.back())) return false;
    if (letter_first ? !is_alpha(part.front()) : !is_alnum(part.front())) return false;
    for (char c : part)
        if (!is_alnum(c) && extra.find(c) == std::string_view::npos) return false;
    return true;
}

}  // namespace

std::optional<CdiName> parse_cdi_name(const std::string& text) {
    auto slash = text.find('/');
    auto equals = text.find('=');
    if (slash == std::string::npos || equals == std::string::npos || equals < slash) return std::nullopt;
    CdiName name{text.substr(0, slash), text.substr(slash + 1, equals - slash - 1), text.substr(equals + 1)};
    if (!valid_part(name.vendor, true, "._-") || !valid_part(name.cls, true, "._-") ||
        !valid_part(name.name, false, "._:-"))
        return std::nullopt;
    return name;
}

std::string device_request_problem(const std::string& text) {
    if (text.starts_with("/")) {
        if (!text.starts_with("/dev/") || text.size() == 5) return "device '" + text + "' is not a path under /dev";
        if (text.find("/../") != std::string::npos || text.ends_with("/..")) return "device '" + text + "' contains '..'";
        return "";
    }
    if (parse_cdi_name(text)) return "";
    return "'" + text + "' is neither a CDI device name (vendor/class=name, e.g. nvidia.com/gpu=0) nor a /dev path";
}

}  // namespace skiff
