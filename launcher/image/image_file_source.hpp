// ldcache::FileSource over an image, so that linker configuration is computed from the image's
// files without mounting it: openat2(RESOLVE_IN_ROOT) for a directory, libsquashfuse for a
// squashfs file. Either way a symlink in the image resolves inside the image.
#pragma once

#include <memory>

#include "common/error.hpp"
#include "launcher/image/local.hpp"
#include "libfabric-bind/file_source.hpp"

namespace skiff::image {

Result<std::unique_ptr<ldcache::FileSource>> open_file_source(const ImageSource& image);

}  // namespace skiff::image
