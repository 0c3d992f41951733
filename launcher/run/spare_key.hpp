// Which launches may use pre-built namespaces ("spares", namespaces/image_server/spare_pool.hpp), and the
// key that names the namespace a plan builds.
//
// The key is a digest of everything that decides the namespace: the rendered plan (image and
// its identity, server, overlay driver, read-only root, id maps, every mount in order) with
// the contents of generated files and symlink directories, and the identity of the skiff
// binary. It leaves out what the launch applies to its own process after joining a spare:
// argv, the environment and the working directory. Launches that differ only there share a
// key; any other difference (another --mount, an EDF change, a hook contributing another
// mount, a replaced image or skiff) gives another key.
#pragma once

#include <string>

#include "launcher/plan/launch_plan.hpp"

namespace skiff::run {

struct SpareChoice {
    std::string key;      // empty: no spare for this launch
    std::string why_not;  // then why (for -v)
    int wanted = 0;       // spares to keep ready for the key (SKIFF_WARM_SPARES)
    bool building = false;  // this process builds a spare: it asks for a clone, not a launch's
};

// Launches whose setup starts processes or runs external programs never use spares: the
// SSH hook (sshd), hooks.d scripts, a Slurm step's holder, fuse-overlayfs and squashfs mounts
// (a FUSE server each, tied to the launch that started it).
SpareChoice choose_spare(const plan::LaunchPlan& plan, bool holder);

// The digest described above, as 32 hex digits; `binary` is the identity of skiff itself.
std::string spare_key(const plan::LaunchPlan& plan, const std::string& binary);

}  // namespace skiff::run
