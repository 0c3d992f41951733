// The client side of SSH between the containers of a Slurm step, as text (hooks.md §3,
// issue 20): what makes a plain `ssh n2` from one rank's container log in to n2's container
// with the step's key, and trust its host key, without a prompt. Pure.
#pragma once

#include <string>
#include <vector>

namespace skiff::hooks {

inline constexpr const char* job_ssh_dropin = "/etc/ssh/ssh_config.d/00-skiff-job.conf";

// One line: every node name, bare and as "[name]:port" (ssh looks a host up by that form off
// port 22), then the step's host key.
std::string job_known_hosts(const std::vector<std::string>& nodes, int port, const std::string& host_public);

// For the step's node names only: the port, the step's key, the known_hosts above, and
// StrictHostKeyChecking yes (a host key that is not the step's is refused, never learnt).
std::string job_ssh_config(const std::vector<std::string>& nodes, int port);

// The image's ssh_config includes /etc/ssh/ssh_config.d/*.conf first (Debian, Ubuntu, Fedora):
// this drop-in includes the file above.
std::string job_ssh_dropin_text();

}  // namespace skiff::hooks
