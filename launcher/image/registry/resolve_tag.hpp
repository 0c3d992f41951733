// Resolving a tag to the digest it names now: one manifest request, nothing downloaded or
// cached. Pinning the result (RegistryRef::pinned) makes every later pull get that image even
// if the tag moves (skiff image resolve; the Slurm plugin pins an srun's image this way).
#pragma once

#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "launcher/image/reference.hpp"
#include "launcher/image/registry/http_client.hpp"

namespace skiff::image {

struct ResolveOptions {
    std::filesystem::path credentials;  // netrc-format file; may not exist
    bool allow_plain_http = false;      // only when the user allowed it for this registry
};

// "sha256:<hex>" of the manifest or index that `ref`'s tag names (the digest of the bytes
// the registry sent, which is what a pull by that digest gets). A reference with a digest
// is returned as it is, with no request. Errors: one line, "image 'REF': ...", as a pull's.
Result<std::string> resolve_digest(const RegistryRef& ref, const ResolveOptions& options);

// Why a manifest request for `reference` (a tag or digest) got HTTP 404: the repository or
// the manifest is unknown, in the registry's words.
std::string manifest_not_found(const RegistryRef& ref, const std::string& reference, const HttpResponse& response);

}  // namespace skiff::image
