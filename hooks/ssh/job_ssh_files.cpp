#include "hooks/ssh/job_ssh_files.hpp"

#include "hooks/ssh/ssh_files.hpp"

namespace skiff::hooks {

std::string job_known_hosts(const std::vector<std::string>& nodes, int port, const std::string& host_public) {
    std::string patterns;
    for (const auto& node : nodes)
        patterns += (patterns.empty() ? "" : ",") + node + ",[" + node + "]:" + std::to_string(port);
    return patterns.empty() ? "" : patterns + " " + host_public + "\n";
}

std::string job_ssh_config(const std::vector<std::string>& nodes, int port) {
    if (nodes.empty()) return "";
    const std::string dir = ssh_dir;
    std::string hosts = "Host";
    for (const auto& node : nodes) hosts += " " + node;
    return "# skiff: SSH between the containers of this Slurm step (com.hooks.ssh)\n" + hosts + "\n"
           "    Port " + std::to_string(port) + "\n"
           "    IdentityFile " + dir + "/id_ed25519\n"
           "    IdentitiesOnly yes\n"
           "    UserKnownHostsFile " + dir + "/known_hosts\n"
           "    GlobalKnownHostsFile /dev/null\n"
           "    StrictHostKeyChecking yes\n"
           "    CheckHostIP no\n"
           "    BatchMode yes\n";
}

std::string job_ssh_dropin_text() {
    return "# skiff: SSH between the containers of this Slurm step (com.hooks.ssh)\n"
           "Include " + std::string(ssh_dir) + "/ssh_config\n";
}

}  // namespace skiff::hooks
