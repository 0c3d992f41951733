// The loader's entry order (ldcache.md §2.6). glibc binary-searches the entry table with
// _dl_cache_libcmp, so a writer must reproduce that comparison and ldconfig's tie-breaks exactly
// or lookups silently miss.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libfabric-bind/cache_format.hpp"

namespace skiff::ldcache {

// Sign of glibc's _dl_cache_libcmp(a, b): digit runs compare numerically and outrank every
// non-digit (including the end of the other string); other bytes compare as the target's plain
// `char` (signed on x86).
int libcmp(std::string_view a, std::string_view b, bool char_signed);

// A hash (FNV-1a) that is equal for keys libcmp() says are equal: it hashes `s` with every
// digit run's leading zeros dropped ("libfoo.so.01" as "libfoo.so.1").
std::uint64_t libcmp_hash(std::string_view s);

// Length of the longest run of ASCII digits in `s`.
std::size_t longest_digit_run(std::string_view s);

// True if `a` must come before `b`: key descending by libcmp, flags descending, glibc-hwcaps
// entries before plain ones, hwcaps names ascending by strcmp. Otherwise false (a tie).
bool entry_before(const CacheEntry& a, const CacheEntry& b, bool char_signed);

// Stable sort with entry_before: ties keep their input order (first directory wins).
void sort_entries(std::vector<CacheEntry>& entries, bool char_signed);

// Index of the first entry that sorts before its predecessor, or nullopt if in order.
std::optional<std::size_t> first_unsorted(const std::vector<CacheEntry>& entries, bool char_signed);

}  // namespace skiff::ldcache
