// fetch_image: manifest (through an index to the host's platform), config, then the layers
// in parallel, all into the blob cache. Manifests are cached by digest too, so an image
// pinned by digest is fetched again without any network access.
#include "launcher/image/registry/fetched_image.hpp"

#include <nlohmann/json.hpp>

#include "launcher/image/registry/blob_download.hpp"
#include "launcher/image/registry/manifest.hpp"
#include "launcher/image/registry/netrc.hpp"
#include "launcher/image/registry/resolve_tag.hpp"
#include "launcher/image/registry/sha256.hpp"

namespace skiff::image {
namespace {

constexpr std::size_t config_limit = std::size_t{32} << 20;

struct Context {
    const RegistryRef& ref;
    const FetchOptions& options;
    BlobCache& cache;
    RegistrySession& session;
    HttpClient& client;
    Progress& progress;
};

struct FetchedManifest {
    std::string digest;
    Manifest manifest;
};

Result<FetchedManifest> parsed(std::string digest, const std::string& body, const std::string& content_type) {
    auto m = parse_manifest(body, content_type);
    if (!m) return fail("manifest " + digest + ": " + m.error().message);
    return FetchedManifest{std::move(digest), std::move(*m)};
}

// By digest: from the cache when there (no network); else from the registry, verified.
Result<FetchedManifest> get_manifest(const Context& c, const std::string& reference) {
    bool pinned = is_sha256_digest(reference);
    if (pinned && c.cache.has(reference)) {
        auto body = c.cache.read(reference, max_manifest_bytes);
        if (!body) return Unexpected(body.error());
        return parsed(reference, *body, "");
    }
    auto r = request_manifest(c.ref, c.session, c.client, reference);
    if (!r) return Unexpected(r.error());
    std::string digest = sha256_digest(r->body);
    if (pinned && digest != reference)
        return fail("manifest digest mismatch: asked for " + reference + ", the registry sent " + digest);
    if (auto ok = c.cache.store(digest, r->body); !ok) return Unexpected(ok.error());
    return parsed(digest, r->body, r->header("content-type"));
}

std::string platforms_of(const Manifest& index) {
    std::string out;
    for (const auto& d : index.manifests) out += (out.empty() ? "" : ", ") + d.platform.text();
    return out.empty() ? "none" : out;
}

// An index: the entry for this host, fetched by its digest.
Result<FetchedManifest> resolve_platform(const Context& c, const FetchedManifest& index, Platform& chosen) {
    std::vector<Platform> platforms;
    for (const auto& d : index.manifest.manifests) platforms.push_back(d.platform);
    Platform host = host_platform();
    auto pick = pick_platform(platforms, host);
    if (!pick)
        return fail("no " + host.text() + " image in " + c.ref.canonical() + ", available: " + platforms_of(index.manifest));
    chosen = platforms[*pick];
    auto m = get_manifest(c, index.manifest.manifests[*pick].digest);
    if (!m) return m;
    if (m->manifest.is_index) return fail("index " + index.digest + " points to another index for " + chosen.text());
    return m;
}

// The config, downloaded first: it names the architecture before any layer is fetched.
Result<std::string> get_config(const Context& c, const Descriptor& config, const Platform* chosen) {
    DownloadPlan plan{{config}, 1, tls_settings_from_environment()};
    if (auto ok = download_blobs(c.session, c.cache, plan, c.progress); !ok) return Unexpected(ok.error());
    auto json = c.cache.read(config.digest, config_limit);
    if (!json) return json;
    auto doc = nlohmann::json::parse(*json, nullptr, false);
    if (!doc.is_object()) return fail("config " + config.digest + " is not a JSON object");
    Platform image{doc.value("os", std::string()), doc.value("architecture", std::string()), doc.value("variant", std::string())};
    Platform host = host_platform();
    if (!chosen && !pick_platform({image}, host))
        return fail("wrong architecture: the image is for " + image.text() + ", this host is " + host.text());
    return json;
}

Result<FetchedImage> fetch(const Context& c) {
    std::string reference = c.ref.digest.empty() ? c.ref.tag : c.ref.digest;
    c.progress(c.ref.canonical() + ": fetching the manifest");
    auto top = get_manifest(c, reference);
    if (!top) return Unexpected(top.error());
    Platform chosen;
    FetchedManifest image = *top;
    if (top->manifest.is_index) {
        auto m = resolve_platform(c, *top, chosen);
        if (!m) return Unexpected(m.error());
        image = std::move(*m);
    }
    const Manifest& m = image.manifest;
    std::int64_t total = 0;
    for (const auto& l : m.layers) total += l.size;
    c.progress(c.ref.canonical() + ": manifest " + short_digest(image.digest) +
               (top->manifest.is_index ? " (" + chosen.text() + ")" : "") + ", " + std::to_string(m.layers.size()) +
               " layers, " + human_size(total));
    auto config = get_config(c, m.config, top->manifest.is_index ? &chosen : nullptr);
    if (!config) return Unexpected(config.error());
    DownloadPlan plan{m.layers, c.options.parallel_downloads, tls_settings_from_environment()};
    if (auto ok = download_blobs(c.session, c.cache, plan, c.progress); !ok) return Unexpected(ok.error());

    FetchedImage out;
    out.manifest_digest = image.digest;
    auto doc = nlohmann::json::parse(*config, nullptr, false);
    out.architecture = top->manifest.is_index ? chosen.architecture : doc.value("architecture", std::string());
    out.config_json = std::move(*config);
    for (const auto& l : m.layers) out.layers.push_back({l.digest, l.media_type, c.cache.path_of(l.digest)});
    return out;
}

}  // namespace

Result<FetchedImage> fetch_image(const RegistryRef& ref, const FetchOptions& options) {
    auto prefix = [&](const Error& e) { return fail("image '" + ref.canonical() + "': " + e.message); };
    auto cache = BlobCache::open(options.blob_cache);
    if (!cache) return prefix(cache.error());
    auto netrc = load_netrc(options.credentials);
    if (!netrc) return prefix(netrc.error());
    Progress progress(options.progress);
    RegistrySession session({ref, options.allow_plain_http, options.credentials, std::move(*netrc),
                             [&](const std::string& line) { progress(line); }});
    HttpClient client(tls_settings_from_environment());
    Context context{ref, options, *cache, session, client, progress};
    auto image = fetch(context);
    if (!image) return prefix(image.error());
    return image;
}

}  // namespace skiff::image
