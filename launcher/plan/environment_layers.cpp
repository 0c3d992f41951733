#include "launcher/plan/environment_layers.hpp"

#include <array>
#include <string_view>

#include "common/job_ssh_keys.hpp"
#include "common/task_variables.hpp"

namespace skiff::plan {
namespace {

// Host variables that name host code or host-libc data, never inherited. The image's libc
// and loader would act on host paths: PATH finds host programs; every LD_* steers the
// image's ld.so (LD_PRELOAD, LD_AUDIT and LD_LIBRARY_PATH load host libraries, LD_DEBUG_OUTPUT
// and LD_PROFILE_OUTPUT write to host paths, and new ones appear with each glibc);
// GCONV_PATH loads iconv modules (shared objects), GETCONF_DIR holds the programs getconf
// runs, and LOCPATH holds locale files compiled for the host's glibc, whose format is the
// image's glibc's to read. The rest of glibc's unsecure list (elf/unsecvars.h) is the
// user's data or options, as meaningful in the container as on the host, and passes:
// TMPDIR (Slurm often sets a per-job one), TZDIR and NLSPATH (portable tzfile and message
// catalogue formats), HOSTALIASES, RESOLV_HOST_CONF, LOCALDOMAIN, RES_OPTIONS and NIS_PATH
// (resolver settings; the container shares the host's network), MALLOC_TRACE (only acts in
// a program that calls mtrace()), GLIBC_TUNABLES (names, not paths; an image's glibc
// ignores the tunables it does not know).
constexpr std::array<std::string_view, 4> host_only = {"PATH", "GCONV_PATH", "GETCONF_DIR", "LOCPATH"};
constexpr std::string_view host_only_prefix = "LD_";

// What a hook receives as an annotation (edf.md §9). The host's are ignored, as the
// launcher's warning says (edf::host_annotation_warning), so they do not reach the command.
constexpr std::string_view annotation_prefix = "OCI_ANNOTATION_";

bool is_host_only(const std::string& name) {
    if (name.starts_with(host_only_prefix)) return true;
    for (auto h : host_only)
        if (name == h) return true;
    return false;
}

// The step's SSH keys (common/job_ssh_keys.hpp) are for the SSH hook alone.
bool is_inherited(const std::string& name) {
    return !is_host_only(name) && !name.starts_with(annotation_prefix) && !is_job_ssh_variable(name);
}

// The task sets `name`, so its value wins over the EDF's (common/task_variables.hpp).
bool task_sets(const EnvMap& host, const std::string& name) { return is_task_variable(name) && host.contains(name); }

}  // namespace

EnvMap base_environment(const EnvMap& host, const ImageFacts& image) {
    EnvMap env;
    for (const auto& [name, value] : host)
        if (is_inherited(name)) env[name] = value;
    for (const auto& [name, value] : image.env) env[name] = value;
    if (!env.contains("PATH")) env["PATH"] = default_path;
    return env;
}

Result<EnvMap> container_environment(const PlanRequest& request) {
    EnvMap env = base_environment(request.host.env, request.image_facts);
    for (const auto& contribution : request.contributions)
        for (const auto& [name, value] : contribution.env) env[name] = value;
    auto edf_values = edf::expand_env_values(request.environment, env);
    if (!edf_values) return Unexpected(edf_values.error());
    for (const auto& [name, value] : *edf_values) {
        if (task_sets(request.host.env, name)) continue;  // task_variable_warnings() says so
        if (value.empty()) env.erase(name);  // "" unsets, whatever set it below
        else env[name] = value;
    }
    for (const auto& [name, value] : request.host.env)
        if (is_task_variable(name)) env[name] = value;
    return env;
}

std::vector<std::string> task_variable_warnings(const edf::Environment& environment, const EnvMap& host) {
    std::vector<std::string> warnings;
    for (const auto& [name, value] : environment.env)
        if (task_sets(host, name))
            warnings.push_back(value.origin.str() + ": ignoring " + name +
                               ": the task sets it, and the task's SLURM_*, PMI_*, PMIX_*, SLINGSHOT_* and PALS_* "
                               "variables always win; remove it from [env] or --env");
    return warnings;
}

std::set<std::string> names_above_hooks(const PlanRequest& request) {
    std::set<std::string> names;
    for (const auto& [name, value] : request.environment.env) names.insert(name);
    for (const auto& [name, value] : request.host.env)
        if (is_task_variable(name)) names.insert(name);
    return names;
}

}  // namespace skiff::plan
