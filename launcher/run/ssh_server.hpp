// The SSH hook's part of a launch (hooks.md §3): the executor calls these at its numbered
// steps; the plan (plan.ssh) says what to install.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "common/timeline.hpp"
#include "common/unique_fd.hpp"

namespace skiff::run {

// Before the namespaces: the port must be free (else an error suggesting another port).
Result<void> check_ssh_port(const plan::SshServer& ssh);

// Step 3: detached clones of the host's sshd, sftp-server, loader and libraries.
Result<std::vector<UniqueFd>> open_ssh_sources(const plan::SshServer& ssh);

// Step 5, after every other mount: a tmpfs on /.skiff/ssh with the configuration, the key
// files, `env` (the command's environment) and the scripts; the host files bound read-only under host/.
// Returns the fingerprints of the authorized keys (ssh-keygen -l), for -v.
Result<std::string> install_ssh(const plan::SshServer& ssh, const EnvMap& env, int root_fd,
                                std::vector<UniqueFd>& sources);

// After the pivot, before dropping privileges: starts sshd and waits until its port accepts
// connections; an error quotes the end of sshd.log if it exits first.
Result<void> start_ssh(const plan::SshServer& ssh, const std::string& fingerprints, const Timeline& timeline);

}  // namespace skiff::run
