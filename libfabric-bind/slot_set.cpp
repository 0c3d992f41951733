#include "libfabric-bind/slot_set.hpp"

#include <bit>
#include <functional>
#include <string_view>

#include "libfabric-bind/cache_sort.hpp"

namespace skiff::ldcache {

// At most half full, so a probe run stays short.
SlotSet::SlotSet(std::span<const CacheEntry> entries, bool by_hwcaps)
    : entries_(entries), by_hwcaps_(by_hwcaps), table_(std::bit_ceil(2 * entries.size() + 1), 0) {}

std::uint64_t SlotSet::hash(const CacheEntry& e) const {
    std::uint64_t h = libcmp_hash(e.key) ^ (static_cast<std::uint32_t>(e.flags) * 0x9e3779b97f4a7c15ULL);
    if (by_hwcaps_ && e.hwcaps) h ^= std::hash<std::string_view>{}(*e.hwcaps) * 31 + 1;
    return h ^ (h >> 29);
}

bool SlotSet::same(const CacheEntry& a, const CacheEntry& b) const {
    return a.flags == b.flags && (!by_hwcaps_ || a.hwcaps == b.hwcaps) && libcmp(a.key, b.key, false) == 0;
}

std::size_t SlotSet::find(const CacheEntry& e) const {
    std::size_t mask = table_.size() - 1;
    for (std::size_t at = hash(e) & mask;; at = (at + 1) & mask)
        if (table_[at] == 0 || same(entries_[table_[at] - 1], e)) return at;
}

bool SlotSet::insert(std::size_t i) {
    std::size_t at = find(entries_[i]);
    if (table_[at] != 0) return false;
    table_[at] = static_cast<std::uint32_t>(i + 1);
    return true;
}

bool SlotSet::contains(const CacheEntry& e) const { return table_[find(e)] != 0; }

}  // namespace skiff::ldcache
