// The steps after merging (edf.md §1 pipeline): expand variables in the surviving values
// (§4), resolve relative paths and reject '~' (§5), parse and check mounts (§6).
#pragma once

#include <string>

#include "common/diagnostics.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/edf/file_data.hpp"

namespace skiff::edf {

// `complete` is false when some file of the chain could not be read; the "no image" error
// is then left out, because the image may be in the missing file.
Environment finalize(Merged merged, const std::string& top_path, bool complete, const LoadOptions& options,
                     Diagnostics& diag);

}  // namespace skiff::edf
