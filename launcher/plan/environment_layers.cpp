#include "launcher/plan/environment_layers.hpp"

#include <array>
#include <string_view>

namespace skiff::plan {
namespace {

// Host paths: inheriting them would load host libraries and programs into the image.
constexpr std::array<std::string_view, 3> host_only = {"PATH", "LD_LIBRARY_PATH", "LD_PRELOAD"};

// Values that differ per task and per step; an image must never freeze stale ones.
constexpr std::array<std::string_view, 4> task_prefixes = {"SLURM_", "PMIX_", "PMI_", "SLINGSHOT_"};

bool is_host_only(const std::string& name) {
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
