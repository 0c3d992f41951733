// The image record of an --overlay DIR (DIR/image, gather/overlay_dir.hpp): which image the
// changes in DIR/upper were made to, so that a launch with another image is refused. An
// overlay's upper layer holds whiteouts and copied-up files that only make sense over the
// image they were made on. A small text file, one "key value" line each, the path last so
// that it may hold spaces:
//
//   skiff-overlay-image 1
//   kind squashfs
//   file DEV INO SIZE MTIME_NS
//   path /abs/image.sqsh
//
// The identity is the one ImageSource already carries (device, inode, size, modification
// time): a registry image's store file is replaced when its tag is pulled again, so a moved
// tag is another image too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "launcher/image/local.hpp"

namespace skiff::gather {

// Fails for a path with a newline, which the record cannot hold.
Result<std::string> format_image_record(const image::ImageSource& image);

// nullopt: not a record of this version (damaged, or written by something else).
std::optional<image::ImageSource> parse_image_record(std::string_view text);

// Whether changes made to `recorded` belong on `image`: the same kind, path, device and
// inode, and for a squashfs file the same size and modification time (a directory's change
// whenever an entry of its top level does).
bool same_image(const image::ImageSource& recorded, const image::ImageSource& image);

// What differs, for the error: "it holds changes to image 'A', not 'B'".
std::string image_mismatch(const std::optional<image::ImageSource>& recorded, const image::ImageSource& image);

}  // namespace skiff::gather
