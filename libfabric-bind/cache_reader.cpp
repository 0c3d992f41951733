#include "libfabric-bind/cache_reader.hpp"

#include <fmt/format.h>

#include "libfabric-bind/byte_io.hpp"

namespace skiff::ldcache {
namespace {

// An entry as it lies in the file: views of its strings, nothing allocated.
struct EntryView {
    std::int32_t flags = 0;
    std::string_view key, value;
    std::uint32_t osversion = 0;
    std::uint64_t hwcap = 0;
    std::optional<std::string_view> hwcaps;
    std::uint32_t isa_level = 0;
};

// Where the entries go: collected into ParsedCache::entries, or compared with expected ones.
class EntrySink {
public:
    virtual void reserve(std::size_t n) = 0;
    virtual void entry(const EntryView& e) = 0;

protected:
    ~EntrySink() = default;
};

struct Ctx {
    const binio::ByteView& v;
    const std::string& name;
    ParsedCache& out;
    EntrySink& sink;

    void warn(const std::string& what) { out.warnings.push_back(name + ": " + what); }
};

class Collect final : public EntrySink {
public:
    explicit Collect(std::vector<CacheEntry>& out) : out_(out) {}
    void reserve(std::size_t n) override { out_.reserve(n); }
    void entry(const EntryView& e) override {
        CacheEntry& c = out_.emplace_back();
        c.flags = e.flags;
        c.key = e.key;
        c.value = e.value;
        c.osversion = e.osversion;
        c.hwcap = e.hwcap;
        if (e.hwcaps) c.hwcaps = std::string(*e.hwcaps);
        c.isa_level = e.isa_level;
    }

private:
    std::vector<CacheEntry>& out_;
};

// Every field of CacheEntry, as operator== compares them.
bool same_entry(const EntryView& v, const CacheEntry& e) {
    return v.flags == e.flags && v.key == e.key && v.value == e.value && v.osversion == e.osversion &&
           v.hwcap == e.hwcap && v.hwcaps.has_value() == e.hwcaps.has_value() &&
           (!v.hwcaps || *v.hwcaps == *e.hwcaps) && v.isa_level == e.isa_level;
}

class Compare final : public EntrySink {
public:
    explicit Compare(const std::vector<CacheEntry>& expected) : expected_(expected) {}
    void reserve(std::size_t) override {}
    void entry(const EntryView& e) override {
        equal_ = equal_ && seen_ < expected_.size() && same_entry(e, expected_[seen_]);
        ++seen_;
    }
    bool equal() const { return equal_ && seen_ == expected_.size(); }

private:
    const std::vector<CacheEntry>& expected_;
    std::size_t seen_ = 0;
    bool equal_ = true;
};

// The glibc-hwcaps section: an array of u32 string offsets (relative to the new header).
struct HwcapsTable {
    bool valid = false;
    std::uint64_t offset = 0;
    std::uint32_t count = 0;
};

Result<void> read_section(Ctx& c, std::uint64_t at, HwcapsTable& hwcaps) {
    std::uint32_t tag = *c.v.u32(at), offset = *c.v.u32(at + 8), size = *c.v.u32(at + 12);
    if (!c.v.contains(offset, size))
        return fail(fmt::format("{}: truncated: extension section (tag {}, offset {}, {} bytes) "
                                "extends past end of file ({} bytes)", c.name, tag, offset, size,
                                c.v.size()));
    if (tag == kTagGenerator) {
        c.out.generator = std::string(*c.v.slice(offset, size));
    } else if (tag == kTagGlibcHwcaps) {
        if (size == 0 || size % 4 != 0 || offset % 4 != 0)
            c.warn("glibc-hwcaps section is empty or misaligned; ignored");
        else
            hwcaps = {true, offset, size / 4};
    }
    return {};
}

Result<HwcapsTable> read_extension(Ctx& c, std::uint64_t ext) {
    HwcapsTable hwcaps;
    if (ext == 0) return hwcaps;
    if (!c.v.contains(ext, kExtensionHeader))
        return fail(fmt::format("{}: truncated: extension directory at offset {} is past end of "
                                "file ({} bytes)", c.name, ext, c.v.size()));
    if (ext % 4 != 0 || *c.v.u32(ext) != kExtensionMagic) {
        c.warn(fmt::format("extension directory at offset {} has a bad magic or alignment; "
                           "ignored", ext));
        return hwcaps;
    }
    std::uint32_t count = *c.v.u32(ext + 4);
    if ((c.v.size() - ext - kExtensionHeader) / kExtensionSection < count)
        return fail(fmt::format("{}: truncated: extension directory lists {} sections past end "
                                "of file", c.name, count));
    for (std::uint32_t i = 0; i < count; ++i) {
        auto r = read_section(c, ext + kExtensionHeader + std::uint64_t{i} * kExtensionSection, hwcaps);
        if (!r) return Unexpected(r.error());
    }
    return hwcaps;
}

// Resolves a glibc-hwcaps entry's name and ISA level; false (with a warning) if unusable.
bool resolve_hwcaps(Ctx& c, EntryView& e, std::uint64_t raw, std::uint64_t base,
                    const HwcapsTable& hwcaps) {
    auto index = static_cast<std::uint32_t>(raw);
    std::uint64_t extra = raw & ~(kHwcapExtension | (std::uint64_t{kIsaLevelMask} << kIsaLevelShift) |
                                  UINT32_MAX);
    if (!hwcaps.valid || index >= hwcaps.count || extra != 0) {
        c.warn(fmt::format("entry '{}' has glibc-hwcaps value {:#x} without a valid section "
                           "index; dropped", e.key, raw));
        return false;
    }
    std::uint32_t off = *c.v.u32(hwcaps.offset + 4 * std::uint64_t{index});
    auto name = c.v.cstring(base + off);
    if (!name || name->empty()) {
        c.warn(fmt::format("entry '{}': glibc-hwcaps name out of range; dropped", e.key));
        return false;
    }
    e.hwcaps = *name;
    e.isa_level = static_cast<std::uint32_t>(raw >> kIsaLevelShift) & kIsaLevelMask;
    return true;
}

// Key and value strings of an entry; `base` is where string offsets count from.
bool read_strings(Ctx& c, EntryView& e, std::uint32_t key, std::uint32_t value,
                  std::uint64_t base, std::size_t index) {
    auto k = c.v.cstring(base + key);
    auto val = c.v.cstring(base + value);
    if (!k || !val || k->empty()) {
        c.warn(fmt::format("entry {} has its key or value out of range or unterminated; dropped",
                           index));
        return false;
    }
    e.key = *k;
    e.value = *val;
    return true;
}

Result<void> read_new(Ctx& c, std::uint64_t base, std::endian order) {
    const auto& v = c.v;
    if (!v.contains(base, kHeaderSize))
        return fail(fmt::format("{}: truncated: {} bytes, the header needs {}", c.name,
                                v.size() - base, kHeaderSize));
    std::uint32_t nlibs = *v.u32(base + kOffNlibs);
    std::uint32_t len_strings = *v.u32(base + kOffLenStrings);
    c.out.header_flags = *v.u8(base + kOffFlags);
    c.out.extension_offset = *v.u32(base + kOffExtension);
    std::uint8_t endian = c.out.header_flags & 3;
    std::uint8_t expected = order == std::endian::little ? kEndianLittle : kEndianBig;
    if (endian != 0 && endian != expected)
        return fail(fmt::format("{}: wrong byte order (header flags {:#x}); the loader ignores it",
                                c.name, c.out.header_flags));
    if ((v.size() - base - kHeaderSize) / kEntrySize < nlibs)
        return fail(fmt::format("{}: truncated: header says {} entries, the file has room for {}",
                                c.name, nlibs, (v.size() - base - kHeaderSize) / kEntrySize));
    std::uint64_t strings = base + kHeaderSize + std::uint64_t{kEntrySize} * nlibs;
    if (!v.contains(strings, len_strings))
        return fail(fmt::format("{}: truncated: string table ({} bytes at offset {}) extends past "
                                "end of file ({} bytes)", c.name, len_strings, strings, v.size()));
    auto hwcaps = read_extension(c, c.out.extension_offset);
    if (!hwcaps) return Unexpected(hwcaps.error());
    c.sink.reserve(nlibs);  // bounded by the file's size, checked above
    for (std::uint32_t i = 0; i < nlibs; ++i) {
        std::uint64_t at = base + kHeaderSize + std::uint64_t{kEntrySize} * i;
        EntryView e;
        e.flags = static_cast<std::int32_t>(*v.u32(at));
        if (!read_strings(c, e, *v.u32(at + 4), *v.u32(at + 8), base, i)) continue;
        e.osversion = *v.u32(at + 12);
        std::uint64_t raw = *v.u64(at + 16);
        if ((raw >> 62) == 1) {
            if (!resolve_hwcaps(c, e, raw, base, *hwcaps)) continue;
        } else {
            e.hwcap = raw;
        }
        c.sink.entry(e);
    }
    return {};
}

Result<void> read_old(Ctx& c, std::endian order) {
    const auto& v = c.v;
    if (v.size() < kOldHeaderSize)
        return fail(fmt::format("{}: truncated: {} bytes, the old header needs {}", c.name,
                                v.size(), kOldHeaderSize));
    std::uint32_t nlibs = *v.u32(12);
    if ((v.size() - kOldHeaderSize) / kOldEntrySize < nlibs)
        return fail(fmt::format("{}: truncated: old header says {} entries, the file has room "
                                "for {}", c.name, nlibs, (v.size() - kOldHeaderSize) / kOldEntrySize));
    std::uint64_t table_end = kOldHeaderSize + std::uint64_t{kOldEntrySize} * nlibs;
    std::uint64_t compat = (table_end + kCompatAlign - 1) / kCompatAlign * kCompatAlign;
    if (v.contains(compat, kHeaderSize) && *v.slice(compat, kNewMagic.size()) == kNewMagic) {
        c.out.format = CacheFormat::compat;
        return read_new(c, compat, order);
    }
    c.out.format = CacheFormat::old;
    c.sink.reserve(nlibs);
    for (std::uint32_t i = 0; i < nlibs; ++i) {
        std::uint64_t at = kOldHeaderSize + std::uint64_t{kOldEntrySize} * i;
        EntryView e;
        e.flags = static_cast<std::int32_t>(*v.u32(at));
        if (!read_strings(c, e, *v.u32(at + 4), *v.u32(at + 8), table_end, i)) continue;
        c.sink.entry(e);
    }
    return {};
}

Result<void> read_into(std::string_view bytes, std::endian target_order, const std::string& name,
                       ParsedCache& out, EntrySink& sink) {
    binio::ByteView view(bytes, target_order);
    Ctx c{view, name, out, sink};
    if (bytes.starts_with(kNewMagic)) {
        out.format = CacheFormat::new_format;
        return read_new(c, 0, target_order);
    }
    if (bytes.starts_with(kOldMagic)) return read_old(c, target_order);
    return fail(name + ": not an ld.so.cache (no known magic)");
}

}  // namespace

Result<ParsedCache> read_cache(std::string_view bytes, std::endian target_order,
                               const std::string& name) {
    ParsedCache out;
    Collect sink(out.entries);
    if (auto r = read_into(bytes, target_order, name, out, sink); !r) return Unexpected(r.error());
    return out;
}

Result<bool> reads_back_as(std::string_view bytes, std::endian target_order,
                           const std::vector<CacheEntry>& entries, const std::string& name) {
    ParsedCache out;
    Compare sink(entries);
    if (auto r = read_into(bytes, target_order, name, out, sink); !r) return Unexpected(r.error());
    return sink.equal() && out.warnings.empty();
}

}  // namespace skiff::ldcache
