#include "hooks/ssh/job_ssh.hpp"

#include "common/hostlist.hpp"
#include "common/job_ssh_keys.hpp"
#include "hooks/ssh/job_ssh_files.hpp"

namespace skiff::hooks {
namespace {

constexpr std::size_t max_name_bytes = 253;  // a DNS name

bool host_name(const std::string& name) {
    if (name.empty() || name.size() > max_name_bytes || name.front() == '-') return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    return true;
}

Result<std::vector<std::string>> step_nodes(const EnvMap& env) {
    for (const char* variable : {"SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST"}) {
        auto list = env.find(variable);
        if (list == env.end()) continue;
        auto nodes = expand_hostlist(list->second, max_job_nodes);
        if (!nodes) return fail("com.hooks.ssh: " + std::string(variable) + ": " + nodes.error().message);
        for (const auto& node : *nodes)
            if (!host_name(node))
                return fail("com.hooks.ssh: " + std::string(variable) + " names '" + node +
                            "', which is not a host name; SSH between the step's containers needs node names of "
                            "letters, digits, '-', '_' and '.'");
        return nodes;
    }
    return std::vector<std::string>{};
}

}  // namespace

Result<std::optional<plan::JobSsh>> job_ssh(const EnvMap& host_env, int port) {
    auto keys = job_ssh_keys(host_env);
    if (!keys) return Unexpected(keys.error());
    if (!*keys) return std::optional<plan::JobSsh>{};
    auto nodes = step_nodes(host_env);
    if (!nodes) return Unexpected(nodes.error());
    plan::JobSsh job;
    job.keys = std::move(**keys);
    job.known_hosts = job_known_hosts(*nodes, port, job.keys.host_public);
    job.client_config = job_ssh_config(*nodes, port);
    job.nodes = nodes->size();
    return std::optional<plan::JobSsh>(std::move(job));
}

}  // namespace skiff::hooks
