#include "launcher/image/registry/registry_session.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <thread>

#include "launcher/image/registry/challenge.hpp"
#include "launcher/image/registry/insecure.hpp"

namespace skiff::image {
namespace {

constexpr std::chrono::milliseconds first_backoff{500};
constexpr long first_server_error = 500;
constexpr long too_many_requests = 429;
constexpr long forbidden = 403;

std::string percent_encode(const std::string& s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    return out;
}

// "https://auth.example.com:8443/token?x" -> "auth.example.com:8443"
std::string url_host(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    auto end = url.find_first_of("/?#", start);
    return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool transient(const HttpResponse& r) {
    return r.failure == HttpResponse::Failure::transient ||
           (r.failure == HttpResponse::Failure::none && (r.status >= first_server_error || r.status == too_many_requests));
}

}  // namespace

std::string RegistrySession::url(const std::string& path) const {
    return std::string(config_.plain_http ? "http://" : "https://") + config_.ref.registry + "/v2/" +
           config_.ref.repository + "/" + path;
}

Result<HttpResponse> RegistrySession::get(HttpClient& client, const std::string& path, HttpRequest request,
                                          const std::function<Result<void>()>& restart) {
    request.url = url(path);
    request.allow_plain_http = config_.plain_http;
    bool authenticated = false;
    for (unsigned attempt = 1;;) {
        unsigned generation = 0;
        {
            std::lock_guard lock(mutex_);
            request.auth = auth_;
            generation = generation_;
        }
        HttpResponse r = client.get(request);
        if (transient(r)) {
            if (attempt >= registry_attempts) return fail(network_failure(r, attempt));
            auto wait = first_backoff * (1u << (attempt - 1));
            if (config_.note)
                config_.note("registry " + config_.ref.registry + ": " + (r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error) +
                             "; retrying in " + std::to_string(wait.count()) + " ms (attempt " + std::to_string(attempt + 1) +
                             " of " + std::to_string(registry_attempts) + ")");
            std::this_thread::sleep_for(wait);
            ++attempt;
            if (restart)
                if (auto ok = restart(); !ok) return Unexpected(ok.error());
            continue;
        }
        if (r.failure == HttpResponse::Failure::tls) {
            bool plain = r.error.find("wrong version number") != std::string::npos ||
                         r.error.find("packet length too long") != std::string::npos;
            return fail("TLS connection to registry " + config_.ref.registry + " failed: " + r.error + "; " +
                        (plain ? "if it serves plain HTTP, allow that with " + std::string(insecure_registries_variable) + "=" +
                                     config_.ref.registry
                               : "if it uses a private CA, point SSL_CERT_FILE at a CA bundle that contains it"));
        }
        if (r.failure == HttpResponse::Failure::other)
            return fail("registry " + config_.ref.registry + ": " + r.error);
        if (r.failure != HttpResponse::Failure::none) return r;  // the body sink's or the caller's decision
        if (r.status == http_unauthorized && !authenticated) {
            if (auto ok = authenticate(client, r, generation); !ok) return Unexpected(ok.error());
            authenticated = true;
            continue;
        }
        if (r.status == http_unauthorized || r.status == forbidden) return fail(auth_failure(r));
        return r;
    }
}

Result<void> RegistrySession::authenticate(HttpClient& client, const HttpResponse& refused, unsigned generation) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return {};  // another thread has just renewed it
    auto challenge = parse_challenge(refused.header("www-authenticate"));
    if (challenge && challenge->scheme == "bearer" && challenge->params.contains("realm")) {
        if (auto ok = fetch_token(client, challenge->params); !ok) return ok;
    } else if (challenge && challenge->scheme == "basic") {
        auto creds = registry_credentials();
        if (!creds) return fail(auth_failure(refused));
        auth_ = {HttpAuth::Kind::basic, creds->login, creds->password};
    } else {
        return fail("registry " + config_.ref.registry + " asks for authentication (HTTP 401) with an unsupported challenge '" +
                    refused.header("www-authenticate") + "'");
    }
    ++generation_;
    return {};
}

Result<void> RegistrySession::fetch_token(HttpClient& client, const std::map<std::string, std::string>& params) {
    const std::string& realm = params.at("realm");
    std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
    if (auto s = params.find("service"); s != params.end()) url += "service=" + percent_encode(s->second) + "&";
    auto scope = params.find("scope");
    url += "scope=" + percent_encode(scope != params.end() ? scope->second : "repository:" + config_.ref.repository + ":pull");
    // enroot looks the token service's host up in the credentials file (Docker Hub's are
    // under auth.docker.io); the registry's own entry is the fallback.
    std::string realm_host = url_host(realm);
    auto creds = find_credentials(config_.netrc, realm_host, config_.ref.user);
    if (!creds) creds = find_credentials(config_.netrc, config_.ref.registry, config_.ref.user);
    HttpRequest request;
    request.url = url;
    request.allow_plain_http = config_.plain_http;
    if (creds) request.auth = {HttpAuth::Kind::basic, creds->login, creds->password};
    HttpResponse r = client.get(request);
    if (r.failure != HttpResponse::Failure::none)
        return fail("token service " + realm_host + " of registry " + config_.ref.registry + ": " + r.error);
    if (r.status == http_unauthorized || r.status == forbidden)
        return fail("token service " + realm_host + " refused " + (creds ? "the credentials of '" + creds->login + "'" : "an anonymous token") +
                    " (HTTP " + std::to_string(r.status) + "); " +
                    (creds ? "fix the 'machine " + realm_host + "' entry in " : "add 'machine " + realm_host + " login USER password SECRET' to ") +
                    config_.credentials_file.string());
    if (r.status != 200)
        return fail("token service " + realm_host + " answered HTTP " + std::to_string(r.status));
    auto doc = nlohmann::json::parse(r.body, nullptr, false);
    std::string token;
    for (const char* key : {"token", "access_token"})
        if (doc.is_object() && doc.contains(key) && doc[key].is_string() && token.empty()) token = doc[key].get<std::string>();
    if (token.empty()) return fail("token service " + realm_host + " sent no token");
    auth_ = {HttpAuth::Kind::bearer, "", token};
    return {};
}

Result<Credentials> RegistrySession::registry_credentials() const {
    auto creds = find_credentials(config_.netrc, config_.ref.registry, config_.ref.user);
    if (!creds) return fail("no credentials");
    return *creds;
}

std::string RegistrySession::auth_failure(const HttpResponse& response) const {
    const std::string& host = config_.ref.registry;
    std::string file = config_.credentials_file.string();
    auto creds = find_credentials(config_.netrc, host, config_.ref.user);
    std::string status = " (HTTP " + std::to_string(response.status) + ")";
    if (!creds) {
        std::string login = config_.ref.user.empty() ? "USER" : config_.ref.user;
        return "registry " + host + " requires authentication for " + config_.ref.repository + status +
               ", or the repository does not exist; add 'machine " + host + " login " + login +
               " password SECRET' to " + file;
    }
    if (response.status == forbidden)
        return "registry " + host + " denied '" + creds->login + "' access to " + config_.ref.repository + status +
               "; check that this login may pull it (credentials from " + file + ")";
    return "registry " + host + " rejected the credentials of '" + creds->login + "'" + status + "; fix the 'machine " +
           host + "' entry in " + file;
}

std::string RegistrySession::network_failure(const HttpResponse& response, unsigned attempts) const {
    std::string what = response.failure == HttpResponse::Failure::none
                           ? "answered HTTP " + std::to_string(response.status)
                           : "cannot be reached: " + response.error;
    return "registry " + config_.ref.registry + " " + what + " (gave up after " + std::to_string(attempts) +
           " attempts); check the network and the registry's name";
}

}  // namespace skiff::image
