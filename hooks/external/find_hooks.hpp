// Which external hooks run: in each directory, the regular files named *.sh that the user can
// execute, in byte order (C locale), as enroot picks them; other names (x.sh.disabled) are
// ignored. Read before the launch, so --dry-run lists them.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"

namespace skiff::hooks::external {

// A missing directory has no hooks; an unreadable one is an error.
Result<std::vector<std::string>> find_hooks(const std::string& directory);

}  // namespace skiff::hooks::external
