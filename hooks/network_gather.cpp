#include "hooks/network_gather.hpp"

namespace skiff::hooks {
namespace {

constexpr const char* kHostCache = "/etc/ld.so.cache";

bool any_requested(const std::vector<ActiveHook>& active) {
    for (const auto& hook : active)
        if (hook.requested) return true;
    return false;
}

// Which hooks are on, and (when some is) the host's libraries for the image's architecture.
Result<NetworkFacts> read_network_facts(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics& diag) {
    NetworkFacts facts;
    auto settings = read_network_settings(*request.site);
    if (!settings) return Unexpected(settings.error());
    facts.settings = std::move(*settings);
    auto active = active_network_hooks(facts.settings, request.environment.annotations, diag);
    if (!active) return Unexpected(active.error());
    facts.active = std::move(*active);
    if (facts.active.empty()) return facts;
    auto& linker = shared.linker.get(diag);
    if (!linker) {
        // Hooks on only by site default must not stop an image skiff cannot read (hooks.md §0).
        if (any_requested(facts.active)) return Unexpected(linker.error());
        diag.warn(linker.error().message + "; the network hooks on by site default inject nothing");
        facts.active.clear();
        return facts;
    }
    const auto& arch = linker->libc.arch ? *linker->libc.arch : ldcache::host_arch();
    facts.host_libraries = ldcache::HostLibraryIndex::from_cache_file(kHostCache, arch);
    return facts;
}

Result<std::optional<HookFacts>> gather_network_hook(NetworkHook which, const plan::PlanRequest& request,
                                                     SharedFacts& shared, Diagnostics& diag) {
    if (!shared.network) {
        auto facts = read_network_facts(request, shared, diag);
        if (!facts) return Unexpected(facts.error());
        shared.network = std::move(*facts);
    }
    const NetworkFacts& network = *shared.network;
    for (const auto& active : network.active) {
        if (active.hook != which) continue;
        const ImageLinker& linker = *shared.linker.loaded();
        HookContext ctx{*request.site, request.environment.annotations, linker.libc, linker.cache,
                        network.host_libraries, request.contributions};
        auto contribution = contribute(active, network.settings, ctx, diag);
        if (!contribution) return Unexpected(contribution.error());
        if (!*contribution) return std::optional<HookFacts>{};
        if ((*contribution)->host_inputs) (*contribution)->host_inputs->push_back({kHostCache, false});
        return std::optional<HookFacts>(std::move(**contribution));
    }
    return std::optional<HookFacts>{};
}

}  // namespace

Result<std::optional<HookFacts>> gather_cxi(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics& diag) {
    return gather_network_hook(NetworkHook::cxi, request, shared, diag);
}

Result<std::optional<HookFacts>> gather_nccl(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics& diag) {
    return gather_network_hook(NetworkHook::aws_ofi_nccl, request, shared, diag);
}

Result<Contribution> gathered_contribution(const HookFacts& facts, const plan::PlanRequest&) {
    return std::any_cast<const Contribution&>(facts);
}

}  // namespace skiff::hooks
