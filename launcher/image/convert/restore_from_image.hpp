// Saving a container as an image (`skiff run --save`, launcher/run/save_container.hpp) reads its
// root as the command left it. Where skiff itself put something there (a mount point, or a file
// it wrote through the root: ld.so.cache, a CDI symlink, the SSH client drop-in), the saved
// image must hold what the image held instead:
//  - a path that is a directory in the image keeps the container's directory (a mount hid it, so
//    nothing under it changed);
//  - a file or symlink of the image comes back as the image has it;
//  - a path the image lacks is left out, and so is each parent skiff created for it (absent
//    from the image) that is left empty.
// A file skiff wrote is taken back only if the container still has that very file, unchanged
// (same inode and ctime as when skiff had written it): an `ldconfig` run after an install
// replaces /etc/ld.so.cache, and then the cache is the user's.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "launcher/image/convert/layer_tree.hpp"

namespace skiff::image::convert {

struct RestoreFromImage {
    int image_fd = -1;               // the image's root directory; paths resolve inside it
    std::vector<std::string> paths;  // absolute container paths
    int tree_fd = -1;                // the container's root (the tree `written` is checked in)
    std::vector<std::string> written;  // "INODE:CTIME_NS:PATH" of the files skiff wrote
};

// Applies `restore` to `tree`. The bytes of restored files are read later through
// descriptors of their directories, which `held` keeps open until then.
Result<void> restore_from_image(LayerTree& tree, const RestoreFromImage& restore, std::vector<UniqueFd>& held);

}  // namespace skiff::image::convert
