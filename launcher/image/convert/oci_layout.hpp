// An OCI image layout directory (oci-layout + index.json + blobs/sha256) as an import source:
// the index (oci_index.hpp) picks a manifest, whose config gives the metadata and whose layers
// are blobs of the layout.
#pragma once

#include <string>

#include "common/error.hpp"
#include "launcher/image/convert/image_source.hpp"

namespace skiff::image::convert {

// `tag` picks an image by its ref.name annotation ("" for the only one); the image must be
// for `oci_arch` (the descriptor's platform, else the config's architecture).
Result<ImportInput> oci_layout_source(const std::string& dir, const std::string& tag, const std::string& oci_arch);

}  // namespace skiff::image::convert
