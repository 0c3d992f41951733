// Limits checked on a TOML file's bytes before toml11 parses them (EDFs and the site
// configuration). toml11 3.7 parses arrays, inline tables and dotted keys by recursion and
// frees the result by recursion: `a = [[[...` 100k deep, or a 100k-part dotted key,
// overflows the stack (SIGSEGV, in skiff or in slurmstepd), and a dotted key of N parts
// also costs O(N^2) time. Nothing legitimate comes near these limits.
#pragma once

#include <cstddef>
#include <string_view>

namespace skiff::edf {

inline constexpr std::size_t max_toml_bytes = std::size_t{1} << 20;  // 1 MiB
inline constexpr unsigned max_toml_depth = 32;

// The 1-based line where the nesting first goes past max_toml_depth, or 0. Depth counts
// every array and inline table open around a point, plus the parts of the dotted keys and
// of the [table] header above it: the depth of the tree toml11 would build. Strings and
// comments are skipped as TOML 1.0 reads them; a [table] or [[table]] header is a key, not
// an array.
unsigned too_deep_line(std::string_view text);

}  // namespace skiff::edf
