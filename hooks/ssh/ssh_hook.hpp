// The SSH hook (hooks.md §3): com.hooks.ssh.enabled, .authorize_ssh_key and .port become the
// settings of one OpenSSH server per container. Pure: the key file is read by the caller
// (ssh_gather.cpp, while gathering), and the server is started by the executor
// (launcher/run/ssh_server).
#pragma once

#include <optional>
#include <string>

#include "common/error.hpp"
#include "launcher/edf/edf.hpp"

namespace skiff::hooks {

inline constexpr int default_ssh_port = 15263;

struct SshSettings {
    int port = default_ssh_port;
    std::string key_file;    // absolute host path of the authorized public key(s)
    std::string key_origin;  // where the annotation was set, for errors
};

// nullopt when the hook is off. Errors name the annotation: a missing or relative key path, a
// port outside 1-65535, or --root (sshd as namespace root cannot work, hooks.md §3.6).
// `default_port` is the site's ([hooks.ssh] default_port), used when the EDF sets no port.
Result<std::optional<SshSettings>> ssh_settings(const edf::Environment& environment, bool map_root,
                                                int default_port = default_ssh_port);

// True when the environment switches the hook on (a bad switch value counts as on: the caller
// then reports it through ssh_settings).
bool ssh_requested(const edf::Environment& environment);

// Checks the key file's text: at least one public-key line. `key_file` names it in errors.
Result<void> check_public_keys(const std::string& text, const std::string& key_file);

}  // namespace skiff::hooks
