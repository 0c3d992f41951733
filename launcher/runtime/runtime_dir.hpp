// skiff's private per-user runtime directory: node-local state that outlives one launch
// (cached image facts, image-server sockets). $XDG_RUNTIME_DIR/skiff when XDG_RUNTIME_DIR is
// an existing directory of the user's, else /tmp/skiff-<uid>. Under Slurm, XDG_RUNTIME_DIR is
// often copied from the login node and absent on the compute node: that is the fallback's case.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/env_map.hpp"
#include "common/error.hpp"

namespace skiff::runtime {

// The directory's path (not created).
std::string runtime_dir_path(const EnvMap& host_env, uid_t uid);

// Creates the directory (0700) if needed, and checks that it is a real directory owned by
// `uid` that nobody else can enter; returns its path.
Result<std::string> private_runtime_dir(const EnvMap& host_env, uid_t uid);

// Creates `name` (0700) inside a private directory, with the same checks.
Result<std::string> private_subdir(const std::string& parent, const std::string& name, uid_t uid);

// The subdirectories of the runtime directory a launch uses; both empty (and `problem` set)
// when the runtime directory cannot be used.
struct StateDirs {
    std::string image_facts;    // cached image facts (launcher/cli/facts_cache.hpp)
    std::string image_servers;  // warm image-server sockets and locks
    std::string elf_probes;     // remembered probes of host libraries (libfabric-bind/probe_memo.hpp)
    std::string problem;
};
StateDirs state_dirs(const EnvMap& host_env, uid_t uid);

}  // namespace skiff::runtime
