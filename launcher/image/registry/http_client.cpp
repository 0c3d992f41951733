#include "launcher/image/registry/http_client.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <mutex>
#include <new>

#include "common/ascii.hpp"

namespace skiff::image {
namespace {

constexpr long connect_timeout_s = 30;
constexpr long low_speed_bytes = 1024;  // slower than this for ...
constexpr long low_speed_time_s = 60;   // ... this long is a stalled transfer
constexpr long max_redirects = 10;

struct EasyFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using ListPtr = std::unique_ptr<curl_slist, ListFree>;

// curl_global_init is not thread-safe in older libcurl; do it once, before any handle.
void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
    CURL* curl;
    const HttpRequest* request;
    HttpResponse* response;
    bool body_refused = false;
};

bool success_status(CURL* curl) {
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    return code >= 200 && code < 300;
}

std::size_t on_write(char* data, std::size_t, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view bytes(data, n);
    if (t->request->on_body && success_status(t->curl)) {
        if (t->request->on_body(bytes)) return n;
        t->body_refused = true;
        return 0;
    }
    if (t->response->body.size() + n > t->request->body_limit) {
        t->body_refused = true;
        return 0;
    }
    t->response->body.append(bytes);
    return n;
}

// Called once per header line of every response, redirects included: a status line starts
// the headers of the next response.
std::size_t on_header(char* data, std::size_t, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
        t->response->headers.clear();
        return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name = ascii_lower(std::string(line.substr(0, colon)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    t->response->headers[name] = std::string(value);
    return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    return t->request->cancel && t->request->cancel->load() ? 1 : 0;
}

// libcurl results worth a retry, and those that are TLS trouble (a retry will not help).
constexpr CURLcode transient_codes[] = {
    CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
    CURLE_SEND_ERROR,           CURLE_RECV_ERROR,           CURLE_PARTIAL_FILE,    CURLE_GOT_NOTHING,
    CURLE_HTTP2,                CURLE_HTTP2_STREAM,
};
constexpr CURLcode tls_codes[] = {
    CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
};

bool one_of(CURLcode code, const auto& codes) {
    for (CURLcode c : codes)
        if (c == code) return true;
    return false;
}

HttpResponse::Failure classify(CURLcode code, bool body_refused) {
    using F = HttpResponse::Failure;
    if (code == CURLE_OK) return F::none;
    if (one_of(code, transient_codes)) return F::transient;
    if (one_of(code, tls_codes)) return F::tls;
    if (code == CURLE_WRITE_ERROR && body_refused) return F::body;
    if (code == CURLE_ABORTED_BY_CALLBACK) return F::cancelled;
    return F::other;
}

void set_auth(CURL* c, const HttpAuth& auth) {
    switch (auth.kind) {
        case HttpAuth::Kind::none: break;
        case HttpAuth::Kind::basic:
            curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
            curl_easy_setopt(c, CURLOPT_USERNAME, auth.user.c_str());
            curl_easy_setopt(c, CURLOPT_PASSWORD, auth.secret.c_str());
            break;
        case HttpAuth::Kind::bearer:
            curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER));
            curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, auth.secret.c_str());
            break;
    }
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

TlsSettings tls_settings_from_environment() {
    TlsSettings tls;
    if (const char* f = std::getenv("SSL_CERT_FILE"); f && *f) tls.ca_file = f;
    if (const char* d = std::getenv("SSL_CERT_DIR"); d && *d) tls.ca_dir = d;
    return tls;
}

struct HttpClient::Impl {
    std::unique_ptr<CURL, EasyFree> curl;
    TlsSettings tls;
};

HttpClient::HttpClient(TlsSettings tls) : impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->curl.reset(curl_easy_init());
    if (!impl_->curl) throw std::bad_alloc();
    impl_->tls = std::move(tls);
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

// curl_easy_reset keeps the handle's connection cache, so consecutive requests to one
// registry reuse their TLS connection.
HttpResponse HttpClient::get(const HttpRequest& request) {
    CURL* c = impl_->curl.get();
    curl_easy_reset(c);
    HttpResponse response;
    Transfer t{c, &request, &response};
    ListPtr headers;
    for (const auto& h : request.headers) {
        curl_slist* grown = curl_slist_append(headers.get(), h.c_str());
        if (!grown) throw std::bad_alloc();
        (void)headers.release();
        headers.reset(grown);
    }
    const char* protocols = request.allow_plain_http ? "http,https" : "https";
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, max_redirects);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "skiff/" SKIFF_VERSION);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we may run threads
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, low_speed_bytes);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, low_speed_time_s);
    if (!impl_->tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, impl_->tls.ca_file.c_str());
    if (!impl_->tls.ca_dir.empty()) curl_easy_setopt(c, CURLOPT_CAPATH, impl_->tls.ca_dir.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    set_auth(c, request.auth);
    char error_text[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
    CURLcode code = curl_easy_perform(c);
    response.failure = classify(code, t.body_refused);
    if (response.failure != HttpResponse::Failure::none)
        response.error = error_text[0] ? error_text : curl_easy_strerror(code);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace skiff::image
