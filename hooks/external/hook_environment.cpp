#include "hooks/external/hook_environment.hpp"

#include "common/job_ssh_keys.hpp"
#include "launcher/edf/annotations.hpp"
#include "libfabric-bind/arch.hpp"

namespace skiff::hooks::external {

EnvMap hook_environment(const EnvMap& host, const std::map<std::string, edf::Sourced<std::string>>& annotations) {
    EnvMap env;
    for (const auto& [name, value] : host)
        if (!name.starts_with("OCI_ANNOTATION_") && !is_job_ssh_variable(name)) env[name] = value;  // keys: the SSH hook's
    for (const auto& [key, value] : annotations) env[edf::annotation_env_name(key)] = value.value;
    env["SKIFF_VERSION"] = SKIFF_VERSION;
    env["SKIFF_ARCH"] = std::string(ldcache::host_arch().uname);
    return env;
}

}  // namespace skiff::hooks::external
