// Requests to one repository of one registry, as the distribution spec's clients make them:
// anonymous first, then whatever the 401's WWW-Authenticate asks for (a bearer token from
// the realm, or basic auth), with credentials from the netrc file; transient failures are
// retried a bounded number of times with backoff. Safe to share between download threads.
#pragma once

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/image/reference.hpp"
#include "launcher/image/registry/http_client.hpp"
#include "launcher/image/registry/netrc.hpp"

namespace skiff::image {

// 4 attempts in all, 0.5 s, 1 s and 2 s apart.
inline constexpr unsigned registry_attempts = 4;

struct SessionConfig {
    RegistryRef ref;
    bool plain_http = false;
    std::filesystem::path credentials_file;  // for messages and lookups
    std::vector<NetrcEntry> netrc;
    std::function<void(const std::string&)> note;  // retries are announced here
};

class RegistrySession {
public:
    explicit RegistrySession(SessionConfig config) : config_(std::move(config)) {}

    // "https://HOST/v2/REPOSITORY/" + path
    std::string url(const std::string& path) const;

    // GET /v2/REPOSITORY/PATH. Returns the final HTTP response (any status but 401/403), or
    // an error for network, TLS and authentication failures. `restart` runs before a retry
    // of a request whose body was partly delivered to request.on_body.
    Result<HttpResponse> get(HttpClient& client, const std::string& path, HttpRequest request,
                             const std::function<Result<void>()>& restart = {});

private:
    Result<void> authenticate(HttpClient& client, const HttpResponse& refused, unsigned generation);
    Result<void> fetch_token(HttpClient& client, const std::map<std::string, std::string>& params);
    Result<Credentials> registry_credentials() const;
    std::string auth_failure(const HttpResponse& response) const;
    std::string network_failure(const HttpResponse& response, unsigned attempts) const;

    SessionConfig config_;
    mutable std::mutex mutex_;
    HttpAuth auth_;           // guarded by mutex_
    unsigned generation_ = 0;  // bumped whenever auth_ changes
};

}  // namespace skiff::image
