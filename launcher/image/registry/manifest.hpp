// Image manifests and indexes: Docker v2 schema 2 manifest and manifest list, OCI image
// manifest and image index (distribution spec; image-spec manifest.md, image-index.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/image/registry/platform.hpp"

namespace skiff::image {

namespace media_type {
inline constexpr const char* docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* oci_index = "application/vnd.oci.image.index.v1+json";
}  // namespace media_type

// The Accept header value for manifest requests: all four kinds above.
std::string manifest_accept();

struct Descriptor {
    std::string media_type;
    std::string digest;  // "sha256:<hex>" (checked)
    std::int64_t size = -1;
    Platform platform;   // index entries only
};

struct Manifest {
    bool is_index = false;
    std::vector<Descriptor> manifests;  // index: one per platform
    Descriptor config;                  // image manifest
    std::vector<Descriptor> layers;     // image manifest, lowest first
};

// Parses a manifest or index. `content_type` is the response's (may be empty for a cached
// manifest); the document's own mediaType field, then its shape, decide when it is absent.
// Schema 1 manifests and unknown types are errors saying so.
Result<Manifest> parse_manifest(const std::string& body, const std::string& content_type);

}  // namespace skiff::image
