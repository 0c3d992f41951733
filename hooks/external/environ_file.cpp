#include "hooks/external/environ_file.hpp"

#include "common/split.hpp"

namespace skiff::hooks::external {
namespace {

bool is_identifier(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

std::string_view unquoted(std::string_view value) {
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        return value.substr(1, value.size() - 2);
    return value;
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

EnvMap renderable(const EnvMap& env) {
    EnvMap out;
    for (const auto& [name, value] : env)
        if (value.find('\n') == std::string::npos) out[name] = value;
    return out;
}

std::string render_environ(const EnvMap& env) {
    std::string text;
    for (const auto& [name, value] : renderable(env)) text += name + "=" + value + "\n";
    return text;
}

EnvironFile parse_environ(std::string_view text) {
    EnvironFile file;
    std::size_t number = 0;
    for (std::string_view line : split(text, '\n')) {
        ++number;
        if (is_blank(line) || line.front() == '#') continue;
        std::size_t eq = line.find('=');
        std::string_view name = line.substr(0, eq);
        if (eq == std::string_view::npos || !is_identifier(name)) {
            file.warnings.push_back("ENROOT_ENVIRON line " + std::to_string(number) + ": '" + std::string(name) +
                                    "' is not a variable name; skipped");
            continue;
        }
        file.values[std::string(name)] = std::string(unquoted(line.substr(eq + 1)));
    }
    return file;
}

std::vector<std::string> apply_environ(EnvMap& env, const EnvMap& prefilled, const EnvMap& after,
                                       const std::set<std::string>& fixed) {
    std::vector<std::string> kept;
    auto change = [&](const std::string& name) {
        if (name.starts_with("ENROOT_")) return false;
        if (fixed.contains(name)) {
            kept.push_back(name);
            return false;
        }
        return true;
    };
    for (const auto& [name, value] : after) {
        auto before = prefilled.find(name);
        if (before != prefilled.end() && before->second == value) continue;
        if (change(name)) env[name] = value;
    }
    for (const auto& [name, value] : prefilled)
        if (!after.contains(name) && change(name)) env.erase(name);
    return kept;
}

}  // namespace skiff::hooks::external
