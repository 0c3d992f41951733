#include "launcher/gather/hook_runner.hpp"

#include "hooks/network_hooks.hpp"

namespace skiff::gather {
namespace {

constexpr const char* kHostCache = "/etc/ld.so.cache";

std::string summary(const hooks::Contribution& c) {
    std::size_t devices = 0;
    for (const auto& op : c.mounts) devices += op.origin.ends_with(": device") ? 1u : 0u;
    return "hook " + c.hook + ": " + std::to_string(c.libraries.size()) + " libraries, " + std::to_string(devices) +
           " devices, " + std::to_string(c.env.size()) + " variables";
}

bool any_requested(const std::vector<hooks::ActiveHook>& active) {
    for (const auto& hook : active)
        if (hook.requested) return true;
    return false;
}

}  // namespace

Result<std::vector<hooks::Contribution>> run_network_hooks(const HookInputs& inputs, std::optional<ImageLinker>& linker,
                                                           Diagnostics& diag, Timeline& timeline) {
    std::vector<hooks::Contribution> contributions;
    auto settings = hooks::read_network_settings(inputs.site);
    if (!settings) return Unexpected(settings.error());
    auto active = hooks::active_network_hooks(*settings, inputs.environment.annotations, diag);
    if (!active) return Unexpected(active.error());
    if (active->empty() && !has_ldcache_mounts(inputs.environment)) return contributions;
    auto image_linker = read_image_linker(inputs.image, inputs.command, diag);
    if (!image_linker) {
        // Hooks on only by site default must not stop an image skiff cannot read (hooks.md §0).
        if (has_ldcache_mounts(inputs.environment) || any_requested(*active)) return Unexpected(image_linker.error());
        diag.warn(image_linker.error().message + "; the network hooks on by site default inject nothing");
        return contributions;
    }
    linker = std::move(*image_linker);
    timeline.step("read the image's dynamic-linker facts");
    if (active->empty()) return contributions;
    const auto& arch = linker->libc.arch ? *linker->libc.arch : ldcache::host_arch();
    auto host_libraries = ldcache::HostLibraryIndex::from_cache_file(kHostCache, arch);
    for (const auto& hook : *active) {
        hooks::HookContext ctx{inputs.site, inputs.environment.annotations, linker->libc, linker->cache, host_libraries,
                               contributions};
        auto contribution = hooks::contribute(hook, *settings, ctx, diag);
        if (!contribution) return Unexpected(contribution.error());
        if (!*contribution) {
            timeline.step("hook " + std::string(hooks::hook_name(hook.hook)) + ": nothing injected");
            continue;
        }
        timeline.step(summary(**contribution));
        contributions.push_back(std::move(**contribution));
    }
    return contributions;
}

}  // namespace skiff::gather
