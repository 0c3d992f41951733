// The two network hooks together (hooks.md §0-§2): which of them are on, in their order (cxi,
// then aws_ofi_nccl), and the failure policy around their contributions.
//   - An annotation wins; aws_ofi_nccl turns cxi on unless com.hooks.cxi.enabled=false says
//     otherwise (then with a warning); else the site default applies ("auto": on when the
//     site's auto_device, /dev/cxi0 by default, exists).
//   - A hook the user asked for (annotation, or cxi implied by a requested aws_ofi_nccl) that
//     cannot deliver is an error. A hook on only by site default warns and contributes nothing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hooks/aws_ofi_nccl/nccl_hook.hpp"
#include "hooks/cxi/cxi_hook.hpp"

namespace skiff::hooks {

struct NetworkSettings {
    CxiSettings cxi;
    NcclSettings nccl;
};

Result<NetworkSettings> read_network_settings(const site::SiteConfig& config);

enum class NetworkHook { cxi, aws_ofi_nccl };

struct ActiveHook {
    NetworkHook hook = NetworkHook::cxi;
    bool requested = false;  // asked for by an annotation: failures are errors
    std::string why;         // "com.hooks.cxi.enabled=true (command line)", "site default (/etc/...)"
    std::string variant;     // aws_ofi_nccl; "" when neither annotation nor site names one
};

const char* hook_name(NetworkHook hook);

using FileExists = std::function<bool(const std::string&)>;
bool host_file_exists(const std::string& path);

// Errors: a value that is not a switch; a hook requested that the site does not configure.
Result<std::vector<ActiveHook>> active_network_hooks(const NetworkSettings& settings, const Annotations& annotations,
                                                     Diagnostics& diag, const FileExists& exists = host_file_exists);

// What both network hooks gather once (hook.hpp, SharedFacts).
struct NetworkFacts {
    NetworkSettings settings;
    // The hooks that are on; none when the image's linker cannot be read and no hook was asked
    // for by an annotation (a warning says so).
    std::vector<ActiveHook> active;
    ldcache::HostLibraryIndex host_libraries;  // the host's ld.so.cache, for the image's architecture
};

// One hook's contribution under the failure policy: nullopt (with a warning in diag) when a
// hook on by site default cannot deliver. Its own warnings (musl) go to diag too.
Result<std::optional<Contribution>> contribute(const ActiveHook& active, const NetworkSettings& settings,
                                               const HookContext& ctx, Diagnostics& diag);

}  // namespace skiff::hooks
