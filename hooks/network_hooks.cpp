#include "hooks/network_hooks.hpp"

#include <unistd.h>

#include "hooks/switches.hpp"

namespace skiff::hooks {
namespace {

constexpr const char* kCxiKey = "com.hooks.cxi.enabled";
constexpr const char* kNcclKey = "com.hooks.aws_ofi_nccl.enabled";
constexpr const char* kVariantKey = "com.hooks.aws_ofi_nccl.variant";

std::string site_name(const std::string& path) { return path.empty() ? "no site configuration" : path; }

std::string enabled_key(NetworkHook hook) {
    return "com.hooks." + std::string(hook_name(hook)) + ".enabled";
}

Unexpected<Error> not_configured(const Annotations& annotations, const std::string& key, const std::string& table,
                                 const std::string& site_path) {
    return fail(annotation_origin(annotations, key) + ": this node's site configuration (" + site_name(site_path) +
                ") has no [" + table + "] table; ask the site's administrators, or remove the annotation");
}

// aws_ofi_nccl: the annotation, else the site default.
Result<std::optional<ActiveHook>> nccl_activation(const NetworkSettings& settings, const Annotations& annotations) {
    auto asked = annotation_switch(annotations, kNcclKey);
    if (!asked) return Unexpected(asked.error());
    ActiveHook hook{NetworkHook::aws_ofi_nccl, asked->has_value(), "", ""};
    bool on = asked->value_or(settings.nccl.configured && settings.nccl.default_on);
    if (!on) return std::optional<ActiveHook>{};
    if (!settings.nccl.configured) return not_configured(annotations, kNcclKey, "hooks.aws_ofi_nccl", settings.nccl.site_path);
    hook.why = *asked ? annotation_origin(annotations, kNcclKey) : "site default (" + settings.nccl.site_path + ")";
    hook.variant = annotation_text(annotations, kVariantKey).value_or(settings.nccl.default_variant.value_or(""));
    return std::optional<ActiveHook>(hook);
}

bool site_default_on(const CxiSettings& cxi, const FileExists& exists, std::string& why) {
    why = "site default (" + cxi.site_path + ")";
    switch (cxi.default_mode) {
        case SiteDefault::on: return true;
        case SiteDefault::off: return false;
        case SiteDefault::automatic: why = "site default auto: " + cxi.auto_device + " exists"; return exists(cxi.auto_device);
    }
    return false;
}

Result<std::optional<ActiveHook>> cxi_activation(const NetworkSettings& settings, const Annotations& annotations,
                                                 const std::optional<ActiveHook>& nccl, Diagnostics& diag,
                                                 const FileExists& exists) {
    auto asked = annotation_switch(annotations, kCxiKey);
    if (!asked) return Unexpected(asked.error());
    ActiveHook hook{NetworkHook::cxi, false, "", ""};
    bool on = false;
    if (*asked) {
        on = **asked;
        hook.requested = true;
        hook.why = annotation_origin(annotations, kCxiKey);
        if (!on && nccl)
            diag.warn(hook.why + " wins over the aws_ofi_nccl hook: NCCL will not reach the network through the host's libfabric");
        if (on && !settings.cxi.configured) return not_configured(annotations, kCxiKey, "hooks.cxi", settings.cxi.site_path);
    } else if (nccl) {
        on = settings.cxi.configured;  // a site without CXI (another fabric) has nothing to add
        hook.requested = nccl->requested;
        hook.why = "implied by the aws_ofi_nccl hook";
    } else if (settings.cxi.configured) {
        on = site_default_on(settings.cxi, exists, hook.why);
    }
    if (!on) return std::optional<ActiveHook>{};
    return std::optional<ActiveHook>(hook);
}

// "libnccl-net.so <- /opt/ofi/lib/libnccl-net.so (NCCL plugin; also libnccl-net-ofi.so)"
std::string library_note(const InjectedLibrary& lib) {
    std::string also;
    for (const auto& alias : lib.aliases) also += (also.empty() ? "; also " : ", ") + alias;
    return lib.name + " <- " + lib.host_path + " (" + lib.reason + also + ")";
}

Result<Contribution> run_one(const ActiveHook& active, const NetworkSettings& settings, const HookContext& ctx) {
    if (active.hook == NetworkHook::cxi) return cxi_contribution(ctx, settings.cxi);
    if (active.variant.empty())
        return fail("no variant chosen: set " + std::string(kVariantKey) + " (this site has: " +
                    known_variants(settings.nccl) + ")");
    return nccl_contribution(ctx, settings.nccl, active.variant);
}

}  // namespace

const char* hook_name(NetworkHook hook) {
    switch (hook) {
        case NetworkHook::cxi: return "cxi";
        case NetworkHook::aws_ofi_nccl: return "aws_ofi_nccl";
    }
    return "?";
}

bool host_file_exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

Result<NetworkSettings> read_network_settings(const site::SiteConfig& config) {
    NetworkSettings settings;
    auto cxi = read_cxi_settings(config);
    if (!cxi) return Unexpected(cxi.error());
    settings.cxi = std::move(*cxi);
    auto nccl = read_nccl_settings(config);
    if (!nccl) return Unexpected(nccl.error());
    settings.nccl = std::move(*nccl);
    return settings;
}

Result<std::vector<ActiveHook>> active_network_hooks(const NetworkSettings& settings, const Annotations& annotations,
                                                     Diagnostics& diag, const FileExists& exists) {
    auto nccl = nccl_activation(settings, annotations);
    if (!nccl) return Unexpected(nccl.error());
    auto cxi = cxi_activation(settings, annotations, *nccl, diag, exists);
    if (!cxi) return Unexpected(cxi.error());
    std::vector<ActiveHook> active;
    if (*cxi) active.push_back(**cxi);
    if (*nccl) active.push_back(**nccl);
    return active;
}

Result<std::optional<Contribution>> contribute(const ActiveHook& active, const NetworkSettings& settings,
                                               const HookContext& ctx, Diagnostics& diag) {
    std::string name = hook_name(active.hook);
    auto result = run_one(active, settings, ctx);
    if (!result) {
        if (active.requested)
            return fail(name + " hook: " + result.error().message + "; or disable the hook with --annotation " +
                        enabled_key(active.hook) + "=false");
        diag.warn(name + " hook (on by " + active.why + "): " + result.error().message + "; nothing injected (" +
                  enabled_key(active.hook) + "=true makes this an error)");
        return std::optional<Contribution>{};
    }
    for (const auto& warning : result->warnings) diag.warn(warning);
    std::vector<std::string> head{"on: " + active.why};
    for (const auto& lib : result->libraries) head.push_back(library_note(lib));
    result->notes.insert(result->notes.begin(), head.begin(), head.end());
    return std::optional<Contribution>(std::move(*result));
}

}  // namespace skiff::hooks
