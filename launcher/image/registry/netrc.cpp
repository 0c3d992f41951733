#include "launcher/image/registry/netrc.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/env_map.hpp"

namespace skiff::image {
namespace {

struct Token {
    std::string text;
    int line;
};

// Splits on whitespace; "quoted strings" may hold spaces and \" escapes; # starts a comment
// at the beginning of a token.
Result<std::vector<Token>> tokenize(const std::string& text, const std::string& path) {
    std::vector<Token> out;
    int line = 1;
    std::size_t i = 0;
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (i < text.size()) {
        char c = text[i];
        if (c == '\n') ++line;
        if (blank(c)) { ++i; continue; }
        if (c == '#') {
            while (i < text.size() && text[i] != '\n') ++i;
            continue;
        }
        std::string tok;
        if (c == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                if (text[i] == '\n') return fail(path + ":" + std::to_string(line) + ": unterminated quote");
                tok += text[i];
            }
            if (i >= text.size()) return fail(path + ":" + std::to_string(line) + ": unterminated quote");
            ++i;
        } else {
            while (i < text.size() && !blank(text[i])) tok += text[i++];
        }
        out.push_back({tok, line});
        if (tok == "macdef") {  // the macro's name and body run to the next empty line
            std::size_t end = text.find("\n\n", i);
            end = end == std::string::npos ? text.size() : end;
            for (; i < end; ++i) line += text[i] == '\n';
        }
    }
    return out;
}

}  // namespace

Result<std::vector<NetrcEntry>> parse_netrc(const std::string& text, const std::string& path) {
    auto toks = tokenize(text, path);
    if (!toks) return Unexpected(toks.error());
    const auto& t = *toks;
    std::vector<NetrcEntry> out;
    for (std::size_t i = 0; i < t.size();) {
        const std::string& key = t[i].text;
        auto where = [&] { return path + ":" + std::to_string(t[i].line) + ": "; };
        if (key == "default") {
            out.push_back({});
            ++i;
            continue;
        }
        if (key == "macdef") {
            ++i;
            continue;
        }
        if (key != "machine" && key != "login" && key != "password" && key != "account")
            return fail(where() + "unknown keyword '" + key + "' (expected machine, login, password)");
        if (i + 1 >= t.size()) return fail(where() + "'" + key + "' without a value");
        const std::string& value = t[i + 1].text;
        if (key == "machine") {
            out.push_back({value, {}});
        } else if (out.empty()) {
            return fail(where() + "'" + key + "' before any 'machine' line");
        } else if (key == "login") {
            out.back().credentials.login = value;
        } else if (key == "password") {
            out.back().credentials.password = value;
        }
        i += 2;
    }
    return out;
}

std::optional<Credentials> find_credentials(const std::vector<NetrcEntry>& entries, const std::string& host,
                                            const std::string& login) {
    std::string bare = host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
    for (const std::string& machine : {host, bare, std::string()}) {
        for (const auto& e : entries) {
            if (e.machine != machine) continue;
            if (!login.empty() && e.credentials.login != login) continue;
            return e.credentials;
        }
    }
    return std::nullopt;
}

Result<std::vector<NetrcEntry>> load_netrc(const std::filesystem::path& path) {
    if (path.empty()) return std::vector<NetrcEntry>{};
    std::ifstream in(path);
    if (!in) {
        if (errno == ENOENT) return std::vector<NetrcEntry>{};
        return fail("credentials file '" + path.string() + "': " + std::strerror(errno));
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse_netrc(text.str(), path.string());
}

std::filesystem::path default_credentials_path(const EnvMap& env) {
    auto get = [&](const char* name) { return env_value(env, name); };
    if (!get("ENROOT_CONFIG_PATH").empty()) return std::filesystem::path(get("ENROOT_CONFIG_PATH")) / ".credentials";
    std::filesystem::path config = get("XDG_CONFIG_HOME");
    if (config.empty()) config = std::filesystem::path(get("HOME")) / ".config";
    return config / "enroot" / ".credentials";
}

}  // namespace skiff::image
