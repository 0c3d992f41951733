#include "launcher/image/reference.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace skiff::image {
namespace {

using Status = Expected<void, Error>;

constexpr std::string_view docker_scheme = "docker://";
constexpr std::string_view scheme_separator = "://";
constexpr std::string_view sha256_prefix = "sha256:";
constexpr std::size_t sha256_hex_digits = 64;
constexpr std::size_t min_foreign_digest_digits = 32;  // sha224 and up, hex-encoded
constexpr std::size_t max_tag_length = 128;
constexpr unsigned max_port = 65535;
constexpr std::string_view default_tag = "latest";
constexpr std::string_view docker_hub_library = "library/";
constexpr std::array<std::string_view, 3> docker_hub_aliases = {
    "docker.io", "index.docker.io", "registry-1.docker.io"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower_alnum(char c) { return is_lower(c) || is_digit(c); }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_hex(char c) { return is_lower_hex(c) || (c >= 'A' && c <= 'F'); }

bool all_of(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }

std::string lowercase(std::string s) {
    for (char& c : s)
        if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// The first registry component rule of Docker: "ghcr.io/x", "localhost:5000/x", "localhost/x".
bool looks_like_registry(std::string_view component) {
    return component.find_first_of(".:") != std::string_view::npos || component == "localhost";
}

// One repository component: [a-z0-9]+ joined by single '.', '_', '__' or '-' (§7.1 rule 4).
bool valid_component(std::string_view c) {
    if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (is_lower_alnum(c[i])) continue;
        bool double_underscore = c[i] == '_' && c[i + 1] == '_';
        if (c[i] != '.' && c[i] != '_' && c[i] != '-') return false;
        std::size_t next = i + (double_underscore ? 2 : 1);
        if (!is_lower_alnum(c[next])) return false;  // the back is alnum, so next is in range
        i = next - 1;
    }
    return true;
}

bool valid_tag(std::string_view tag) {
    auto word = [](char c) { return is_lower_alnum(c) || is_upper(c) || c == '_'; };
    if (tag.empty() || tag.size() > max_tag_length || !word(tag.front())) return false;
    return std::all_of(tag.begin(), tag.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

bool valid_host(std::string_view host) {
    std::size_t start = 0;
    while (true) {
        std::size_t dot = host.find('.', start);
        std::string_view label = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (label.empty() || label.front() == '-' || label.back() == '-') return false;
        if (!all_of(label, [](char c) { return is_lower_alnum(c) || c == '-'; })) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool valid_port(std::string_view port) {
    if (port.empty() || port.size() > 5 || !all_of(port, is_digit)) return false;
    unsigned value = 0;
    for (char c : port) value = value * 10 + static_cast<unsigned>(c - '0');
    return value >= 1 && value <= max_port;
}

bool valid_user(std::string_view user) {
    auto allowed = [](char c) { return c > ' ' && c < 0x7f && c != '/' && c != '#'; };
    return !user.empty() && all_of(user, allowed);
}

class Parser {
public:
    explicit Parser(const std::string& text) : text_(text), rest_(text) {}

    Result<RegistryRef> run() {
        for (auto step : {&Parser::take_scheme, &Parser::take_digest, &Parser::take_user,
                          &Parser::take_registry, &Parser::take_tag, &Parser::check_repository})
            if (auto status = (this->*step)(); !status) return Unexpected(status.error());
        return ref_;
    }

private:
    Unexpected<Error> bad(const std::string& what) const {
        return fail("image '" + text_ + "': " + what);
    }

    // §7.1 rule 5: there is no image daemon on compute nodes; other schemes are not ours.
    Status take_scheme() {
        if (rest_.starts_with(docker_scheme)) rest_.erase(0, docker_scheme.size());
        else if (rest_.find(scheme_separator) != std::string::npos)
            return bad("only registry references and local paths are supported");
        if (rest_.empty()) return bad("the image name is empty");
        return {};
    }

    Status take_digest() {
        std::size_t at = rest_.rfind('@');
        if (at == std::string::npos) return {};
        std::string_view digest = std::string_view(rest_).substr(at + 1);
        if (digest.starts_with(sha256_prefix)) {
            std::string_view hex = digest.substr(sha256_prefix.size());
            if (hex.size() != sha256_hex_digits || !all_of(hex, is_lower_hex))
                return bad("invalid digest '" + std::string(digest) +
                           "'; write sha256: and 64 lowercase hex digits");
        } else {
            std::size_t colon = digest.find(':');
            if (colon == std::string_view::npos || colon == 0) return {};  // USER@, not a digest
            std::string_view algorithm = digest.substr(0, colon), hex = digest.substr(colon + 1);
            if (!all_of(algorithm, is_lower_alnum) || hex.size() < min_foreign_digest_digits ||
                !all_of(hex, is_hex))
                return {};
            return bad("unsupported digest '" + std::string(digest) +
                       "'; only sha256 digests are supported");
        }
        ref_.digest = std::string(digest);
        rest_.erase(at);
        return {};
    }

    // A user name may itself contain '@' (an e-mail address), so the last '@' ends it.
    Status take_user() {
        std::size_t at = rest_.rfind('@');
        if (at == std::string::npos) return {};
        ref_.user = rest_.substr(0, at);
        rest_.erase(0, at + 1);
        if (!valid_user(ref_.user)) return bad("invalid user name '" + ref_.user + "' before '@'");
        return {};
    }

    Status take_registry() {
        std::size_t hash = rest_.find('#');
        if (hash != std::string::npos) {
            ref_.registry = rest_.substr(0, hash);
            rest_.erase(0, hash + 1);
            if (ref_.registry.empty()) return bad("the registry before '#' is empty");
            if (rest_.find('#') != std::string::npos) return bad("more than one '#'");
        } else if (std::size_t slash = rest_.find('/'); slash != std::string::npos &&
                   looks_like_registry(std::string_view(rest_).substr(0, slash))) {
            ref_.registry = rest_.substr(0, slash);
            rest_.erase(0, slash + 1);
        }
        return normalise_registry();
    }

    Status normalise_registry() {
        ref_.registry = lowercase(ref_.registry);
        auto alias = std::find(docker_hub_aliases.begin(), docker_hub_aliases.end(), ref_.registry);
        if (ref_.registry.empty() || alias != docker_hub_aliases.end()) {
            ref_.registry = docker_hub_registry;
            return {};
        }
        std::size_t colon = ref_.registry.find(':');
        std::string_view host = std::string_view(ref_.registry).substr(0, colon);
        if (!valid_host(host)) return bad("invalid registry name '" + ref_.registry + "'");
        if (colon != std::string::npos && !valid_port(std::string_view(ref_.registry).substr(colon + 1)))
            return bad("invalid port in registry '" + ref_.registry +
                       "'; write HOST:PORT with PORT 1-65535");
        return {};
    }

    // §7.1 rule 2: the tag follows the last ':' of the last path component.
    Status take_tag() {
        std::size_t slash = rest_.rfind('/');
        std::size_t colon = rest_.rfind(':');
        bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
        ref_.tag = has_tag ? rest_.substr(colon + 1) : std::string(default_tag);
        ref_.repository = has_tag ? rest_.substr(0, colon) : rest_;
        if (!valid_tag(ref_.tag))
            return bad("invalid tag '" + ref_.tag + "'; a tag is 1-128 letters, digits, '_', '.' or '-' "
                       "and does not start with '.' or '-'");
        return {};
    }

    Status check_repository() {
        std::string& repo = ref_.repository;
        if (repo.empty()) return bad("the repository name is empty");
        if (std::any_of(repo.begin(), repo.end(), is_upper))
            return bad("repository names must be lowercase");
        std::size_t start = 0;
        for (std::size_t slash = 0; slash != std::string::npos; start = slash + 1) {
            slash = repo.find('/', start);
            std::size_t length = slash == std::string::npos ? slash : slash - start;
            if (!valid_component(std::string_view(repo).substr(start, length)))
                return bad("invalid repository name '" + repo + "'; use lowercase letters and digits "
                           "joined by '.', '_', '__' or '-', and '/' between components");
        }
        if (!ref_.docker_hub()) return {};
        std::size_t slash = repo.find('/');
        if (slash == std::string::npos) repo.insert(0, docker_hub_library);
        else if (looks_like_registry(std::string_view(repo).substr(0, slash)) || repo.find('_') < slash)
            // Docker Hub namespaces are plain [a-z0-9]; refusing the others keeps store file
            // names of Docker Hub and other registries apart (§7.2).
            return bad("'" + repo.substr(0, slash) + "' is not a Docker Hub namespace; write REGISTRY#" +
                       repo + " for another registry");
        return {};
    }

    const std::string& text_;
    std::string rest_;
    RegistryRef ref_;
};

}  // namespace

std::string RegistryRef::canonical() const {
    std::string name = (docker_hub() ? std::string("docker.io") : registry) + "/" + repository;
    return digest.empty() ? name + ":" + tag : name + "@" + digest;
}

std::string RegistryRef::store_file_name(const std::string& arch) const {
    std::string repo = repository;
    bool official = repo.starts_with(docker_hub_library) &&
                    repo.find('/', docker_hub_library.size()) == std::string::npos;
    if (docker_hub() && official) repo.erase(0, docker_hub_library.size());
    std::string name = docker_hub() ? std::string() : registry + "+";
    name += repo + "+";
    name += digest.empty() ? tag : "sha256-" + digest.substr(sha256_prefix.size());
    std::replace(name.begin(), name.end(), '/', '+');
    std::replace(name.begin(), name.end(), ':', '_');  // only the registry port has one
    return name + "." + arch + ".sqsh";
}

std::string RegistryRef::pinned(const std::string& manifest_digest) const {
    RegistryRef pin = *this;
    pin.digest = manifest_digest;
    return (user.empty() ? "" : user + "@") + pin.canonical();
}

Result<RegistryRef> parse_reference(const std::string& text) { return Parser(text).run(); }

}  // namespace skiff::image
