// The CXI / libfabric hook (hooks.md §1, annotation com.hooks.cxi.enabled): the host's libfabric
// and the rest of the site's network stack, with their DT_NEEDED closure, bound read-only at
// /.skiff/lib/<soname> and put first in the image's linker cache; the Slingshot devices that
// exist on the node; FI_PROVIDER_PATH and the site's environment.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hooks/hook_context.hpp"

namespace skiff::hooks {

// Where libfabric looks for provider DSOs in the container: the host's, or nothing, never the
// image's, which were built for another libfabric (hooks.md §1, Decision).
inline constexpr const char* provider_dir = "/.skiff/lib/libfabric";

enum class SiteDefault { off, on, automatic };

// [hooks.cxi] of the site configuration.
struct CxiSettings {
    bool configured = false;           // the site has a [hooks.cxi] table
    std::string site_path;
    SiteDefault default_mode = SiteDefault::off;
    std::string auto_device = "/dev/cxi0";  // `default = "auto"` turns the hook on when it exists
    std::vector<std::string> libraries;     // host paths or globs
    std::string libraries_key;              // "/etc/skiff/skiff.toml:3: hooks.cxi.libraries"
    std::vector<std::string> devices;       // host paths or globs, bound at the same path
    std::optional<std::string> providers;   // host directory of libfabric provider DSOs
    std::vector<std::pair<std::string, std::string>> env;
};

// Unknown keys are warnings; wrong types are errors naming file, line and key.
Result<CxiSettings> read_cxi_settings(const site::SiteConfig& config);

// Errors (the caller applies the failure policy of hooks.md §0): a library pattern matching
// nothing, a dependency found nowhere, an ABI check that fails.
Result<Contribution> cxi_contribution(const HookContext& ctx, const CxiSettings& settings);

}  // namespace skiff::hooks
