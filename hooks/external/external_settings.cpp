#include "hooks/external/external_settings.hpp"

#include <array>
#include <string_view>

#include "launcher/site/site_table.hpp"

namespace skiff::hooks::external {
namespace {

constexpr std::array<std::string_view, 3> known_keys = {"system_dir", "user_dir", "timeout_s"};

std::string absolute_variable(const EnvMap& env, const char* name) {
    auto it = env.find(name);
    return it != env.end() && it->second.starts_with("/") ? it->second : "";
}

// enroot's per-user directory, so that a user's existing enroot hooks run unchanged.
std::string default_user_dir(const EnvMap& env) {
    std::string config = absolute_variable(env, "XDG_CONFIG_HOME");
    if (config.empty()) {
        std::string home = absolute_variable(env, "HOME");
        if (home.empty()) return "";
        config = home + "/.config";
    }
    return config + "/enroot/hooks.d";
}

Result<std::string> expand_home(const std::string& dir, const std::string& where, const EnvMap& env) {
    if (dir != "~" && !dir.starts_with("~/")) {
        if (!dir.empty() && !dir.starts_with("/")) return fail(where + " must be an absolute path or start with ~/, not '" + dir + "'");
        return dir;
    }
    std::string home = absolute_variable(env, "HOME");
    if (home.empty()) return std::string();  // no HOME: no per-user directory
    return home + dir.substr(1);
}

}  // namespace

Result<Settings> read_settings(const site::SiteConfig* site, const EnvMap& host_env) {
    auto table = site::SiteTable::open(site, std::string(site_table), known_keys);
    if (!table) return Unexpected(table.error());
    Settings settings;
    auto system = table->string_value("system_dir", default_system_dir);
    if (!system) return Unexpected(system.error());
    auto system_dir = expand_home(*system, table->where("system_dir"), host_env);
    if (!system_dir) return Unexpected(system_dir.error());
    settings.system_dir = *system_dir;
    auto user = table->string_value("user_dir", default_user_dir(host_env));
    if (!user) return Unexpected(user.error());
    auto user_dir = expand_home(*user, table->where("user_dir"), host_env);
    if (!user_dir) return Unexpected(user_dir.error());
    settings.user_dir = *user_dir;
    auto timeout = table->seconds("timeout_s", default_timeout_s);
    if (!timeout) return Unexpected(timeout.error());
    settings.timeout_s = *timeout;
    return settings;
}

}  // namespace skiff::hooks::external
