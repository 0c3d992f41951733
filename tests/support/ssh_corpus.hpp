// What the SSH-hook tests send through a session and expect back byte for byte (hooks.md
// §3.3): a corpus of hostile values and the command that prints them. Shared by the ns tier
// (tests/ns/ssh_test.cpp) and the host-root e2e tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace skiff::test {

// Hostile values: every one must arrive unchanged and never be executed.
inline const std::vector<std::pair<std::string, std::string>> corpus = {
    {"NCCL_NET", "AWS Libfabric"},
    {"C_SPACES", "  two  leading and trailing  "},
    {"C_SINGLE", "it's"},
    {"C_DOUBLE", "say \"hi\""},
    {"C_BOTH", "'\"'\"'"},
    {"C_DOLLAR_HOME", "$HOME"},
    {"C_BRACED", "${HOME}"},
    {"C_SUBST", "$(id)"},
    {"C_BACKTICK", "`id`"},
    {"C_BACKSLASH", "a\\\\b\\"},
    {"C_NEWLINE", "line1\nline2\n"},
    {"C_EQUALS", "a=b=c"},
    {"C_UTF8", "gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x9a\x80"},
    {"C_GLOB", "* ? [a-z]"},
    {"C_HASH", "# not a comment"},
    {"C_BANG", "!! !$"},
    {"C_SEMICOLON", "x; touch /tmp/pwned"},
    {"C_PIPE", "a | b && c || d"},
    {"C_REDIRECT", "> /tmp/pwned < x"},
    {"C_TAB", "a\tb"},
    {"C_EMPTYISH", " "},
    {"C_ESCAPES", "\\n\\t\\x41"},
    {"C_PERCENT", "%s %d %%"},
    {"PATH", "/opt/skiff test/bin:/usr/local/bin:/usr/bin:/bin"},  // Debian's /etc/profile resets it
};

inline std::string expected_values() {
    std::string out;
    for (const auto& [name, value] : corpus) out += value + '\0';
    return out;
}

// `printf '%s\0' "$A" "$B" ...`: the values as the session's shell sees them.
inline std::string print_values() {
    std::string command = "printf '%s\\0'";
    for (const auto& [name, value] : corpus) command += " \"$" + name + "\"";
    return command;
}

}  // namespace skiff::test
