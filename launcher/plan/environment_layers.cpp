#include "launcher/plan/environment_layers.hpp"

#include <array>
#include <string_view>

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

// Values that differ per task and per step; an image must never freeze stale ones.
constexpr std::array<std::string_view, 4> task_prefixes = {"SLURM_", "PMIX_", "PMI_", "SLINGSHOT_"};

bool is_host_only(const std::string& name) {
    if (name.starts_with(host_only_prefix)) return true;
    for (auto h : host_only)
        if (name == h) return true;
    return false;
}

bool is_task_variable(const std::string& name) {
    for (auto p : task_prefixes)
        if (name.starts_with(p)) return true;
    return false;
}

}  // namespace

EnvMap base_environment(const EnvMap& host, const ImageFacts& image) {
    EnvMap env;
    for (const auto& [name, value] : host)
        if (!is_host_only(name)) env[name] = value;
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
        if (value.empty()) env.erase(name);  // "" unsets, whatever set it below
        else env[name] = value;
    }
    for (const auto& [name, value] : request.host.env)
        if (is_task_variable(name) && !request.environment.env.contains(name)) env[name] = value;
    return env;
}

std::set<std::string> names_above_hooks(const PlanRequest& request) {
    std::set<std::string> names;
    for (const auto& [name, value] : request.environment.env) names.insert(name);
    for (const auto& [name, value] : request.host.env)
        if (is_task_variable(name)) names.insert(name);
    return names;
}

}  // namespace skiff::plan
