// Replacing a file whole: the bytes are written under a per-process temporary name beside it,
// which then takes the file's place in one step, so that a concurrent reader sees the old
// bytes or the new ones, never half of them. A symlink at the temporary name is never followed.
// A failure leaves the old file (or none) and no temporary behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace skiff {

// The error names `file` and the failed step.
Result<void> write_replacing(const std::string& file, std::string_view bytes, mode_t mode);

// Best effort, mode 0600: for small caches (image facts, read profiles), which are only slower
// when they cannot be written.
void replace_file(const std::string& file, const std::string& bytes);

}  // namespace skiff
