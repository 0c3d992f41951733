#include "hooks/aws_ofi_nccl/nccl_hook.hpp"

#include <array>
#include <string_view>

#include "hooks/switches.hpp"
#include "launcher/site/site_table.hpp"

namespace skiff::hooks {
namespace {

using site::SiteTable;

constexpr std::array<std::string_view, 4> nccl_keys = {"default", "default_variant", "variants", "env"};

Result<std::string> one_variant(const SiteTable& variants, const std::string& name) {
    auto text = variants.text(name);
    if (text && *text) return **text;
    auto table = variants.table(name);
    if (!table || !*table)
        return fail(variants.where(name) + " must be a plugin directory, or a table with directory = \"DIR\"");
    auto dir = (*table)->text("directory");
    if (!dir) return Unexpected(dir.error());
    if (!*dir) return fail((*table)->where("directory") + " is missing: name the plugin directory");
    return **dir;
}

Result<void> read_variants(const SiteTable& table, NcclSettings& settings) {
    settings.variants_key = table.where("variants");
    auto variants = table.table("variants");
    if (!variants) return Unexpected(variants.error());
    if (!*variants) return {};
    for (const auto& name : (*variants)->keys()) {
        auto dir = one_variant(**variants, name);
        if (!dir) return Unexpected(dir.error());
        settings.variants.emplace_back(name, std::move(*dir));
    }
    return {};
}

Result<bool> default_on(const SiteTable& table) {
    auto text = table.text("default");
    if (!text) return Unexpected(text.error());
    if (!*text) return false;
    auto on = parse_switch(**text);
    if (!on) return fail(table.where("default") + " must be \"true\" or \"false\" (got \"" + **text + "\")");
    return *on;
}

}  // namespace

Result<NcclSettings> read_nccl_settings(const site::SiteConfig& config) {
    NcclSettings settings;
    settings.site_path = config.path;
    auto found = SiteTable::open(&config, "hooks.aws_ofi_nccl", nccl_keys);
    if (!found) return Unexpected(found.error());
    if (!found->present()) return settings;
    const SiteTable& table = *found;
    settings.configured = true;
    auto on = default_on(table);
    if (!on) return Unexpected(on.error());
    settings.default_on = *on;
    auto variant = table.text("default_variant");
    if (!variant) return Unexpected(variant.error());
    settings.default_variant = std::move(*variant);
    if (auto r = read_variants(table, settings); !r) return Unexpected(r.error());
    auto env = table.string_table("env");
    if (!env) return Unexpected(env.error());
    settings.env = std::move(*env);
    return settings;
}

std::vector<std::pair<std::string, std::string>> nccl_default_env() {
    return {{"NCCL_NET", nccl_net_value},
            {"NCCL_NET_GDR_LEVEL", "PHB"},
            {"NCCL_CROSS_NIC", "1"},
            {"NCCL_PROTO", "^LL128"},
            {"FI_CXI_DEFAULT_CQ_SIZE", "131072"},
            {"FI_CXI_DEFAULT_TX_SIZE", "16384"},
            {"FI_CXI_DISABLE_HOST_REGISTER", "1"},
            {"FI_CXI_RX_MATCH_MODE", "software"},
            {"FI_MR_CACHE_MONITOR", "userfaultfd"}};
}

std::string known_variants(const NcclSettings& settings) {
    std::string known;
    for (const auto& variant : settings.variants) known += (known.empty() ? "" : ", ") + variant.first;
    return known.empty() ? "none" : known;
}

Result<std::string> variant_directory(const NcclSettings& settings, const std::string& variant) {
    for (const auto& [name, dir] : settings.variants)
        if (name == variant) return dir;
    return fail("com.hooks.aws_ofi_nccl.variant: unknown variant '" + variant + "'; this site has: " +
                known_variants(settings));
}

}  // namespace skiff::hooks
