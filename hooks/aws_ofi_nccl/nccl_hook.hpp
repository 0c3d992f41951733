// The AWS OFI NCCL plugin hook (hooks.md §2, annotations com.hooks.aws_ofi_nccl.enabled and
// .variant): the plugin of the chosen variant as /.skiff/lib/libnccl-net.so (also found as
// libnccl-net-ofi.so and libnccl-net-aws-ofi.so), its closure without the glibc family and the
// GPU runtime, and NCCL_NET="AWS Libfabric" with CSCS's recommended defaults. It implies the
// CXI hook (network_hooks.hpp).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/env_map.hpp"
#include "hooks/hook_context.hpp"

namespace skiff::hooks {

inline constexpr const char* nccl_net_value = "AWS Libfabric";

// [hooks.aws_ofi_nccl] of the site configuration.
struct NcclSettings {
    bool configured = false;
    std::string site_path;
    bool default_on = false;                  // `default`; hooks.md: off unless the site says so
    std::optional<std::string> default_variant;
    std::vector<std::pair<std::string, std::string>> variants;  // name -> plugin directory
    std::string variants_key;                 // for messages
    // `env` replaces the default set; NCCL_NET is always set unless `env` names it.
    std::optional<std::vector<std::pair<std::string, std::string>>> env;
};

// Variants: `variants = { NAME = "DIR" }`, or `[hooks.aws_ofi_nccl.variants.NAME]` with
// `directory = "DIR"`.
Result<NcclSettings> read_nccl_settings(const site::SiteConfig& config);

// The default environment (hooks.md §2 table), NCCL_NET first.
std::vector<std::pair<std::string, std::string>> nccl_default_env();

// "cuda-dl, cuda12" (the site's variants), or "none".
std::string known_variants(const NcclSettings& settings);

// The plugin directory of `variant`; an unknown one is an error listing the known variants.
Result<std::string> variant_directory(const NcclSettings& settings, const std::string& variant);

// A warning when the container's final NCCL_NET_PLUGIN names another plugin than the injected
// one (NCCL would load that instead), else nullopt.
std::optional<std::string> nccl_plugin_warning(const EnvMap& final_env);

Result<Contribution> nccl_contribution(const HookContext& ctx, const NcclSettings& settings, const std::string& variant);

}  // namespace skiff::hooks
