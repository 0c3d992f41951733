// What `skiff image import SRC` and `skiff image pull` convert: the layers and metadata of
//  - an OCI image layout directory (oci_layout.hpp; DIR:TAG picks one of several images);
//  - a Docker `save` archive (docker_archive.hpp; PATH:REPO:TAG picks one of several images);
//  - any other directory: a root file system, as one layer without whiteouts or metadata;
//  - any other file: a root file system tarball (any compression libarchive reads), likewise;
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

// `arg` is PATH, or PATH:TAG / PATH:REPO:TAG (import_path.hpp). `oci_arch` is the host's
// architecture in OCI terms ("amd64", "arm64", ...); an image for another one is an error.
Result<ImportInput> import_source(const std::string& arg, const std::string& oci_arch);

Result<ImportInput> fetched_source(const FetchedImage& image);

// "sha256:0123456789ab": how messages name a layer blob.
std::string short_digest(const std::string& digest);

}  // namespace skiff::image::convert
