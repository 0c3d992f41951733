// What a built-in hook gives a launch (hooks.md §0, style.md rule 2): mounts, libraries to
// inject, environment, and the lines that --dry-run and -v show. A hook never acts by itself;
// the planner turns the contribution into mount operations and environment.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "launcher/plan/launch_plan.hpp"

namespace skiff::hooks {

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

struct Contribution {
    std::string hook;                          // "cxi"
    std::vector<InjectedLibrary> libraries;    // in injection order (earlier wins)
    std::vector<plan::MountOp> mounts;         // devices and other binds, applied after the libraries
    std::vector<std::pair<std::string, std::string>> env;  // the hook layer (edf.md §8)
    std::vector<std::string> notes;            // --dry-run and -v: what was done and why
    std::vector<std::string> warnings;         // printed before the command starts
};

}  // namespace skiff::hooks
