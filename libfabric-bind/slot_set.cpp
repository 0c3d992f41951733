#include "libfabric-bind/slot_set.hpp"

#include <bit>

#include "libfabric-bind/cache_sort.hpp"

namespace skiff::ldcache {
namespace {

bool same_slot(const CacheEntry& a, const CacheEntry& b) {
    return a.flags == b.flags && libcmp(a.key, b.key, false) == 0;
}

}  // namespace

// At most half full, so a probe run stays short and always ends at an empty cell.
SlotSet::SlotSet(std::span<const CacheEntry> entries)
    : entries_(entries), table_(std::bit_ceil(2 * entries.size() + 1)) {}

std::uint64_t SlotSet::hash(const CacheEntry& e) {
    std::uint64_t h = libcmp_hash(e.key) ^ (static_cast<std::uint32_t>(e.flags) * 0x9e3779b97f4a7c15ULL);
    return h ^ (h >> 29);
}

template <class Match>
std::size_t SlotSet::probe(const CacheEntry& e, std::uint32_t h, Match match) const {
    std::size_t mask = table_.size() - 1;
    for (std::size_t at = h & mask;; at = (at + 1) & mask) {
        const Cell& c = table_[at];
        if (c.index == 0 || (c.hash == h && match(entries_[c.index - 1], e))) return at;
    }
}

bool SlotSet::insert(std::size_t i) {
    const CacheEntry& e = entries_[i];
    auto h = static_cast<std::uint32_t>(hash(e));
    std::size_t at = probe(e, h, [](const CacheEntry& a, const CacheEntry& b) {
        return a.hwcaps == b.hwcaps && same_slot(a, b);
    });
    if (table_[at].index != 0) return false;
    table_[at] = {static_cast<std::uint32_t>(i + 1), h};
    return true;
}

bool SlotSet::has_slot(const CacheEntry& e) const {
    return table_[probe(e, static_cast<std::uint32_t>(hash(e)), same_slot)].index != 0;
}

}  // namespace skiff::ldcache
