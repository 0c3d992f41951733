#include "libfabric-bind/cache_merge.hpp"

#include <algorithm>
#include <iterator>
#include <unordered_set>

#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/glibc_version.hpp"

namespace skiff::ldcache {
namespace {

constexpr std::size_t kMaxDigitRun = 9;

// Identity of a lookup slot: libcmp-equal key and equal flags.
std::string slot(const CacheEntry& e) { return std::to_string(e.flags) + ":" + libcmp_key(e.key); }

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

// Valid injections in input order, the first of each slot; osversion/legacy hwcap zeroed.
// `replaced` receives the slot of each, which image entries must give up.
std::vector<CacheEntry> accepted(const std::vector<Injection>& injections,
                                 std::unordered_set<std::string>& replaced,
                                 std::vector<std::string>& warnings) {
    std::vector<CacheEntry> out;
    out.reserve(injections.size());
    std::unordered_set<std::string> seen;
    for (const auto& in : injections) {
        if (auto why = refusal(in)) {
            warnings.push_back(*why + "; not added to ld.so.cache");
            continue;
        }
        std::string s = slot(in);
        if (!seen.insert(in.hwcaps ? s + "/" + *in.hwcaps : s).second) {
            warnings.push_back("'" + in.key + "' is injected twice; '" + in.value + "' ignored");
            continue;
        }
        replaced.insert(std::move(s));
        CacheEntry e = in;
        e.osversion = 0;
        e.hwcap = 0;
        out.push_back(std::move(e));
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

// Kept image entries are usually sorted already: then a stable merge suffices (O(n + k log k)).
std::vector<CacheEntry> combine(std::vector<CacheEntry> kept, std::vector<CacheEntry> added,
                                bool char_signed) {
    sort_entries(added, char_signed);
    auto before = [char_signed](const CacheEntry& a, const CacheEntry& b) {
        return entry_before(a, b, char_signed);
    };
    std::vector<CacheEntry> out;
    out.reserve(kept.size() + added.size());
    if (first_unsorted(kept, char_signed)) {
        out = std::move(kept);
        std::move(added.begin(), added.end(), std::back_inserter(out));
        sort_entries(out, char_signed);
        return out;
    }
    std::merge(std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()),
               std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()),
               std::back_inserter(out), before);
    return out;
}

Result<void> self_check(const std::string& bytes, const std::vector<CacheEntry>& entries,
                        const ArchInfo& arch) {
    auto parsed = read_cache(bytes, arch.byte_order, "generated ld.so.cache");
    if (!parsed) return Unexpected(parsed.error());
    if (parsed->entries != entries || !parsed->warnings.empty())
        return fail("generated ld.so.cache does not read back identically (internal error)");
    if (auto at = first_unsorted(parsed->entries, arch.char_signed))
        return fail("generated ld.so.cache is mis-sorted at entry " + std::to_string(*at) +
                    " (internal error)");
    return {};
}

}  // namespace

Result<MergeResult> merge_cache(std::optional<std::string_view> image_cache,
                                const std::vector<Injection>& injections, const ArchInfo& arch,
                                const WriteOptions& options) {
    MergeResult out;
    std::unordered_set<std::string> replaced;
    std::vector<CacheEntry> added = accepted(injections, replaced, out.warnings);

    std::vector<CacheEntry> kept;
    for (auto& e : image_entries(image_cache, arch, out.warnings)) {
        if (replaced.count(slot(e))) ++out.image_replaced;
        else kept.push_back(std::move(e));
    }
    out.image_kept = kept.size();
    out.entries = combine(std::move(kept), std::move(added), arch.char_signed);

    auto bytes = serialize_cache(out.entries, arch, options);
    if (!bytes) return Unexpected(bytes.error());
    if (auto r = self_check(*bytes, out.entries, arch); !r) return Unexpected(r.error());
    out.bytes = std::move(*bytes);
    return out;
}

}  // namespace skiff::ldcache
