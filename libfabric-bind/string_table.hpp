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
#include <unordered_map>
#include <vector>

namespace skiff::ldcache {

struct StringLayout {
    std::string bytes;  // the table, every string NUL-terminated
    // string -> offset from the table start; the views point into the caller's strings
    std::unordered_map<std::string_view, std::uint32_t> offsets;
};

// `strings` may contain duplicates; the table holds each distinct string once. The strings
// must outlive the returned layout (its keys are views of them).
StringLayout layout_strings(std::vector<std::string_view> strings);

// The same table, with the offsets by input position: `at[i]` is where `strings[i]` starts.
// Nothing is allocated per string, so the writer uses this one.
struct StringOffsets {
    std::string bytes;
    std::vector<std::uint32_t> at;
};
StringOffsets layout_string_offsets(std::span<const std::string_view> strings);

}  // namespace skiff::ldcache
