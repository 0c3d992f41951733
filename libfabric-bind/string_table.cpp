#include "libfabric-bind/string_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

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

}  // namespace

StringOffsets layout_string_offsets(std::span<const std::string_view> strings) {
    std::vector<std::uint32_t> order(strings.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return comes_first(strings[a], strings[b]); });
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

StringLayout layout_strings(std::vector<std::string_view> strings) {
    StringOffsets laid = layout_string_offsets(strings);
    StringLayout out;
    out.bytes = std::move(laid.bytes);
    for (std::size_t i = 0; i < strings.size(); ++i) out.offsets.emplace(strings[i], laid.at[i]);
    return out;
}

}  // namespace skiff::ldcache
