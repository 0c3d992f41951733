// The createContainer hooks of NVIDIA's generated CDI specs (nvidia-cdi-hook, or nvidia-ctk
// hook), whose work skiff does itself instead of running them (gpu.md §3, style.md rule 13):
//   update-ldcache --folder D...     the libraries the spec mounts into D join the linker cache
//   create-symlinks --link T::L...   symlinks L -> T in the container
//   chmod, enable-cuda-compat, disable-device-node-modification, update-application-profile:
//                                    a note each (rootless, or the work of skiff's nvidia hook)
// Any other hook is an error: skiff runs no CDI hook program (README, "CDI devices").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "hooks/cdi/cdi_spec.hpp"

namespace skiff::cdi {

struct NativeHooks {
    std::vector<std::string> ldcache_folders;                   // container directories
    std::vector<std::pair<std::string, std::string>> symlinks;  // (target, link path)
    std::vector<std::string> notes;
};

// Adds what `hook` asks for to `out`; `label` names the spec (and device) in messages.
Result<void> add_native_hook(const Hook& hook, const std::string& label, NativeHooks& out);

}  // namespace skiff::cdi
