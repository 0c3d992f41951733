// Resolving a tag to the digest it names now: one manifest request, nothing downloaded or
// cached. Pinning the result (RegistryRef::pinned) makes every later pull get that image even
// if the tag moves (skiff image resolve; the Slurm plugin pins an srun's image this way).
#pragma once

#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "launcher/image/reference.hpp"
#include "launcher/image/registry/http_client.hpp"
#include "launcher/image/registry/registry_session.hpp"

namespace skiff::image {

struct ResolveOptions {
    std::filesystem::path credentials;  // netrc-format file; may not exist
    bool allow_plain_http = false;      // only when the user allowed it for this registry
};

// "sha256:<hex>" of the manifest or index that `ref`'s tag names (the digest of the bytes
// the registry sent, which is what a pull by that digest gets). A reference with a digest
// is returned as it is, with no request. Errors: one line, "image 'REF': ...", as a pull's.
Result<std::string> resolve_digest(const RegistryRef& ref, const ResolveOptions& options);

// A manifest or index larger than this is refused, from the registry or the cache.
inline constexpr std::size_t max_manifest_bytes = std::size_t{4} << 20;

// The one manifest request of both a pull (fetch_image.cpp) and a resolve.
// GET manifests/REFERENCE (a tag or digest; every manifest type accepted, at most 4 MiB): the
// response when it is 200 OK, else one line: too large, an unknown repository or manifest in
// the registry's words, or another status.
Result<HttpResponse> request_manifest(const RegistryRef& ref, RegistrySession& session, HttpClient& client,
                                      const std::string& reference);

}  // namespace skiff::image
