// The hand-over between fetching an image from a registry (launcher/image/registry, libcurl)
// and turning it into a squashfs (launcher/image/convert): verified blobs on local disk, in
// layer order, and the image's config. Neither side knows how the other works.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/image/reference.hpp"

namespace skiff::image {

struct FetchedLayer {
    std::string digest;          // "sha256:<hex>", verified against the blob's bytes
    std::string media_type;      // as the manifest says (tar, tar+gzip, tar+zstd; Docker or OCI)
    std::filesystem::path blob;  // the verified blob in the blob cache (read-only to consumers)
};

struct FetchedImage {
    std::string manifest_digest;       // "sha256:<hex>" of the platform manifest
    std::string architecture;          // OCI name: "amd64", "arm64", ...
    std::string config_json;           // the image config blob, verified
    std::vector<FetchedLayer> layers;  // lowest first
};

struct FetchOptions {
    std::filesystem::path blob_cache;   // blobs by digest: BLOB_CACHE/sha256/<hex>
    std::filesystem::path credentials;  // netrc-format file; may not exist
    bool allow_plain_http = false;      // only when the user allowed it for this registry
    unsigned parallel_downloads = 4;
    // Progress lines or a bar are the caller's business: called with human-readable events.
    std::function<void(const std::string&)> progress;
};

// Fetches manifest (resolving an index to the host's architecture), config and layers.
// Blobs already in the cache with the right digest are not downloaded again.
Result<FetchedImage> fetch_image(const RegistryRef& ref, const FetchOptions& options);

}  // namespace skiff::image
