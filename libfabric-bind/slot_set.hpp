// The lookup slots taken by a set of cache entries (ldcache.md §3): two entries share a slot
// when their flags are equal and their keys libcmp-equal, and, for a set that tells
// glibc-hwcaps entries apart, their glibc-hwcaps names are equal too (a plain entry has none).
// Open addressing over indices into the caller's entries: one allocation, no key strings.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "libfabric-bind/cache_format.hpp"

namespace skiff::ldcache {

class SlotSet {
public:
    // Room for all of `entries`, which must outlive the set and stay where they are.
    SlotSet(std::span<const CacheEntry> entries, bool by_hwcaps);

    // Adds entries[i]; false (and nothing added) if its slot is taken already.
    bool insert(std::size_t i);
    bool contains(const CacheEntry& e) const;

private:
    std::uint64_t hash(const CacheEntry& e) const;
    bool same(const CacheEntry& a, const CacheEntry& b) const;
    // The table position holding e's slot, or the empty one where it would go.
    std::size_t find(const CacheEntry& e) const;

    std::span<const CacheEntry> entries_;
    bool by_hwcaps_;
    std::vector<std::uint32_t> table_;  // index + 1 into entries_, 0 = empty
};

}  // namespace skiff::ldcache
