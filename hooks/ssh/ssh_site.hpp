// The site's [hooks.ssh] table, for nodes whose OpenSSH lives elsewhere:
//   [hooks.ssh]
//   sshd         = "/opt/openssh/sbin/sshd"               # default: the fallback list
//   sshd_session = "/opt/openssh/libexec/sshd-session"    # OpenSSH 9.8+
//   sshd_auth    = "/opt/openssh/libexec/sshd-auth"       # OpenSSH 10.0+
//   sftp_server  = "/opt/openssh/libexec/sftp-server"
//   default_port = 15263                                  # when the EDF sets no com.hooks.ssh.port
// A path given here wins over everything else, and must be an absolute path of an executable
// file; an unknown key, a wrong type or a missing file is an error naming FILE:LINE and the key.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "hooks/ssh/host_view.hpp"
#include "hooks/ssh/server_layouts.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::hooks::ssh {

struct SitePath {
    std::string path;
    std::string where;  // "/etc/skiff/skiff.toml:4: hooks.ssh.sshd"
};

struct SshSite {
    std::string config_path;  // the site file, for messages ("/etc/skiff/skiff.toml" when none)
    std::array<std::optional<SitePath>, program_count> paths;  // by Program
    std::optional<int> default_port;

    const std::optional<SitePath>& path(Program program) const { return paths.at(static_cast<std::size_t>(program)); }
};

// Reads the table (absent: every value unset) and checks each path exists on `host`.
Result<SshSite> read_ssh_site(const site::SiteConfig* config, const HostView& host);

}  // namespace skiff::hooks::ssh
