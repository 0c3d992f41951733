// CDI devices as a hook contribution (gpu.md §3; hooks/hook.hpp). The entry points for the EDF
// `devices` key and `--device NAME`:
//
//   cdi::CdiRegistry registry = cdi::load_cdi_registry(site_dirs);  // or default_cdi_dirs()
//   auto contribution = cdi::cdi_contribution(registry, {"nvidia.com/gpu=0"});
//
// The contribution (hook "cdi") holds, in order: the env "K=V" of the edits (spec-level first,
// then each device's); the mounts of the edits sorted by the depth of their container paths,
// as CDI does; the device nodes; symlinks: for update-ldcache, each library's soname link in
// the folder (as ldconfig makes them), then those of create-symlinks; and, for update-ldcache,
// linker-cache entries for the libraries the mounts put into its folders. Its
// notes say what came from where, for --dry-run and -v.
//
// Errors, each one line naming the spec: an unknown device (cdi_resolve.hpp), a spec file that
// did not load, a device node missing on the host, a mount of another type or with an unknown
// option, a hook that is not one of NVIDIA's (skiff runs no hook programs), and the edits that
// need privilege: additionalGids, intelRdt and netDevices.
//
// It reads the host: stat() of device nodes, the ELF headers of libraries for update-ldcache;
// host_inputs names each (the nodes by presence). The spec files it was given are the caller's.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "hooks/cdi/cdi_registry.hpp"
#include "hooks/cdi/cdi_resolve.hpp"
#include "hooks/contribution.hpp"

namespace skiff::cdi {

inline constexpr const char* hook_name = "cdi";

Result<plan::Contribution> cdi_contribution(const CdiRegistry& registry, const std::vector<std::string>& names);

// The same for devices already resolved.
Result<plan::Contribution> cdi_contribution(const Resolution& resolution);

}  // namespace skiff::cdi
