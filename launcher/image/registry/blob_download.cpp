#include "launcher/image/registry/blob_download.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <optional>
#include <set>
#include <thread>

namespace skiff::image {
namespace {

constexpr int progress_steps = 10;  // a line at each 10% of a blob

struct Shared {
    Shared(RegistrySession& s, const BlobCache& c, Progress& p) : session(s), cache(c), progress(p) {}
    RegistrySession& session;
    const BlobCache& cache;
    Progress& progress;
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::optional<std::pair<std::size_t, Error>> first_error;  // guarded by mutex

    void failed(std::size_t index, Error error) {
        cancel = true;
        std::lock_guard lock(mutex);
        if (!first_error || index < first_error->first) first_error.emplace(index, std::move(error));
    }
};

Result<void> check_status(const HttpResponse& r, const Descriptor& d) {
    if (r.status == http_ok) return {};
    std::string detail = registry_error(r.body);
    if (r.status == http_not_found)
        return fail("blob " + d.digest + " is missing from the registry (HTTP 404" + (detail.empty() ? "" : " " + detail) + ")");
    return fail("the registry answered HTTP " + std::to_string(r.status) + " for blob " + d.digest +
                (detail.empty() ? "" : ": " + detail));
}

Result<void> download_one(Shared& s, HttpClient& client, const Descriptor& d) {
    std::string name = short_digest(d.digest);
    if (s.cache.has(d.digest, d.size)) {
        s.progress(name + ": already cached (" + human_size(d.size) + ")");
        return {};
    }
    auto writer = s.cache.writer(d.digest, d.size);
    if (!writer) return Unexpected(writer.error());
    s.progress(name + ": downloading " + human_size(d.size));
    int reported = 0;
    HttpRequest request;
    request.cancel = &s.cancel;
    request.on_body = [&](std::string_view bytes) {
        if (!writer->write(bytes)) return false;
        int step = d.size > 0 ? static_cast<int>(writer->written() * progress_steps / d.size) : 0;
        if (step > reported && step < progress_steps) {
            reported = step;
            s.progress(name + ": " + std::to_string(step * 100 / progress_steps) + "% of " + human_size(d.size));
        }
        return true;
    };
    auto r = s.session.get(client, "blobs/" + d.digest, request, [&] { return writer->restart(); });
    if (!r) return Unexpected(r.error());
    // Cancelled because another blob failed: that one's error is the answer.
    if (r->failure == HttpResponse::Failure::cancelled) return {};
    if (r->failure == HttpResponse::Failure::body)
        return writer->error() ? Unexpected(*writer->error()) : Unexpected(Error{"blob " + d.digest + ": " + r->error});
    if (auto ok = check_status(*r, d); !ok) return ok;
    if (auto ok = writer->commit(); !ok) return ok;
    s.progress(name + ": done (" + human_size(d.size) + ")");
    return {};
}

std::vector<Descriptor> unique_blobs(const std::vector<Descriptor>& blobs) {
    std::vector<Descriptor> out;
    std::set<std::string> seen;
    for (const auto& b : blobs)
        if (seen.insert(b.digest).second) out.push_back(b);
    return out;
}

}  // namespace

std::string registry_error(const std::string& body) {
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_object() || !doc.contains("errors") || !doc["errors"].is_array() || doc["errors"].empty()) return "";
    const auto& e = doc["errors"][0];
    if (!e.is_object()) return "";
    std::string code = e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
    std::string message = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
    return code + (code.empty() || message.empty() ? "" : ": ") + message;
}

Result<void> download_blobs(RegistrySession& session, const BlobCache& cache, const DownloadPlan& plan,
                            Progress& progress) {
    std::vector<Descriptor> blobs = unique_blobs(plan.blobs);
    Shared shared(session, cache, progress);
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        HttpClient client(plan.tls);
        for (std::size_t i = next++; i < blobs.size() && !shared.cancel; i = next++) {
            auto ok = download_one(shared, client, blobs[i]);
            if (!ok) shared.failed(i, std::move(ok.error()));
        }
    };
    std::size_t threads = std::clamp<std::size_t>(plan.parallel, 1, std::max<std::size_t>(blobs.size(), 1));
    {
        std::vector<std::jthread> pool;
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
        worker();
    }  // joined here
    if (shared.first_error) return Unexpected(shared.first_error->second);
    return {};
}

}  // namespace skiff::image
