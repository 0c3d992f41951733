// A Docker `save` archive as an import source: a plain (or compressed) tar holding
// manifest.json (docker_manifest.hpp), each image's config JSON and its layers as tar members.
// Config and layers are read straight from the outer tar (LayerSource::Kind::archive_member),
// never extracted. A tarball is taken for such an archive when every member lies at most three
// levels deep ("blobs/sha256/<hex>") and its top-level manifest.json is a Docker manifest;
// anything else is a root file system tarball. Prefixes of the wrapped C library: archive_
// (libarchive).
#pragma once

#include <optional>
#include <string>

#include "common/error.hpp"
#include "launcher/image/convert/image_source.hpp"

namespace skiff::image::convert {

// nullopt: `path` is not a Docker save archive. `tag` picks an image (pick_docker_image);
// `oci_arch` is the host's architecture, which the config's must match.
Result<std::optional<ImportInput>> docker_archive_source(const std::string& path, const std::string& tag,
                                                         const std::string& oci_arch);

}  // namespace skiff::image::convert
