#include "launcher/image/registry/resolve_tag.hpp"

#include "launcher/image/registry/blob_download.hpp"
#include "launcher/image/registry/manifest.hpp"
#include "launcher/image/registry/netrc.hpp"
#include "launcher/image/registry/registry_session.hpp"
#include "launcher/image/registry/sha256.hpp"

namespace skiff::image {
namespace {

std::string not_found(const RegistryRef& ref, const std::string& reference, const HttpResponse& response) {
    std::string detail = registry_error(response.body);
    std::string code = detail.substr(0, detail.find(':'));
    if (code == "NAME_UNKNOWN")
        return "repository " + ref.repository + " does not exist on " + ref.registry + " (HTTP 404 " + detail + ")";
    return "no manifest " + reference + " in " + ref.registry + "/" + ref.repository + " (HTTP 404" +
           (detail.empty() ? "" : " " + detail) + "); check the tag or digest";
}

Result<std::string> request_digest(const RegistryRef& ref, RegistrySession& session) {
    HttpClient client(tls_settings_from_environment());
    auto r = request_manifest(ref, session, client, ref.tag);
    if (!r) return Unexpected(r.error());
    // What a pull by digest verifies is the hash of these bytes, so that is the digest; the
    // Docker-Content-Digest header is only the registry's claim of it.
    auto parsed = parse_manifest(r->body, r->header("content-type"));
    if (!parsed) return fail("manifest " + ref.tag + ": " + parsed.error().message);
    return sha256_digest(r->body);
}

}  // namespace

Result<HttpResponse> request_manifest(const RegistryRef& ref, RegistrySession& session, HttpClient& client,
                                      const std::string& reference) {
    HttpRequest request;
    request.headers = {"Accept: " + manifest_accept()};
    request.body_limit = max_manifest_bytes;
    auto r = session.get(client, "manifests/" + reference, request);
    if (!r) return Unexpected(r.error());
    if (r->failure == HttpResponse::Failure::body) return fail("manifest " + reference + " is larger than 4 MiB");
    if (r->status == http_not_found) return fail(not_found(ref, reference, *r));
    if (r->status != http_ok)
        return fail("the registry answered HTTP " + std::to_string(r->status) + " for manifest " + reference +
                    (registry_error(r->body).empty() ? "" : ": " + registry_error(r->body)));
    return r;
}

Result<std::string> resolve_digest(const RegistryRef& ref, const ResolveOptions& options) {
    if (!ref.digest.empty()) return ref.digest;
    auto prefix = [&](const Error& e) { return fail("image '" + ref.canonical() + "': " + e.message); };
    auto netrc = load_netrc(options.credentials);
    if (!netrc) return prefix(netrc.error());
    RegistrySession session({ref, options.allow_plain_http, options.credentials, std::move(*netrc), {}});
    auto digest = request_digest(ref, session);
    if (!digest) return prefix(digest.error());
    return digest;
}

}  // namespace skiff::image
