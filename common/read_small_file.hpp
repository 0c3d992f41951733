// Reading a small file whole (skiff's caches: image facts, read profiles, library probes),
// the counterpart of replace_file.hpp. A symlink at `path` is not followed and a FIFO does not
// block: a cache that is not a plain file is no cache.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace skiff {

// The file's bytes; nullopt if it is missing, unreadable, not a regular file, or longer than
// `limit` bytes.
std::optional<std::string> read_small_file(const std::string& path, std::size_t limit);

}  // namespace skiff
