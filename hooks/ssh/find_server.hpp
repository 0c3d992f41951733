// Finds the host's OpenSSH server programs the way the installed sshd would run them
// (issue 23): sshd itself, then, by its version, sshd-session (9.8+) and sshd-auth (10.0+),
// and sftp-server. For each program, the first of:
//   1. the site's [hooks.ssh] key (checked to exist when the table is read);
//   2. the host's sshd_config and its Includes: SshdSessionPath, SshdAuthPath, Subsystem sftp;
//   3. for sshd-session and sshd-auth, the default compiled into sshd;
//   4. the distributions' list (server_layouts.hpp).
// A value from 2 or 3 that names no executable file is passed over, with a note. Nothing is
// run: the version comes from sshd's bytes. When no usable server is found, the error is one
// line saying what was looked for, where, and which [hooks.ssh] key fixes it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hooks/ssh/host_view.hpp"
#include "hooks/ssh/ssh_site.hpp"
#include "hooks/ssh/sshd_version.hpp"

namespace skiff::hooks::ssh {

struct ServerPrograms {
    SshdVersion version;
    // Host path by Program; sshd and sftp-server always, the others where the version runs them.
    std::array<std::optional<std::string>, program_count> paths;
    std::vector<std::string> notes;  // how each was found, and what was passed over

    const std::optional<std::string>& path(Program program) const { return paths.at(static_cast<std::size_t>(program)); }
};

Result<ServerPrograms> find_ssh_server(const SshSite& site, const HostView& host);

}  // namespace skiff::hooks::ssh
