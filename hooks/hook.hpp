// The contract of every built-in hook (hooks.md §0, style.md rule 2). A hook is one line of
// the table in hook_table.cpp and one folder:
//   - gather() reads what the hook needs (the host, the image, files), before planning; it may
//     do I/O and returns the hook's facts, or nullopt when the hook is off for this launch;
//   - contribute() is pure: it turns those facts into typed operations (a Contribution:
//     mounts, libraries, environment, a server to start), which the planner places among the
//     others and the executor applies. A hook never mounts or starts anything by itself.
// launcher/gather runs the table in order; each hook sees the contributions of those before it.
#pragma once

#include <any>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/error.hpp"
#include "hooks/contribution.hpp"
#include "hooks/image_linker.hpp"
#include "hooks/network_hooks.hpp"
#include "hooks/standard/standard_switches.hpp"
#include "launcher/plan/planner.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::hooks {

// A hook's own facts, from its gather() to its contribute(): each hook stores and reads its
// own type.
using HookFacts = std::any;

// What the nvidia hook gave the container, for the MPS hook.
struct NvidiaGpus {
    std::vector<std::string> uuids;     // the container's GPUs, in its order
    std::vector<std::string> programs;  // the driver's programs, by their container paths
};

// What several hooks read once and share.
struct SharedFacts {
    ImageLinkerCache linker;
    std::optional<NetworkFacts> network = std::nullopt;  // the network hooks' choice and host libraries
    std::optional<standard::Switches> standard = std::nullopt;  // the standard hooks' [hooks.standard]
    std::set<std::string> cdi_kinds = {};  // kinds the devices hook resolved through CDI specs
    std::optional<NvidiaGpus> nvidia = std::nullopt;  // set by the nvidia hook when it contributes
};

struct Hook {
    std::string_view name;                        // "ssh"; its annotations are com.hooks.ssh.*
    std::span<const std::string_view> settings;   // the com.hooks.<name>.<setting> it reads
    std::string_view site_table;                  // its table in the site configuration, or ""
    // `request`: everything gathered before the hooks, and request.contributions so far.
    Result<std::optional<HookFacts>> (*gather)(const plan::PlanRequest& request, SharedFacts& shared,
                                               Diagnostics& diag);
    Result<Contribution> (*contribute)(const HookFacts& facts, const plan::PlanRequest& request);
};

// The built-in hooks, in the order they contribute.
std::span<const Hook> builtin_hooks();

// The site configuration's tables that skiff reads: each built-in hook's, then [hooks.external].
std::vector<std::string_view> site_tables();

// An error for a table or top-level key of `site` that site_tables() does not name.
Result<void> check_site_tables(const site::SiteConfig& site);

// A warning for each annotation com.hooks.<hook>.<setting> of `environment` whose <hook> is
// built in and does not know <setting> (com.hooks.ssh.enable), in file order. Other keys
// pass: external hooks use them.
std::vector<std::string> annotation_warnings(const edf::Environment& environment);

// The warning for one key, without its origin; "" when there is none.
std::string setting_warning(std::string_view key);

}  // namespace skiff::hooks
