// Merging the files of a chain in application order (edf.md §3).
#pragma once

#include <vector>

#include "launcher/edf/file_data.hpp"

namespace skiff::edf {

// image/workdir/entrypoint/writable: the later file wins if the key is present; mounts are
// concatenated; [env] and [annotations] merge per key; base_environment is not inherited.
Merged merge(std::vector<FileData> files);

}  // namespace skiff::edf
