// Where the enroot-compatible external hooks live and how long each may run: the site
// configuration's [hooks.external] table (README "Site configuration", hooks.md §6).
//   system_dir = "/etc/skiff/hooks.d"         the site's hooks, run first
//   user_dir   = "~/.config/enroot/hooks.d"   the user's (default: $XDG_CONFIG_HOME/enroot/hooks.d)
//   timeout_s  = 120                          per hook: SIGTERM, then SIGKILL 5 s later
// "" switches a directory off; a leading "~/" is the user's HOME.
#pragma once

#include <string>
#include <string_view>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::hooks::external {

inline constexpr std::string_view site_table = "hooks.external";
inline constexpr const char* default_system_dir = "/etc/skiff/hooks.d";
inline constexpr int default_timeout_s = 120;

struct Settings {
    std::string system_dir;  // "" when switched off
    std::string user_dir;    // "" when switched off (or when HOME is unknown)
    int timeout_s = default_timeout_s;
};

Result<Settings> read_settings(const site::SiteConfig* site, const EnvMap& host_env);

}  // namespace skiff::hooks::external
