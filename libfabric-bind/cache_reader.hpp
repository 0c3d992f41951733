// Reads any ld.so.cache (ldcache.md §2.7, §2.8): the new format (with or without the extension
// directory), the compat format (old table with a new table embedded) and the old format.
//
// A file the loader would ignore, or one whose structure is cut short or points past its end
// (header, entry table, string table, extension directory), is an Error naming the file and the
// problem. A single entry whose key or value is out of range or unterminated, or whose
// glibc-hwcaps index has no valid section, is dropped with a warning, as the loader could not
// use it either.
#pragma once

#include <bit>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/cache_format.hpp"

namespace skiff::ldcache {

// `target_order` is the byte order of the target architecture; a new-format header that
// declares the other order is refused, as glibc's loader refuses it.
Result<ParsedCache> read_cache(std::string_view bytes, std::endian target_order,
                               const std::string& name = "/etc/ld.so.cache");

// Reads `bytes` exactly as read_cache does, but only tells whether they hold `entries` (equal,
// in order) without a warning: checking a file just written costs no second copy of its
// entries. Errors are read_cache's.
Result<bool> reads_back_as(std::string_view bytes, std::endian target_order,
                           const std::vector<CacheEntry>& entries, const std::string& name);

}  // namespace skiff::ldcache
