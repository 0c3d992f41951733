// Merging injected libraries into an image's ld.so.cache (ldcache.md §3). Pure: bytes and
// entries in, bytes out, linear in the number of entries (plus sorting the injections); the
// image's file tree is never scanned.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_format.hpp"
#include "libfabric-bind/cache_writer.hpp"

namespace skiff::ldcache {

// An injected library: key = DT_SONAME (or an alias), value = where the file is visible inside
// the container, flags = arch.cache_flags. `hwcaps`/`isa_level` mark a glibc-hwcaps entry.
// osversion and legacy hwcap are always written as 0.
using Injection = CacheEntry;

struct MergeResult {
    std::string bytes;                  // the new /etc/ld.so.cache
    std::vector<CacheEntry> entries;    // what `bytes` holds, in file order
    std::vector<std::string> warnings;  // ignored image cache, refused or duplicate injections
    std::size_t image_kept = 0;         // image entries carried over verbatim
    std::size_t image_replaced = 0;     // image entries removed in favour of an injection
};

// `image_cache` is the image's /etc/ld.so.cache, or nullopt if it has none. An image cache the
// reader rejects is ignored with a warning: a cache miss falls through to the loader's default
// directories exactly as with no cache. Refused with a warning (never an error):
//   - injections for glibc's own libraries (libc.so.6, the loader, libm, ...): never replaced;
//   - keys that are empty, contain '/' or a digit run longer than 9 digits (glibc's int
//     arithmetic would overflow); values that are not absolute;
//   - a later injection with the same key (by libcmp) and flags as an earlier one.
// Image entries whose key libcmp-equals an injected key with the same flags are removed (plain
// and glibc-hwcaps alike), so injected libraries take precedence. The result is re-parsed and
// its order checked before it is returned.
Result<MergeResult> merge_cache(std::optional<std::string_view> image_cache,
                                const std::vector<Injection>& injections, const ArchInfo& arch,
                                const WriteOptions& options = {});

}  // namespace skiff::ldcache
