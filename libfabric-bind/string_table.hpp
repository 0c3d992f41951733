// The string table of a new-format cache laid out as glibc >= 2.33's ldconfig does
// (elf/stringtable.c), so that skiff's output is byte-identical to ldconfig's for the same
// entries (ldcache.md §2.3): strings sorted by their reversed bytes, descending, longer first on
// a common suffix, and a string that is a suffix of the one placed just before it shares its
// tail.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::ldcache {

// The table for `strings`, which may contain duplicates (the table holds each distinct string
// once): `bytes`, every string NUL-terminated, and `at[i]`, the offset where `strings[i]`
// starts. Nothing is allocated per string.
struct StringOffsets {
    std::string bytes;
    std::vector<std::uint32_t> at;
};
StringOffsets layout_string_offsets(std::span<const std::string_view> strings);

}  // namespace skiff::ldcache
