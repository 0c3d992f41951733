// Downloads blobs into the blob cache, several at a time, each verified before it is named.
#pragma once

#include <vector>

#include "common/error.hpp"
#include "launcher/image/registry/blob_cache.hpp"
#include "launcher/image/registry/http_client.hpp"
#include "launcher/image/registry/manifest.hpp"
#include "launcher/image/registry/progress.hpp"
#include "launcher/image/registry/registry_session.hpp"

namespace skiff::image {

struct DownloadPlan {
    std::vector<Descriptor> blobs;  // duplicates are fetched once
    unsigned parallel = 4;          // threads, each with its own connection
    TlsSettings tls;
};

// Blobs already cached (by name and size) are skipped. On the first failure the other
// transfers are cancelled; the error of the earliest failed blob (in `blobs` order) is
// returned. Nothing is left under a final name unless verified, and no temporary file stays.
Result<void> download_blobs(RegistrySession& session, const BlobCache& cache, const DownloadPlan& plan,
                            Progress& progress);

// The registry's error text from a JSON error body ("MANIFEST_UNKNOWN: manifest unknown"),
// or "" if it has none.
std::string registry_error(const std::string& body);

}  // namespace skiff::image
