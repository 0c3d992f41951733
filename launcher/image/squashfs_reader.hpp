// Reads files inside a squashfs image without mounting it (libsquashfuse's high-level API), for
// image metadata and, later, ELF files. Paths are resolved like openat2(RESOLVE_IN_ROOT):
// symlinks are followed inside the image, an absolute target or ".." never leaves the image
// root, and at most 40 symlinks are followed per lookup (Linux's MAXSYMLINKS).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "common/error.hpp"

namespace skiff::image {

enum class FileKind { regular, directory, symlink, other };

// Whether the last component of a path is followed when it is a symlink (like stat vs lstat).
enum class FollowLast { yes, no };

inline constexpr std::size_t default_read_limit = std::size_t{1} << 20;

// One open image. Errors read "image '<image path>': ...". Missing paths (ENOENT, and ENOTDIR
// when a middle component is not a directory) are not errors: they give std::nullopt.
class SquashfsImage {
public:
    static Result<SquashfsImage> open(const std::string& image_path);

    SquashfsImage(SquashfsImage&&) noexcept;
    SquashfsImage& operator=(SquashfsImage&&) noexcept;
    ~SquashfsImage();

    // The first `limit` bytes of a regular file (all of it if smaller). Not a regular file
    // after following symlinks: an error.
    Result<std::optional<std::string>> read_file(const std::string& path,
                                                 std::size_t limit = default_read_limit);

    Result<std::optional<FileKind>> stat_path(const std::string& path,
                                              FollowLast follow = FollowLast::yes);

    // The target of a symlink, as stored; nullopt if the path is missing. Not a symlink: error.
    Result<std::optional<std::string>> read_link(const std::string& path);

private:
    struct State;
    explicit SquashfsImage(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// One-shot helpers that open the image for a single lookup.
Result<std::optional<std::string>> read_file(const std::string& image_path,
                                             const std::string& path_in_image,
                                             std::size_t limit = default_read_limit);
Result<std::optional<FileKind>> stat_path(const std::string& image_path,
                                          const std::string& path_in_image,
                                          FollowLast follow = FollowLast::yes);

}  // namespace skiff::image
