// What `skiff image import SRC` and `skiff image pull` convert: the layers and metadata of
//  - an OCI image layout directory (oci-layout + index.json; an index picks the host's
//    architecture, or its only manifest);
//  - any other directory: a root file system, as one layer without whiteouts or metadata;
//  - a file: a root file system tarball (any compression libarchive reads), likewise;
//  - a fetched registry image (registry/fetched_image.hpp).
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/image/convert/convert.hpp"
#include "launcher/image/registry/fetched_image.hpp"

namespace skiff::image::convert {

struct ImportInput {
    ConvertInput convert;
    std::vector<std::string> warnings;
};

// `oci_arch` is the host's architecture in OCI terms ("amd64", "arm64", ...).
Result<ImportInput> import_source(const std::string& path, const std::string& oci_arch);

Result<ImportInput> fetched_source(const FetchedImage& image);

}  // namespace skiff::image::convert
