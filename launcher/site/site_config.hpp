// The site configuration: /etc/skiff/skiff.toml, or the file $SKIFF_CONFIG names. It is where
// an administrator describes the node: which hooks exist, their host libraries, devices,
// environment and defaults (hooks.md), the hook directories. A missing default file means
// "no site configuration"; a missing $SKIFF_CONFIG file is an error.
//
// This file only loads and parses; each hook reads its own table ([hooks.NAME]) from `root`
// and reports its errors with `path` and the key.
#pragma once

#include <string>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "launcher/edf/toml_util.hpp"

namespace skiff::site {

inline constexpr const char* default_config_path = "/etc/skiff/skiff.toml";

struct SiteConfig {
    std::string path;     // empty: no site configuration
    edf::TomlValue root;  // a table (empty without a file)
};

// A file over 1 MiB or nested too deep is refused before parsing (edf/toml_limits.hpp);
// syntax errors name FILE:LINE:COLUMN.
Result<SiteConfig> load_site_config(const EnvMap& host_env);

// The table at dotted `key` ("hooks.cxi"), or nullptr if absent; an error if it is not a table.
Result<const edf::TomlValue*> find_table(const SiteConfig& config, const std::string& key);

}  // namespace skiff::site
