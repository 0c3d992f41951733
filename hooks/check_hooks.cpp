#include "hooks/check_hooks.hpp"

#include <algorithm>
#include <string>

#include "hooks/external/external_settings.hpp"
#include "hooks/hook.hpp"
#include "hooks/hook_switch.hpp"
#include "hooks/network_hooks.hpp"
#include "hooks/ssh/ssh_gather.hpp"
#include "hooks/standard/standard_hooks.hpp"

namespace skiff::hooks {
namespace {

// One line per problem: a bad switch is met by several checks.
void add_error(Diagnostics& diag, const std::string& message) {
    if (std::find(diag.errors.begin(), diag.errors.end(), message) == diag.errors.end()) diag.error(message);
}

void add_error(Diagnostics& diag, const Result<void>& result) {
    if (!result) add_error(diag, result.error().message);
}

// com.hooks.<name>.enabled of every built-in hook that has one.
void check_switches(const edf::Environment& environment, Diagnostics& diag) {
    for (const Hook& hook : builtin_hooks()) {
        if (hook.settings.empty() || hook.settings.front() != "enabled") continue;
        auto on = annotation_switch(environment, "com.hooks." + std::string(hook.name) + ".enabled", false);
        if (!on) add_error(diag, on.error().message);
    }
}

// The hooks asked for by an annotation: configured by the site, with a variant it knows.
// Whether the site's "auto" device exists is the node's: it counts as absent here.
Result<void> check_network(const edf::Environment& environment, const site::SiteConfig& site) {
    auto settings = read_network_settings(site);
    if (!settings) return Unexpected(settings.error());
    Diagnostics ignored;
    auto active = active_network_hooks(*settings, environment.annotations, ignored, [](const std::string&) { return false; });
    if (!active) return Unexpected(active.error());
    for (const ActiveHook& hook : *active) {
        if (hook.hook != NetworkHook::aws_ofi_nccl || !hook.requested) continue;
        if (hook.variant.empty())
            return fail("aws_ofi_nccl hook: no variant chosen: set com.hooks.aws_ofi_nccl.variant (this site has: " +
                        known_variants(settings->nccl) + ")");
        if (auto dir = variant_directory(settings->nccl, hook.variant); !dir) return Unexpected(dir.error());
    }
    return {};
}

Result<void> check_site_readers(const site::SiteConfig& site, const EnvMap& host_env) {
    if (auto r = check_site_tables(site); !r) return r;
    if (auto r = standard::read_switches(&site); !r) return Unexpected(r.error());
    if (auto r = external::read_settings(&site, host_env); !r) return Unexpected(r.error());
    return {};
}

}  // namespace

void check_hooks(const edf::Environment& environment, const site::SiteConfig& site, const EnvMap& host_env,
                 Diagnostics& diag) {
    add_error(diag, check_site_readers(site, host_env));
    check_switches(environment, diag);
    add_error(diag, check_network(environment, site));
    add_error(diag, check_ssh_host(environment, &site));
}

}  // namespace skiff::hooks
