// What a built-in hook gives a launch (hooks.md §0, style.md rule 2, hooks/hook.hpp): mounts,
// libraries to inject, environment, a server to start, and the lines that --dry-run and -v
// show. A hook never acts by itself; the planner places its operations among the others.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "launcher/plan/launch_plan.hpp"

namespace skiff::plan {

// Where injected libraries appear in the container, each under its soname (hooks.md §0).
inline constexpr const char* private_dir = "/.skiff";
inline constexpr const char* library_dir = "/.skiff/lib";

// A host library bound read-only at <library_dir>/<name> and put first in the container's
// linker cache under `name` and each alias.
struct InjectedLibrary {
    std::string host_path;               // the file bound (symlinks resolved)
    std::string name;                    // file name in library_dir and cache key: the soname
    std::vector<std::string> aliases;    // extra cache keys, e.g. libnccl-net-ofi.so
    std::string reason;                  // "site library", "needed by libfabric.so.1"
    std::string container_path() const { return std::string(library_dir) + "/" + name; }
};

// A file already in the container, a hook's bind (CDI mounts) or the image's own (the nvidia
// hook's CUDA forward compatibility), put first in the container's linker cache under `key`
// (its soname), as CDI's update-ldcache hook has ldconfig do.
struct CacheEntry {
    std::string key;             // libcuda.so.1
    std::string container_path;  // /usr/lib64/libcuda.so.550.54.15
};

// A host device node bound at `destination`: opened read-write by programs, never exec or
// setuid. Rootless, mknod is denied: the bind goes onto an empty file skiff creates.
inline MountOp device_bind(std::string source, std::string destination, std::string origin) {
    MountOp op;
    op.source = std::move(source);
    op.destination = std::move(destination);
    op.recursive = false;
    op.nosuid = true;
    op.noexec = true;
    op.create = CreatePolicy::file;
    op.origin = std::move(origin);
    return op;
}

// A host path a hook read to make its contribution: the plan memory
// (launcher/gather/plan_memory_inputs.hpp) compares its identity, or with `presence_only`
// only whether it exists and as what, before it reuses a plan.
struct HostInput {
    std::string path;
    bool presence_only = false;
};

// Where a hook's mounts go among the others.
enum class MountPlace {
    before_edf,  // after skiff's own, before the EDF's: an EDF can still mount inside them
    after_edf,   // after the EDF's, with the injected libraries (/.skiff/lib)
    last,        // after every other mount, the linker configuration's too
};

struct Contribution {
    std::string hook;                          // "cxi"
    std::vector<InjectedLibrary> libraries;    // in injection order (earlier wins)
    std::vector<MountOp> mounts;               // devices and other binds, applied after the libraries
    std::vector<std::pair<std::string, std::string>> env;  // the hook layer (edf.md §8)
    std::vector<std::string> notes;            // --dry-run and -v: what was done and why
    std::vector<std::string> warnings;         // printed before the command starts
    MountPlace place = MountPlace::after_edf;
    // Set last, and only where the container's environment has no value (the Slurm hook's).
    std::vector<std::pair<std::string, std::string>> env_defaults = {};
    std::optional<SshServer> ssh = std::nullopt;  // a server the executor starts before the command
    std::vector<CacheEntry> cache_entries = {};   // after the libraries in the linker cache
    std::optional<MpsDaemon> mps = std::nullopt;  // a daemon the executor starts before the command
    // Every host path the hook read, when it can name them all (the network hooks); nullopt
    // when it cannot, and a plan with this contribution is then made afresh each launch.
    std::optional<std::vector<HostInput>> host_inputs = std::nullopt;
};

}  // namespace skiff::plan
