// registry_token_server: a Docker registry token service (the "Bearer realm=..." flow, as
// auth.docker.io and nvcr.io run it) for the token-auth tests. It issues RS256 JWTs with the
// signing certificate in the x5c header, which a registry configured with
// `auth: token: rootcertbundle: CERT` accepts, granting whatever scope the client asks for.
//
//   registry_token_server KEY.pem CERT.pem USER PASSWORD LOG
//
// Listens on 127.0.0.1 (a port from the kernel) and prints the port. GET /token?service=S&scope=T
// with basic auth USER:PASSWORD answers {"token": JWT}; anything else is HTTP 401. Each request
// appends "user=U service=S scope=T -> STATUS" to LOG.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <string>

namespace {

std::string base64(const std::string& bytes, bool url) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    if (!url) return out;
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

std::string percent_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> query(const std::string& target) {
    std::map<std::string, std::string> out;
    auto q = target.find('?');
    if (q == std::string::npos) return out;
    std::string rest = target.substr(q + 1);
    for (std::size_t at = 0; at <= rest.size();) {
        auto end = std::min(rest.find('&', at), rest.size());
        std::string pair = rest.substr(at, end - at);
        auto eq = pair.find('=');
        if (eq != std::string::npos) out[pair.substr(0, eq)] = percent_decode(pair.substr(eq + 1));
        at = end + 1;
    }
    return out;
}

// "repository:test/multi:pull,push" -> the JWT's access entry.
nlohmann::json access(const std::string& scope) {
    auto first = scope.find(':'), last = scope.rfind(':');
    if (first == std::string::npos || first == last) return nlohmann::json::array();
    nlohmann::json actions = nlohmann::json::array();
    std::string list = scope.substr(last + 1);
    for (std::size_t at = 0; at <= list.size();) {
        auto end = std::min(list.find(',', at), list.size());
        actions.push_back(list.substr(at, end - at));
        at = end + 1;
    }
    return nlohmann::json::array(
        {{{"type", scope.substr(0, first)}, {"name", scope.substr(first + 1, last - first - 1)}, {"actions", actions}}});
}

struct Signer {
    EVP_PKEY* key = nullptr;
    std::string cert_der;

    std::string jwt(const std::string& service, const std::string& scope, const std::string& user) const {
        static unsigned serial = 0;
        auto now = static_cast<long long>(std::time(nullptr));
        nlohmann::json header{{"typ", "JWT"}, {"alg", "RS256"}, {"x5c", {base64(cert_der, false)}}};
        nlohmann::json claims{{"iss", "skiff-test-issuer"}, {"sub", user},     {"aud", service},
                              {"exp", now + 600},           {"nbf", now - 60}, {"iat", now},
                              {"jti", std::to_string(++serial)}, {"access", access(scope)}};
        std::string input = base64(header.dump(), true) + "." + base64(claims.dump(), true);
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t length = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
        EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()), input.size());
        std::string signature(length, '\0');
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        EVP_MD_CTX_free(ctx);
        signature.resize(length);
        return input + "." + base64(signature, true);
    }
};

bool load(Signer& s, const char* key_path, const char* cert_path) {
    FILE* k = std::fopen(key_path, "r");
    FILE* c = std::fopen(cert_path, "r");
    if (!k || !c) return false;
    s.key = PEM_read_PrivateKey(k, nullptr, nullptr, nullptr);
    X509* cert = PEM_read_X509(c, nullptr, nullptr, nullptr);
    std::fclose(k);
    std::fclose(c);
    if (!s.key || !cert) return false;
    unsigned char* der = nullptr;
    int n = i2d_X509(cert, &der);
    s.cert_der.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    X509_free(cert);
    return true;
}

std::string read_request(int fd) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
    }
    return request;
}

// The "Authorization: Basic ..." user and password, "user:password".
std::string basic_credentials(const std::string& request) {
    auto at = request.find("\r\nAuthorization: Basic ");
    if (at == std::string::npos) return "";
    at += 23;
    std::string encoded = request.substr(at, request.find("\r\n", at) - at);
    std::string decoded(encoded.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()), reinterpret_cast<const unsigned char*>(encoded.data()),
                            static_cast<int>(encoded.size()));
    if (n < 0) return "";
    decoded.resize(static_cast<std::size_t>(n));
    while (!decoded.empty() && decoded.back() == '\0') decoded.pop_back();  // the padding's bytes
    return decoded;
}

void answer(int fd, int status, const std::string& body) {
    std::string head = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Unauthorized") +
                       "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n";
    std::string all = head + body;
    for (std::size_t done = 0; done < all.size();) {
        ssize_t n = ::write(fd, all.data() + done, all.size() - done);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: registry_token_server KEY.pem CERT.pem USER PASSWORD LOG\n");
        return 2;
    }
    Signer signer;
    if (!load(signer, argv[1], argv[2])) {
        std::fprintf(stderr, "registry_token_server: cannot read %s or %s\n", argv[1], argv[2]);
        return 1;
    }
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(listener, 16) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        std::perror("registry_token_server: listen");
        return 1;
    }
    std::printf("%d\n", ntohs(address.sin_port));
    std::fflush(stdout);
    const std::string expected = std::string(argv[3]) + ":" + argv[4];
    for (;;) {
        int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::string request = read_request(fd);
        std::string target = request.substr(0, request.find("\r\n"));
        auto params = query(target.substr(0, target.rfind(' ')));
        std::string credentials = basic_credentials(request);
        bool ok = target.starts_with("GET /token?") && credentials == expected;
        std::ofstream(argv[5], std::ios::app) << "user=" << credentials.substr(0, credentials.find(':'))
                                              << " service=" << params["service"] << " scope=" << params["scope"] << " -> "
                                              << (ok ? 200 : 401) << "\n";
        answer(fd, ok ? 200 : 401,
               ok ? nlohmann::json{{"token", signer.jwt(params["service"], params["scope"], argv[3])}}.dump()
                  : R"({"details":"wrong credentials"})");
        ::close(fd);
    }
}
