#include "launcher/image/convert/image_config.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace skiff::image::convert {
namespace {

using Json = nlohmann::json;

bool valid_env_name(const std::string& name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name)
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

// A list of strings, or null/absent (no value). Anything else is an error.
Result<std::vector<std::string>> string_list(const Json& config, const char* key, const std::string& what) {
    std::vector<std::string> out;
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return out;
    if (!it->is_array()) return fail(what + ": config." + key + " must be a list of strings");
    for (const auto& item : *it) {
        if (!item.is_string()) return fail(what + ": config." + key + " must be a list of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

Result<void> read_env(const Json& config, const std::string& what, ImageConfig& out) {
    auto env = string_list(config, "Env", what);
    if (!env) return Unexpected(env.error());
    for (const auto& item : *env) {
        auto eq = item.find('=');
        std::string name = item.substr(0, eq);
        if (eq == std::string::npos || !valid_env_name(name)) {
            out.warnings.push_back(what + ": config.Env entry '" + item + "' is not NAME=VALUE; dropped");
            continue;
        }
        auto& pairs = out.metadata.env;
        auto same = std::find_if(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == name; });
        if (same != pairs.end()) same->second = item.substr(eq + 1);
        else pairs.emplace_back(name, item.substr(eq + 1));
    }
    return {};
}

}  // namespace

Result<ImageConfig> parse_image_config(const std::string& json, const std::string& what) {
    Json doc = Json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return fail(what + ": not a JSON object");
    ImageConfig out;
    out.metadata.source = ImageMetadata::Source::skiff;
    if (auto arch = doc.find("architecture"); arch != doc.end() && arch->is_string()) out.architecture = *arch;
    auto config_it = doc.find("config");
    if (config_it == doc.end() || config_it->is_null()) return out;
    if (!config_it->is_object()) return fail(what + ": 'config' must be an object");
    const Json& config = *config_it;
    if (auto r = read_env(config, what, out); !r) return Unexpected(r.error());
    if (auto dir = config.find("WorkingDir"); dir != config.end() && dir->is_string() && !dir->get<std::string>().empty())
        out.metadata.workdir = (dir->get<std::string>().starts_with('/') ? "" : "/") + dir->get<std::string>();
    auto entrypoint = string_list(config, "Entrypoint", what);
    if (!entrypoint) return Unexpected(entrypoint.error());
    out.metadata.entrypoint = std::move(*entrypoint);
    auto cmd = string_list(config, "Cmd", what);
    if (!cmd) return Unexpected(cmd.error());
    out.metadata.cmd = std::move(*cmd);
    return out;
}

Result<void> check_architecture(const std::string& image_arch, const std::string& host_arch, const std::string& what) {
    if (image_arch.empty() || image_arch == host_arch) return {};
    return fail(what + ": the image is for architecture '" + image_arch + "', but this host is '" + host_arch + "'");
}

}  // namespace skiff::image::convert
