#include "libfabric-bind/string_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

namespace skiff::ldcache {
namespace {

// The 8 bytes ending at `end`, as a number whose most significant byte is the last one, so
// that comparing two such numbers compares the bytes from the last backwards as unsigned.
std::uint64_t tail8(const char* end) {
    std::uint64_t v = 0;
    std::memcpy(&v, end - 8, 8);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}

// glibc's finalize_compare as a strict "comes first" order: compare from the last byte
// backwards as unsigned bytes, the larger byte first; on a common suffix the longer first.
// Eight bytes at a time: most strings here share a ".so.N" tail, and a key is the tail of its
// value.
bool comes_first(std::string_view l, std::string_view r) {
    const char* le = l.data() + l.size();
    const char* re = r.data() + r.size();
    std::size_t n = std::min(l.size(), r.size()), i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t a = tail8(le - i), b = tail8(re - i);
        if (a != b) return a > b;
    }
    for (; i < n; ++i) {
        auto lc = static_cast<unsigned char>(le[-1 - static_cast<long>(i)]);
        auto rc = static_cast<unsigned char>(re[-1 - static_cast<long>(i)]);
        if (lc != rc) return lc > rc;
    }
    return l.size() > r.size();
}

// Up to the last eight bytes as a number ordered like comes_first, zero-padded on the left: a
// padding zero ranks below any byte but NUL, as the end of a shorter string does, so a larger
// key always comes first, and equal keys need the full comparison.
std::uint64_t sort_key(std::string_view s) {
    if (s.size() >= 8) return tail8(s.data() + s.size());
    if (s.empty()) return 0;  // shifting a 64-bit value by 64 is undefined
    std::uint64_t v = 0;
    for (auto c = s.rbegin(); c != s.rend(); ++c) v = (v << 8) | static_cast<unsigned char>(*c);
    return v << (8 * (8 - s.size()));
}

}  // namespace

StringOffsets layout_string_offsets(std::span<const std::string_view> strings) {
    // Sorted as (key, index) pairs: most comparisons end on the key, without reaching the text.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(strings.size());
    for (std::uint32_t i = 0; i < strings.size(); ++i) keyed[i] = {sort_key(strings[i]), i};
    std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first > b.first;
        return comes_first(strings[a.second], strings[b.second]);
    });
    std::vector<std::uint32_t> order(strings.size());
    for (std::size_t j = 0; j < keyed.size(); ++j) order[j] = keyed[j].second;
    StringOffsets out;
    out.at.assign(strings.size(), 0);
    // Equal strings are adjacent and share an offset; a string that is a suffix of the distinct
    // one just before it shares that one's tail.
    std::uint64_t offset = 0;
    for (std::size_t j = 1; j < order.size(); ++j) {
        std::string_view prev = strings[order[j - 1]], cur = strings[order[j]];
        if (cur != prev)
            offset += prev.ends_with(cur) ? prev.size() - cur.size() : prev.size() + 1;
        out.at[order[j]] = static_cast<std::uint32_t>(offset);
    }
    if (order.empty()) return out;
    out.bytes.assign(offset + strings[order.back()].size() + 1, '\0');
    for (std::uint32_t i : order)
        std::memcpy(out.bytes.data() + out.at[i], strings[i].data(), strings[i].size());
    return out;
}

}  // namespace skiff::ldcache
