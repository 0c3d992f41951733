#include "launcher/site/site_config.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "launcher/edf/toml_file.hpp"

namespace skiff::site {

Result<SiteConfig> load_site_config(const EnvMap& host_env) {
    SiteConfig config;
    auto chosen = host_env.find("SKIFF_CONFIG");
    bool explicit_path = chosen != host_env.end() && !chosen->second.empty();
    std::string path = explicit_path ? chosen->second : default_config_path;
    config.root = edf::TomlValue(toml::table{});
    // Most hosts have no site file: ask access(2) first. The first stream a process builds
    // initialises the C++ locale, about 40k instructions, a twentieth of a warm launch.
    if (!explicit_path && ::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return config;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!explicit_path && errno == ENOENT) return config;
        return fail("cannot read the site configuration '" + path + "'" + (explicit_path ? " (SKIFF_CONFIG)" : "") +
                    ": " + std::strerror(errno));
    }
    auto file = edf::parse_toml(in, path);
    if (!file) return Unexpected(file.error());
    config.root = std::move(file->root);
    config.path = path;
    return config;
}

Result<const edf::TomlValue*> find_table(const SiteConfig& config, const std::string& key) {
    const edf::TomlValue* at = &config.root;
    std::string walked;
    std::size_t start = 0;
    while (start <= key.size()) {
        std::size_t dot = key.find('.', start);
        std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        walked += (walked.empty() ? "" : ".") + part;
        if (!at->is_table() || !at->as_table().contains(part)) return nullptr;
        at = &at->as_table().at(part);
        if (!at->is_table())
            return fail(config.path + ":" + std::to_string(at->location().line()) + ": '" + walked + "' must be a table");
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return at;
}

}  // namespace skiff::site
