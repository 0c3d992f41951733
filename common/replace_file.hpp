// Best-effort replacement of a small cache file (image facts, read profiles): written under a
// per-process temporary name, then renamed over `file`, so that concurrent launches never read
// half of it. Mode 0600; a symlink at the temporary name is never followed. Failures leave the
// old file (or none) and no temporary behind; a cache that cannot be written is only slower.
#pragma once

#include <string>

namespace skiff {

void replace_file(const std::string& file, const std::string& bytes);

}  // namespace skiff
