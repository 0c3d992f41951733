// FileSource: read-only access to files inside an image root, by container path. The caller
// implements it over openat2(RESOLVE_IN_ROOT) for directory roots and over the squashfs reader
// for images, so that an absolute or ".." symlink inside the image is resolved inside it and
// can never reach the host (style.md rule 7). Nothing read through it is ever executed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace skiff::ldcache {

struct FileSource {
    virtual ~FileSource() = default;

    // The first `limit` bytes of the regular file at `path` (all of it if shorter), following
    // symlinks inside the root. nullopt if nothing exists there (ENOENT, ENOTDIR, dangling
    // link); an Error for any other failure (EACCES, EIO, a directory, ...).
    virtual Result<std::optional<std::string>> read(const std::string& path, std::size_t limit) = 0;

    // The target of the symlink at `path`, as stored (the last component is not followed;
    // earlier components are resolved inside the root). nullopt if `path` is not a symlink or
    // does not exist.
    virtual Result<std::optional<std::string>> readlink(const std::string& path) = 0;
};

// Resolves every symlink of a container path inside the image, like realpath(3) confined to
// the root (at most 40 links, ".." never leaves "/"). Missing components are kept lexically.
Result<std::string> resolve_in_image(FileSource& image, const std::string& path);

}  // namespace skiff::ldcache
