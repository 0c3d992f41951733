#include "common/device_name.hpp"

#include <string_view>

namespace skiff {
namespace {

bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return letter(c) || digit(c); }

// "" when `label` (the vendor or the class) is valid.
std::string label_problem(std::string_view label, std::string_view what) {
    if (label.empty()) return std::string(what) + " is empty";
    if (!letter(label.front())) return std::string(what) + " '" + std::string(label) + "' must start with a letter";
    if (!alnum(label.back())) return std::string(what) + " '" + std::string(label) + "' must end with a letter or digit";
    for (char c : label)
        if (!alnum(c) && c != '.' && c != '_' && c != '-')
            return std::string(what) + " '" + std::string(label) + "' has '" + std::string(1, c) +
                   "'; allowed: letters, digits, '.', '_', '-'";
    return "";
}

}  // namespace

std::string cdi_kind_problem(std::string_view kind) {
    auto slash = kind.find('/');
    if (slash == std::string_view::npos) return "kind '" + std::string(kind) + "' must be vendor/class";
    if (auto p = label_problem(kind.substr(0, slash), "vendor"); !p.empty()) return p;
    return label_problem(kind.substr(slash + 1), "class");
}

std::string cdi_name_problem(std::string_view name) {
    if (name.empty()) return "device name is empty";
    std::string quoted = "device name '" + std::string(name) + "'";
    if (!alnum(name.front())) return quoted + " must start with a letter or digit";
    if (!alnum(name.back())) return quoted + " must end with a letter or digit";
    for (char c : name)
        if (!alnum(c) && c != '.' && c != '_' && c != ':' && c != '-')
            return quoted + " has '" + std::string(1, c) + "'; allowed: letters, digits, '.', '_', ':', '-'";
    return "";
}

std::optional<CdiName> parse_cdi_name(const std::string& text) {
    auto equals = text.find('=');
    if (equals == std::string::npos) return std::nullopt;
    std::string kind = text.substr(0, equals), name = text.substr(equals + 1);
    if (!cdi_kind_problem(kind).empty() || !cdi_name_problem(name).empty()) return std::nullopt;
    auto slash = kind.find('/');
    return CdiName{kind.substr(0, slash), kind.substr(slash + 1), name};
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
