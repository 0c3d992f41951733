#include "libfabric-bind/cache_writer.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "libfabric-bind/byte_io.hpp"
#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/string_table.hpp"

namespace skiff::ldcache {
namespace {

constexpr std::uint64_t kMaxFile = UINT32_MAX;

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

Result<void> validate(const CacheEntry& e) {
    if (e.key.empty()) return fail("ld.so.cache entry for '" + e.value + "' has an empty key");
    if (has_nul(e.key) || has_nul(e.value) || (e.hwcaps && has_nul(*e.hwcaps)))
        return fail("ld.so.cache entry '" + e.key + "' contains a NUL byte");
    if (e.hwcaps && e.hwcaps->empty())
        return fail("ld.so.cache entry '" + e.key + "' has an empty glibc-hwcaps name");
    if (e.isa_level > kIsaLevelMask)
        return fail(fmt::format("ld.so.cache entry '{}': ISA level {} is too high", e.key,
                                e.isa_level));
    return {};
}

// glibc-hwcaps subdirectory names in use, sorted by strcmp, mapped to their section index.
std::map<std::string, std::uint32_t> hwcaps_indices(const std::vector<CacheEntry>& entries) {
    std::vector<std::string> names;
    for (const auto& e : entries)
        if (e.hwcaps) names.push_back(*e.hwcaps);
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        return std::strcmp(a.c_str(), b.c_str()) < 0;
    });
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::map<std::string, std::uint32_t> out;
    for (std::size_t i = 0; i < names.size(); ++i) out.emplace(names[i], static_cast<std::uint32_t>(i));
    return out;
}

// Offsets: key of entry i at [2i], its value at [2i + 1], then the hwcaps names in map order.
StringOffsets entry_strings(const std::vector<CacheEntry>& entries,
                            const std::map<std::string, std::uint32_t>& hwcaps) {
    std::vector<std::string_view> strings;
    strings.reserve(entries.size() * 2 + hwcaps.size());
    for (const auto& e : entries) {
        strings.push_back(e.key);
        strings.push_back(e.value);
    }
    for (const auto& [name, index] : hwcaps) strings.push_back(name);
    return layout_string_offsets(strings);
}

std::uint64_t hwcap_field(const CacheEntry& e, const std::map<std::string, std::uint32_t>& hwcaps) {
    if (!e.hwcaps) return e.hwcap;
    return kHwcapExtension | (std::uint64_t{e.isa_level} << kIsaLevelShift) | hwcaps.at(*e.hwcaps);
}

void write_header(binio::ByteWriter& w, std::size_t nlibs, std::size_t len_strings,
                  const ArchInfo& arch, std::uint32_t extension_offset) {
    w.bytes(kNewMagic);
    w.u32(static_cast<std::uint32_t>(nlibs));
    w.u32(static_cast<std::uint32_t>(len_strings));
    w.u8(arch.byte_order == std::endian::little ? kEndianLittle : kEndianBig);
    w.zeros(3);
    w.u32(extension_offset);
    w.zeros(12);
}

// Directory [generator, glibc-hwcaps?], then the hwcaps array, then the generator bytes, the
// order ldconfig uses (elf/cache.c write_extensions).
void write_extension(binio::ByteWriter& w, const WriteOptions& options,
                     const std::map<std::string, std::uint32_t>& hwcaps,
                     const StringOffsets& strings, std::size_t nentries, std::uint32_t strings_base) {
    std::uint32_t start = static_cast<std::uint32_t>(w.size());
    std::uint32_t count = hwcaps.empty() ? 1 : 2;
    std::uint32_t data = start + static_cast<std::uint32_t>(kExtensionHeader + kExtensionSection * count);
    std::uint32_t hwcaps_size = static_cast<std::uint32_t>(4 * hwcaps.size());
    w.u32(kExtensionMagic);
    w.u32(count);
    w.u32(kTagGenerator);
    w.u32(0);
    w.u32(data + hwcaps_size);
    w.u32(static_cast<std::uint32_t>(options.generator.size()));
    if (!hwcaps.empty()) {
        w.u32(kTagGlibcHwcaps);
        w.u32(0);
        w.u32(data);
        w.u32(hwcaps_size);
    }
    std::vector<std::uint32_t> array(hwcaps.size());
    std::size_t position = 2 * nentries;
    for (const auto& [name, index] : hwcaps) array[index] = strings_base + strings.at[position++];
    for (std::uint32_t offset : array) w.u32(offset);
    w.bytes(options.generator);
}

}  // namespace

Result<std::string> serialize_cache(const std::vector<CacheEntry>& entries, const ArchInfo& arch,
                                    const WriteOptions& options) {
    for (const auto& e : entries)
        if (auto r = validate(e); !r) return Unexpected(r.error());
    auto hwcaps = hwcaps_indices(entries);
    if (!hwcaps.empty() && !options.extension)
        return fail("ld.so.cache: glibc-hwcaps entries need the extension section");
    StringOffsets strings = entry_strings(entries, hwcaps);
    std::uint64_t strings_base = kHeaderSize + std::uint64_t{kEntrySize} * entries.size();
    std::uint64_t strings_end = strings_base + strings.bytes.size();
    std::uint64_t ext_offset = (strings_end + 3) / 4 * 4;
    std::uint64_t total = ext_offset + kExtensionHeader + 2 * kExtensionSection +
                          4 * hwcaps.size() + options.generator.size();
    if (total > kMaxFile) return fail("ld.so.cache would exceed 4 GiB");

    binio::ByteWriter w(arch.byte_order);
    w.reserve(static_cast<std::size_t>(total));  // one allocation, no regrowth
    write_header(w, entries.size(), strings.bytes.size(), arch,
                 options.extension ? static_cast<std::uint32_t>(ext_offset) : 0);
    auto base = static_cast<std::uint32_t>(strings_base);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const CacheEntry& e = entries[i];
        w.i32(e.flags);
        w.u32(base + strings.at[2 * i]);
        w.u32(base + strings.at[2 * i + 1]);
        w.u32(e.osversion);
        w.u64(hwcap_field(e, hwcaps));
    }
    w.bytes(strings.bytes);
    if (options.extension) {
        w.zeros(static_cast<std::size_t>(ext_offset - strings_end));
        write_extension(w, options, hwcaps, strings, entries.size(), base);
    }
    return w.take();
}

Result<std::string> write_cache(std::vector<CacheEntry> entries, const ArchInfo& arch,
                                const WriteOptions& options) {
    sort_entries(entries, arch.char_signed);
    return serialize_cache(entries, arch, options);
}

}  // namespace skiff::ldcache
