// skiff's private per-user runtime directory: node-local state that outlives one launch
// (cached image facts, image-server sockets). $XDG_RUNTIME_DIR/skiff when XDG_RUNTIME_DIR is
// an existing directory of the user's, else /tmp/skiff-<uid>. Under Slurm, XDG_RUNTIME_DIR is
// often copied from the login node and absent on the compute node: that is the fallback's case.
//
// Every directory from XDG_RUNTIME_DIR (or /tmp/skiff-<uid>) down is opened once, a symlink
// never followed, checked through its descriptor, and then used only through that descriptor
// (namespaces/held_dir.hpp): a directory checked by path and used by path later can be swapped
// in between (issue 15). What skiff requires:
//   - XDG_RUNTIME_DIR: the user's, and writable by nobody else unless it has the sticky bit
//     (with it, others may add names but not rename or remove the user's). One that others may
//     write is not used at all, and the launch says so: they could put a directory of their
//     own in the place of skiff's before skiff opens it.
//   - skiff's own directories: the user's, with no permission for anyone else (0700).
// The directories above XDG_RUNTIME_DIR (or /tmp) are not checked: whoever can rename entries
// there can only make the path name another directory, which must then pass the same checks,
// and cannot change the directory skiff already holds.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::gather {

// A directory skiff holds open and reaches only through `fd`; with Missing::leave, one that
// does not exist yet has its path and no descriptor.
struct HeldDir {
    std::string path;  // as the user knows it: for messages and --dry-run
    UniqueFd fd;   // O_PATH
    bool valid() const { return fd.valid(); }
    // A path that resolves through `fd` (/proc/self/fd/N), for calls that only take paths.
    std::string via() const;
};

// What to do with a directory that does not exist: create it (a launch), or leave it so
// (--dry-run, which writes nothing).
enum class Missing { create, leave };

// Opens (creating it 0700 if needed) and checks skiff's runtime directory. `fallback_parent`
// holds skiff-<uid> when XDG_RUNTIME_DIR is unset, relative, or not a directory of the user's.
Result<HeldDir> private_runtime_dir(const EnvMap& host_env, uid_t uid, const std::string& fallback_parent = "/tmp",
                                    Missing missing = Missing::create);

// Opens (creating it 0700 if needed) `name` inside a private directory, with the same checks.
Result<HeldDir> private_subdir(const HeldDir& parent, const std::string& name, uid_t uid,
                               Missing missing = Missing::create);

// The subdirectories of the runtime directory a launch uses, held open; none of them (and
// `problem` set) when the runtime directory cannot be used.
struct StateDirs {
    HeldDir runtime;
    HeldDir image_facts;    // cached image facts (launcher/gather/facts_cache.hpp)
    HeldDir image_servers;  // warm image-server sockets and locks
    std::string problem;
    // Remembered probes of host libraries (libfabric-bind/probe_memo.hpp), through
    // image_facts; "" when there is none.
    std::string elf_probes() const;
};
StateDirs state_dirs(const EnvMap& host_env, uid_t uid, Missing missing = Missing::create);

}  // namespace skiff::gather
