// One HTTP(S) client over a libcurl easy handle: GET with headers, optional authentication,
// redirects, the system CA store, and response bodies streamed to a callback.
// Legend: curl_easy_* is libcurl's single-transfer interface.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::image {

// TLS trust: the system store unless SSL_CERT_FILE / SSL_CERT_DIR name other ones (OpenSSL's
// meaning: they replace the system bundle / directory, they do not add to it).
struct TlsSettings {
    std::string ca_file;
    std::string ca_dir;
};

// SSL_CERT_FILE and SSL_CERT_DIR from the process environment: libcurl does not read them.
TlsSettings tls_settings_from_environment();

struct HttpAuth {
    enum class Kind { none, basic, bearer };
    Kind kind = Kind::none;
    std::string user;
    std::string secret;  // password or token; never printed
};

struct HttpRequest {
    std::string url;
    std::vector<std::string> headers;  // "Accept: ..."
    HttpAuth auth;
    bool allow_plain_http = false;  // else only https, redirects included
    // Receives the body of a 2xx response; false aborts the transfer. Unset: the body is
    // collected into HttpResponse::body, up to body_limit.
    std::function<bool(std::string_view)> on_body;
    std::size_t body_limit = std::size_t{8} << 20;
    const std::atomic<bool>* cancel = nullptr;  // set: the transfer stops soon
};

// The HTTP statuses the registry client tells apart.
constexpr long http_ok = 200;
constexpr long http_unauthorized = 401;
constexpr long http_not_found = 404;

struct HttpResponse {
    enum class Failure {
        none,       // an HTTP response arrived (any status)
        transient,  // connection refused/reset, timeout, DNS: worth retrying
        tls,        // handshake or certificate failure: retrying will not help
        body,       // on_body refused the data, or the body passed body_limit
        cancelled,
        other,
    };
    Failure failure = Failure::none;
    std::string error;  // libcurl's text when failure != none
    long status = 0;
    std::map<std::string, std::string> headers;  // of the last response, names lowercase
    std::string body;                           // collected body (always for non-2xx)
    std::string header(const std::string& name) const;
};

class HttpClient {
public:
    explicit HttpClient(TlsSettings tls);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    HttpResponse get(const HttpRequest& request);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::image
