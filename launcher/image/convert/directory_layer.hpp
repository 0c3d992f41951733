// A plain directory as one layer (`skiff image import DIR` of a root file system): walked
// without following symlinks; hard links are found by device and inode number; the bytes of
// files are read from the host paths when the squashfs is written.
#pragma once

#include "launcher/image/convert/layer_reader.hpp"

namespace skiff::image::convert {

Result<void> read_directory_tree(const LayerSource& layer, std::size_t index, LayerTree& tree);

}  // namespace skiff::image::convert
