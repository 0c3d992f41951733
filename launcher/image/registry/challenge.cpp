#include "launcher/image/registry/challenge.hpp"

#include "common/ascii.hpp"

namespace skiff::image {
namespace {

void skip_space(const std::string& s, std::size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

std::string read_token(const std::string& s, std::size_t& i) {
    std::size_t start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ',' && s[i] != ' ' && s[i] != '\t') ++i;
    return s.substr(start, i - start);
}

std::optional<std::string> read_value(const std::string& s, std::size_t& i) {
    if (i < s.size() && s[i] == '"') {
        std::string v;
        for (++i; i < s.size() && s[i] != '"'; ++i) {
            if (s[i] == '\\' && i + 1 < s.size()) ++i;
            v += s[i];
        }
        if (i >= s.size()) return std::nullopt;
        ++i;
        return v;
    }
    std::size_t start = i;
    while (i < s.size() && s[i] != ',') ++i;
    std::string v = s.substr(start, i - start);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
    return v;
}

}  // namespace

std::optional<Challenge> parse_challenge(const std::string& header) {
    std::size_t i = 0;
    skip_space(header, i);
    Challenge c;
    c.scheme = ascii_lower(read_token(header, i));
    if (c.scheme.empty()) return std::nullopt;
    for (;;) {
        skip_space(header, i);
        while (i < header.size() && header[i] == ',') { ++i; skip_space(header, i); }
        if (i >= header.size()) break;
        std::string name = ascii_lower(read_token(header, i));
        skip_space(header, i);
        // A token without '=' starts another challenge ("Bearer ..., Basic realm=..."): only
        // the first one counts.
        if (name.empty() || i >= header.size() || header[i] != '=') break;
        ++i;
        skip_space(header, i);
        auto value = read_value(header, i);
        if (!value) return std::nullopt;
        c.params[name] = *value;
    }
    return c;
}

}  // namespace skiff::image
