#include "hooks/cdi/cdi_names.hpp"

namespace skiff::cdi {
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

std::string kind_problem(std::string_view kind) {
    auto slash = kind.find('/');
    if (slash == std::string_view::npos) return "kind '" + std::string(kind) + "' must be vendor/class";
    if (auto p = label_problem(kind.substr(0, slash), "vendor"); !p.empty()) return p;
    return label_problem(kind.substr(slash + 1), "class");
}

std::string name_problem(std::string_view name) {
    if (name.empty()) return "device name is empty";
    std::string quoted = "device name '" + std::string(name) + "'";
    if (!alnum(name.front())) return quoted + " must start with a letter or digit";
    if (!alnum(name.back())) return quoted + " must end with a letter or digit";
    for (char c : name)
        if (!alnum(c) && c != '.' && c != '_' && c != ':' && c != '-')
            return quoted + " has '" + std::string(1, c) + "'; allowed: letters, digits, '.', '_', ':', '-'";
    return "";
}

std::optional<QualifiedName> parse_qualified(std::string_view text, std::string& why) {
    auto equals = text.find('=');
    if (equals == std::string_view::npos) {
        why = "'" + std::string(text) + "' is not a CDI device name vendor/class=name (nvidia.com/gpu=0)";
        return std::nullopt;
    }
    QualifiedName q{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
    why = kind_problem(q.kind);
    if (why.empty()) why = name_problem(q.name);
    if (!why.empty()) {
        why = "'" + std::string(text) + "': " + why;
        return std::nullopt;
    }
    return q;
}

}  // namespace skiff::cdi
