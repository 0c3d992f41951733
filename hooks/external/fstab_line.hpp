// One line of ENROOT_MOUNTS (hooks.md §6), as enroot's fstab passes read it:
//   SRC DST [TYPE [OPTIONS [FREQ [PASSNO]]]]
// DST is a container path: a leading `$ENROOT_ROOTFS` is stripped, and the executor resolves
// it inside the root. TYPE is `none` (or absent) for a bind mount, or `tmpfs`. Fields may use
// fstab's octal escapes (\040 for a space).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "launcher/plan/launch_plan.hpp"

namespace skiff::hooks::external {

struct HookMount {
    plan::MountOp op;     // origin is left empty for the caller
    bool nofail = false;  // a line that cannot be applied is skipped (noted under -v)
};

// nullopt for blank and `#` lines. Errors are the problem only, e.g. "unknown option 'x-move'".
// Options: bind rbind ro rw nosuid nodev noexec private rprivate slave rslave
// x-create=dir|file|auto nofail silent defaults, and for tmpfs mode= size= nr_inodes= uid= gid=.
Result<std::optional<HookMount>> parse_fstab_line(std::string_view line, const std::string& rootfs);

}  // namespace skiff::hooks::external
