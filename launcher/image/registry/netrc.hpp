// Credentials from a netrc-format file, compatible with enroot's
// $XDG_CONFIG_HOME/enroot/.credentials: `machine HOST login USER password SECRET` entries,
// `default` as a fallback, `#` comments, `macdef` blocks skipped, "double quoted" tokens.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/env_map.hpp"
#include "common/error.hpp"

namespace skiff::image {

struct Credentials {
    std::string login;
    std::string password;  // never printed
};

struct NetrcEntry {
    std::string machine;  // "" for `default`
    Credentials credentials;
};

// Parses netrc text; errors name `path` and the line.
Result<std::vector<NetrcEntry>> parse_netrc(const std::string& text, const std::string& path);

// The entry for `host` (an exact "host:port" entry first, then "host"), else `default`;
// with a non-empty `login`, only an entry with that login.
std::optional<Credentials> find_credentials(const std::vector<NetrcEntry>& entries, const std::string& host,
                                            const std::string& login);

// Reads `path`; a missing file is no entries.
Result<std::vector<NetrcEntry>> load_netrc(const std::filesystem::path& path);

// enroot's location: $ENROOT_CONFIG_PATH/.credentials, else
// ${XDG_CONFIG_HOME:-$HOME/.config}/enroot/.credentials.
std::filesystem::path default_credentials_path(const EnvMap& env);

}  // namespace skiff::image
