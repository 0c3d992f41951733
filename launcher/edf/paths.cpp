#include "launcher/edf/paths.hpp"

#include <vector>

namespace skiff::edf {
namespace {

std::vector<std::string_view> components(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t slash = path.find('/', pos);
        if (slash == std::string_view::npos) slash = path.size();
        std::string_view part = path.substr(pos, slash - pos);
        if (!part.empty() && part != ".") parts.push_back(part);
        pos = slash + 1;
    }
    return parts;
}

std::string join_absolute(const std::vector<std::string_view>& parts) {
    if (parts.empty()) return "/";
    std::string out;
    for (std::string_view part : parts) {
        out += '/';
        out += part;
    }
    return out;
}

}  // namespace

bool is_relative_form(std::string_view path) {
    return path == "." || path == ".." || path.starts_with("./") || path.starts_with("../");
}

std::string make_absolute(std::string_view cwd, std::string_view rel) {
    if (rel.starts_with('/')) return clean_path(rel);
    std::vector<std::string_view> parts = components(cwd);
    bool leading = true;
    for (std::string_view part : components(rel)) {
        if (leading && part == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        leading = false;
        parts.push_back(part);
    }
    return join_absolute(parts);
}

std::string clean_path(std::string_view path) {
    std::string joined;
    for (std::string_view part : components(path)) {
        if (!joined.empty() || path.starts_with('/')) joined += '/';
        joined += part;
    }
    if (joined.empty()) return path.starts_with('/') ? "/" : ".";
    return joined;
}

bool has_dotdot(std::string_view path) {
    for (std::string_view part : components(path))
        if (part == "..") return true;
    return false;
}

std::string base_name(std::string_view path) {
    std::vector<std::string_view> parts = components(path);
    return parts.empty() ? std::string(path) : std::string(parts.back());
}

}  // namespace skiff::edf
