#include "libfabric-bind/cache_merge.hpp"

#include <algorithm>
#include <iterator>
#include <numeric>

#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/glibc_version.hpp"
#include "libfabric-bind/slot_set.hpp"

namespace skiff::ldcache {
namespace {

constexpr std::size_t kMaxDigitRun = 9;

std::optional<std::string> refusal(const Injection& in) {
    if (in.key.empty() || in.key.find('/') != std::string::npos)
        return "injected key '" + in.key + "' is not a file name";
    if (in.key.find('\0') != std::string::npos || in.value.find('\0') != std::string::npos)
        return "injected key '" + in.key + "' contains a NUL byte";
    if (longest_digit_run(in.key) > kMaxDigitRun)
        return "injected key '" + in.key + "' has a number longer than 9 digits";
    if (!in.value.starts_with('/')) return "injected path '" + in.value + "' is not absolute";
    if (elf::is_glibc_family(in.key))
        return "'" + in.key + "' belongs to the image's glibc and is never replaced";
    return std::nullopt;
}

// Valid injections in input order, the first of each slot and glibc-hwcaps name; osversion
// and legacy hwcap zeroed. `slots` (a set over `injections`) receives each: the slots that image
// entries must give up.
std::vector<CacheEntry> accepted(const std::vector<Injection>& injections, SlotSet& slots,
                                 std::vector<std::string>& warnings) {
    std::vector<CacheEntry> out;
    out.reserve(injections.size());
    for (std::size_t i = 0; i < injections.size(); ++i) {
        const Injection& in = injections[i];
        if (auto why = refusal(in)) {
            warnings.push_back(*why + "; not added to ld.so.cache");
            continue;
        }
        if (!slots.insert(i)) {
            warnings.push_back("'" + in.key + "' is injected twice; '" + in.value + "' ignored");
            continue;
        }
        CacheEntry& e = out.emplace_back(in);
        e.osversion = 0;
        e.hwcap = 0;
    }
    return out;
}

std::vector<CacheEntry> image_entries(std::optional<std::string_view> bytes, const ArchInfo& arch,
                                      std::vector<std::string>& warnings) {
    if (!bytes) return {};
    auto parsed = read_cache(*bytes, arch.byte_order);
    if (!parsed) {
        warnings.push_back(parsed.error().message + "; the image's ld.so.cache is ignored");
        return {};
    }
    warnings.insert(warnings.end(), parsed->warnings.begin(), parsed->warnings.end());
    return std::move(parsed->entries);
}

// Positions of `entries` in the loader's order, ties in input order: sorting 4-byte indices
// instead of moving entries.
std::vector<std::uint32_t> sorted_order(const std::vector<CacheEntry>& entries, bool char_signed) {
    std::vector<std::uint32_t> order(entries.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return entry_before(entries[a], entries[b], char_signed);
    });
    return order;
}

// Kept image entries are usually sorted already: then a stable merge suffices (O(n + k log k)),
// an image entry first on a tie.
std::vector<CacheEntry> combine(std::vector<CacheEntry> kept, std::vector<CacheEntry> added,
                                bool char_signed) {
    std::vector<std::uint32_t> order = sorted_order(added, char_signed);
    if (first_unsorted(kept, char_signed)) {
        for (std::uint32_t i : order) kept.push_back(std::move(added[i]));
        sort_entries(kept, char_signed);
        return kept;
    }
    std::vector<CacheEntry> out;
    out.reserve(kept.size() + added.size());
    std::size_t k = 0;
    for (std::uint32_t i : order) {
        while (k < kept.size() && !entry_before(added[i], kept[k], char_signed))
            out.push_back(std::move(kept[k++]));
        out.push_back(std::move(added[i]));
    }
    std::move(kept.begin() + static_cast<std::ptrdiff_t>(k), kept.end(), std::back_inserter(out));
    return out;
}

Result<void> self_check(const std::string& bytes, const std::vector<CacheEntry>& entries,
                        const ArchInfo& arch) {
    auto same = reads_back_as(bytes, arch.byte_order, entries, "generated ld.so.cache");
    if (!same) return Unexpected(same.error());
    if (!*same) return fail("generated ld.so.cache does not read back identically (internal error)");
    // What was read back equals `entries`, so their order is the file's.
    if (auto at = first_unsorted(entries, arch.char_signed))
        return fail("generated ld.so.cache is mis-sorted at entry " + std::to_string(*at) +
                    " (internal error)");
    return {};
}

}  // namespace

Result<MergeResult> merge_cache(std::optional<std::string_view> image_cache,
                                const std::vector<Injection>& injections, const ArchInfo& arch,
                                const WriteOptions& options) {
    MergeResult out;
    SlotSet injected(injections);
    std::vector<CacheEntry> added = accepted(injections, injected, out.warnings);

    std::vector<CacheEntry> kept = image_entries(image_cache, arch, out.warnings);
    out.image_replaced = std::erase_if(kept, [&](const CacheEntry& e) { return injected.has_slot(e); });
    out.image_kept = kept.size();
    out.entries = combine(std::move(kept), std::move(added), arch.char_signed);

    auto bytes = serialize_cache(out.entries, arch, options);
    if (!bytes) return Unexpected(bytes.error());
    if (auto r = self_check(*bytes, out.entries, arch); !r) return Unexpected(r.error());
    out.bytes = std::move(*bytes);
    return out;
}

}  // namespace skiff::ldcache
