#include "libfabric-bind/string_table.hpp"

#include <algorithm>

namespace skiff::ldcache {
namespace {

// glibc's finalize_compare as a strict "comes first" order: compare from the last byte
// backwards as unsigned bytes, the larger byte first; on a common suffix the longer first.
bool comes_first(std::string_view l, std::string_view r) {
    auto li = l.rbegin(), ri = r.rbegin();
    for (; li != l.rend() && ri != r.rend(); ++li, ++ri) {
        auto lc = static_cast<unsigned char>(*li), rc = static_cast<unsigned char>(*ri);
        if (lc != rc) return lc > rc;
    }
    return l.size() > r.size();
}

bool is_suffix(std::string_view of, std::string_view s) { return of.ends_with(s); }

}  // namespace

StringLayout layout_strings(std::vector<std::string_view> strings) {
    std::sort(strings.begin(), strings.end(), comes_first);
    strings.erase(std::unique(strings.begin(), strings.end()), strings.end());

    StringLayout out;
    out.offsets.reserve(strings.size());
    std::vector<std::uint64_t> offsets(strings.size(), 0);
    for (std::size_t j = 1; j < strings.size(); ++j) {
        std::string_view prev = strings[j - 1];
        offsets[j] = is_suffix(prev, strings[j]) ? offsets[j - 1] + prev.size() - strings[j].size()
                                                 : offsets[j - 1] + prev.size() + 1;
    }
    if (strings.empty()) return out;
    out.bytes.assign(offsets.back() + strings.back().size() + 1, '\0');
    for (std::size_t j = 0; j < strings.size(); ++j) {
        std::copy(strings[j].begin(), strings[j].end(), out.bytes.begin() + static_cast<long>(offsets[j]));
        out.offsets.emplace(strings[j], static_cast<std::uint32_t>(offsets[j]));
    }
    return out;
}

}  // namespace skiff::ldcache
