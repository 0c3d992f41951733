#include "launcher/gather/hooks.hpp"

#include "hooks/hook.hpp"
#include "launcher/gather/libc_cache.hpp"
#include "launcher/gather/linker_facts.hpp"

namespace skiff::gather {
namespace {

std::string summary(const plan::Contribution& c) {
    return "hook " + c.hook + ": " + std::to_string(c.mounts.size()) + " mounts, " +
           std::to_string(c.libraries.size()) + " libraries, " + std::to_string(c.env.size() + c.env_defaults.size()) +
           " variables";
}

bool injects_libraries(const plan::PlanRequest& request) {
    if (hooks::has_ldcache_mounts(request.environment)) return true;
    for (const auto& c : request.contributions)
        if (!c.libraries.empty() || !c.cache_entries.empty()) return true;
    return false;
}

Result<void> gather_linker_config(plan::PlanRequest& request, hooks::ImageLinkerCache& linker,
                                  const std::string& probe_memo, Diagnostics& diag, Timeline& timeline) {
    if (!injects_libraries(request)) return {};
    auto& image_linker = linker.get(diag);
    if (!image_linker) return Unexpected(image_linker.error());
    auto config = read_linker_config(request.environment, &*image_linker, request.contributions, probe_memo, diag);
    if (!config) return Unexpected(config.error());
    request.linker = std::move(*config);
    if (request.linker) timeline.step("wrote the dynamic-linker configuration for injected libraries");
    return {};
}

}  // namespace

Result<void> gather_hooks(plan::PlanRequest& request, const std::string& probe_memo, const std::string& libc_cache,
                          Diagnostics& diag, Timeline& timeline) {
    const std::string command = request.command.empty() ? "" : request.command.front();
    auto known_libc = [&] { return load_cached_libc(libc_cache, request.image, command); };
    hooks::SharedFacts shared{hooks::ImageLinkerCache(request.image, request.command, known_libc)};
    for (const hooks::Hook& hook : hooks::builtin_hooks()) {
        auto facts = hook.gather(request, shared, diag);
        if (!facts) return Unexpected(facts.error());
        if (!*facts) continue;
        auto contribution = hook.contribute(**facts, request);
        if (!contribution) return Unexpected(contribution.error());
        timeline.step(summary(*contribution));
        request.contributions.push_back(std::move(*contribution));
    }
    if (auto r = gather_linker_config(request, shared.linker, probe_memo, diag, timeline); !r) return r;
    if (const auto* libc = shared.linker.detected_libc()) store_cached_libc(libc_cache, request.image, command, *libc);
    if (shared.linker.loaded())
        timeline.note(shared.linker.libc_was_known() ? "the image's C library: cached" : "the image's C library: read");
    return {};
}

}  // namespace skiff::gather
