// The lookup slots taken by a set of cache entries (ldcache.md §3): two entries share a slot
// when their flags are equal and their keys libcmp-equal; two are the same injection when their
// glibc-hwcaps names are equal too (a plain entry has none). Open addressing over indices into
// the caller's entries, hashed on the slot only, so that one probe run answers both questions:
// one allocation, no key strings.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "libfabric-bind/cache_format.hpp"

namespace skiff::ldcache {

class SlotSet {
public:
    // Room for all of `entries`, which must outlive the set and stay where they are.
    explicit SlotSet(std::span<const CacheEntry> entries);

    // Adds entries[i]; false (and nothing added) if an entry with its slot and its
    // glibc-hwcaps name is in already.
    bool insert(std::size_t i);
    // True if an entry of e's slot is in, whatever its glibc-hwcaps name.
    bool has_slot(const CacheEntry& e) const;

private:
    struct Cell {
        std::uint32_t index = 0;  // index + 1 into entries_, 0 = empty
        std::uint32_t hash = 0;   // low bits of the slot's hash: most mismatches end here
    };
    static std::uint64_t hash(const CacheEntry& e);
    // The first cell of e's probe run that is empty or passes `match`.
    template <class Match>
    std::size_t probe(const CacheEntry& e, std::uint32_t h, Match match) const;

    std::span<const CacheEntry> entries_;
    std::vector<Cell> table_;
};

}  // namespace skiff::ldcache
