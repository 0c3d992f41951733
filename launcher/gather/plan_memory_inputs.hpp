// What a remembered plan (plan_memory.hpp) depends on, and which launches may be remembered.
//
// A plan is a function of (1) the launch's key: the skiff binary, the options (all but -v), the whole
// environment (the plan's environment is built from it), the host facts (uid, gid, the names,
// home and shell of the user's passwd and group entries, the working directory, the Slurm
// step's slurmstepd) and the node's name; and (2) the files gathering read. (1) is computed
// again by every launch; (2) is the list below, each file's identity (device, inode, size,
// modification and change times in ns) checked again by a stat:
//   - the site configuration ($SKIFF_CONFIG or /etc/skiff/skiff.toml; its absence too),
//   - the EDF search directories (a new file there can change which EDF a name finds) and
//     every EDF applied, base_environment chain included,
//   - the image file (its identity also keys the facts read from it: facts_cache.hpp),
//   - each --mount/EDF mount source: only whether it exists and its type for a bind (its
//     content is bound when the container is built), the identity of a squashfs file,
//   - the hooks.d directories, which must not exist, the CXI device a site's "auto"
//     default looks for, and the NVIDIA driver's version file when GPUs were asked for and
//     the node had no driver (whether they exist),
//   - for `ldcache` mounts, each library directory and every entry in it and in its
//     glibc-hwcaps subdirectories (linker_inputs.hpp),
//   - what a hook that names its inputs read (plan::Contribution::host_inputs): the network
//     hooks list the host's ld.so.cache, each library of the closure, each path a dependency
//     or the NCCL plugin was looked for at in vain, and the directories their library and
//     device globs list (hooks/host_libraries.hpp); the nvidia hook also the driver's proc
//     files (version, each GPU's information), its programs, device nodes and firmware; the
//     devices hook whether each host device it binds is one (a tty's times move as it is
//     written) and, when a CDI name is asked for, each CDI spec directory and every spec
//     file in it, whether each node the edits bind is there and each library update-ldcache
//     read.
// Launches that read host state no identity covers are not remembered (why_not): a registry
// image (the store's tags move), a directory image (its files change), every other built-in
// hook but shm, passwd, localtime, home and slurm (they read SSH keys, MPS sockets), a
// network hook that is on and injected nothing and GPUs asked for that a driver on the node
// did not give (each failed, and is tried again), more than 4096 library directory entries
// or paths a hook read, an existing hooks.d directory (which scripts run depends on their
// modes). Nothing in a plan depends on the time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "launcher/gather/plan_memory_file.hpp"
#include "launcher/gather/run_options.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::gather {

// "dev:ino:size:mtime_ns:ctime_ns" (stat, following symlinks), "absent", or "error:ERRNO";
// presence_only: "type:MODE" (S_IFMT bits) or "absent". `ctime_ns` gets the change time.
std::string input_identity(const std::string& path, bool presence_only, std::int64_t* ctime_ns = nullptr);

// The launch's key (1 above) as bytes; `binary` is the identity of skiff itself.
std::string plan_memory_key(const RunOptions& options, const plan::HostFacts& host,
                            const std::string& binary, const std::string& node);

struct MemoryInputs {
    std::vector<MemoryInput> inputs;
    std::string why_not;  // not empty: this launch is not remembered
    std::int64_t newest_change_ns = 0;  // the latest change time among them
};

// The inputs (2 above) of a planned launch, with their identities now.
MemoryInputs plan_memory_inputs(const RunOptions& options, const plan::PlanRequest& request);

}  // namespace skiff::gather
