#include "hooks/ssh/sshd_version.hpp"

#include <charconv>

namespace skiff::hooks::ssh {
namespace {

constexpr std::string_view prefix = "OpenSSH_";
constexpr int max_part = 999;

bool digit(char c) { return c >= '0' && c <= '9'; }

// Digits at `at` (at most three) as a number; nullopt if there are none.
std::optional<int> number(std::string_view text, std::size_t& at) {
    std::size_t start = at;
    while (at < text.size() && digit(text[at]) && at - start < 4) ++at;
    int value = 0;
    if (at == start || std::from_chars(text.data() + start, text.data() + at, value).ec != std::errc{} ||
        value > max_part)
        return std::nullopt;
    return value;
}

}  // namespace

std::optional<SshdVersion> parse_openssh_version(std::string_view text) {
    if (!text.starts_with(prefix)) return std::nullopt;
    std::size_t at = prefix.size();
    auto major = number(text, at);
    if (!major || at >= text.size() || text[at] != '.') return std::nullopt;
    ++at;
    auto minor = number(text, at);
    if (!minor) return std::nullopt;
    // The release is complete here, or a portable suffix follows: "p1", "p1 Debian-2".
    bool complete = at == text.size() || (text[at] == 'p' && at + 1 < text.size() && digit(text[at + 1]));
    if (!complete) return std::nullopt;
    return SshdVersion{*major, *minor};
}

SshdFeatures features_of(SshdVersion version) {
    SshdFeatures features;
    features.session_program = version >= SshdVersion{9, 8};
    features.per_source_penalties = version >= SshdVersion{9, 8};
    features.auth_program = version >= SshdVersion{10, 0};
    return features;
}

}  // namespace skiff::hooks::ssh
