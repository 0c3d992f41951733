#include <algorithm>
#include <array>
#include <tuple>

#include "hooks/devices/devices_hook.hpp"
#include "hooks/external/external_settings.hpp"
#include "hooks/hook.hpp"
#include "hooks/network_gather.hpp"
#include "hooks/nvidia/nvidia_hook.hpp"
#include "hooks/nvidia_cuda_mps/mps_hook.hpp"
#include "hooks/slurm/slurm_hook.hpp"
#include "hooks/ssh/ssh_gather.hpp"
#include "hooks/standard/standard_hooks.hpp"
#include "launcher/edf/suggest.hpp"
#include "launcher/site/known_tables.hpp"

namespace skiff::hooks {
namespace {

constexpr std::array<std::string_view, 1> enabled_setting_only = {"enabled"};
constexpr std::array<std::string_view, 2> nccl_setting_names = {"enabled", "variant"};
constexpr std::array<std::string_view, 3> ssh_setting_names = {"enabled", "authorize_ssh_key", "port"};

// The built-in hooks, in the order they contribute (hooks.md). The standard hooks' mounts come
// before the EDF's, the network hooks' after them, and the SSH hook's last.
constexpr std::array<Hook, 11> hook_table{{
    {"shm", {}, "hooks.standard", standard::gather_shm, standard::contribute_shm},
    {"passwd", {}, "hooks.standard", standard::gather_passwd, standard::contribute_passwd},
    {"localtime", {}, "hooks.standard", standard::gather_localtime, standard::contribute_localtime},
    {"home", {}, "hooks.standard", standard::gather_home, standard::contribute_home},
    {"slurm", enabled_setting_only, "", gather_slurm, contribute_slurm},
    {"cxi", enabled_setting_only, "hooks.cxi", gather_cxi, gathered_contribution},
    {"aws_ofi_nccl", nccl_setting_names, "hooks.aws_ofi_nccl", gather_nccl, gathered_contribution},
    {"devices", {}, "hooks.cdi", gather_devices, contribute_devices},
    {"nvidia", enabled_setting_only, "hooks.nvidia", gather_nvidia, contribute_nvidia},
    {"nvidia_cuda_mps", enabled_setting_only, "", gather_mps, contribute_mps},
    {"ssh", ssh_setting_names, "hooks.ssh", gather_ssh, contribute_ssh},
}};

constexpr std::string_view hook_prefix = "com.hooks.";

const Hook* find_hook(std::string_view name) {
    for (const Hook& hook : hook_table)
        if (hook.name == name && !hook.settings.empty()) return &hook;
    return nullptr;
}

}  // namespace

std::span<const Hook> builtin_hooks() { return hook_table; }

std::vector<std::string_view> site_tables() {
    std::vector<std::string_view> tables;
    for (const Hook& hook : hook_table)
        if (!hook.site_table.empty() && std::find(tables.begin(), tables.end(), hook.site_table) == tables.end())
            tables.push_back(hook.site_table);
    tables.push_back(external::site_table);
    return tables;
}

Result<void> check_site_tables(const site::SiteConfig& site) {
    return site::check_known_tables(site, site_tables());
}

std::string setting_warning(std::string_view key) {
    if (!key.starts_with(hook_prefix)) return {};
    std::string_view rest = key.substr(hook_prefix.size());
    std::size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return {};
    const Hook* hook = find_hook(rest.substr(0, dot));
    if (!hook) return {};
    std::string_view setting = rest.substr(dot + 1);
    if (std::find(hook->settings.begin(), hook->settings.end(), setting) != hook->settings.end()) return {};
    std::string valid;
    for (std::string_view name : hook->settings) valid += (valid.empty() ? "" : " ") + std::string(name);
    return "annotation '" + std::string(key) + "' is not a setting of the built-in " + std::string(hook->name) +
           " hook" + edf::did_you_mean(setting, hook->settings) + "; valid: " + valid;
}

std::vector<std::string> annotation_warnings(const edf::Environment& environment) {
    std::vector<std::pair<edf::Origin, std::string>> found;
    for (const auto& [key, value] : environment.annotations)
        if (std::string warning = setting_warning(key); !warning.empty()) found.emplace_back(value.origin, warning);
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.file, a.first.line) < std::tie(b.first.file, b.first.line);
    });
    std::vector<std::string> warnings;
    for (const auto& [origin, warning] : found) warnings.push_back(origin.str() + ": " + warning);
    return warnings;
}

}  // namespace skiff::hooks
