// glibc's /etc/ld.so.cache: constants of the on-disk formats and the in-memory entry
// (ldcache.md §2; glibc sysdeps/generic/dl-cache.h). All integers are in the target's byte order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::ldcache {

// New format (glibc >= 2.32 default): 48-byte header, 24-byte entries, then the strings.
inline constexpr std::string_view kNewMagic = "glibc-ld.so.cache1.1";  // no NUL, 20 bytes
inline constexpr std::size_t kHeaderSize = 48;
inline constexpr std::size_t kEntrySize = 24;
inline constexpr std::size_t kOffNlibs = 20;
inline constexpr std::size_t kOffLenStrings = 24;
inline constexpr std::size_t kOffFlags = 28;
inline constexpr std::size_t kOffExtension = 32;

// Header `flags` byte, low two bits: byte order of the file (0 = unknown, accepted).
inline constexpr std::uint8_t kEndianLittle = 2;
inline constexpr std::uint8_t kEndianBig = 3;

// Old format ("libc5"), alone or with a new table embedded after it ("compat", <= 2.31).
inline constexpr std::string_view kOldMagic = "ld.so-1.7.0";  // 11 bytes, nlibs at 12
inline constexpr std::size_t kOldHeaderSize = 16;
inline constexpr std::size_t kOldEntrySize = 12;
inline constexpr std::size_t kCompatAlign = 8;  // __alignof__(struct cache_file_new)

// Extension directory (glibc >= 2.33).
inline constexpr std::uint32_t kExtensionMagic = 0xEAA42174;
inline constexpr std::uint32_t kTagGenerator = 0;
inline constexpr std::uint32_t kTagGlibcHwcaps = 1;
inline constexpr std::size_t kExtensionHeader = 8;    // magic, count
inline constexpr std::size_t kExtensionSection = 16;  // tag, flags, offset, size

// Entry `hwcap`: bit 62 marks a glibc-hwcaps entry, bits 32..41 its x86 ISA level, bits 0..31
// the index into the glibc-hwcaps section. Other non-zero values are legacy hwcaps.
inline constexpr std::uint64_t kHwcapExtension = std::uint64_t{1} << 62;
inline constexpr std::uint32_t kIsaLevelMask = 0x3ff;
inline constexpr unsigned kIsaLevelShift = 32;

struct CacheEntry {
    std::int32_t flags = 0;
    std::string key;    // the lookup name (SONAME)
    std::string value;  // the absolute path the loader opens
    std::uint32_t osversion = 0;
    std::uint64_t hwcap = 0;  // legacy hwcap bits (plain entries only), kept verbatim
    // glibc-hwcaps subdirectory name ("x86-64-v3") for glibc-hwcaps entries; the writer assigns
    // the index bits, `isa_level` goes to bits 32..41.
    std::optional<std::string> hwcaps;
    std::uint32_t isa_level = 0;

    bool operator==(const CacheEntry&) const = default;
};

enum class CacheFormat { new_format, compat, old };

struct ParsedCache {
    CacheFormat format = CacheFormat::new_format;
    std::vector<CacheEntry> entries;         // in file order
    std::optional<std::string> generator;    // extension tag 0
    std::uint8_t header_flags = 0;
    std::uint32_t extension_offset = 0;
    std::vector<std::string> warnings;       // dropped entries, ignored extension data
};

}  // namespace skiff::ldcache
