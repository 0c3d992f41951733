// Header bytes, the flags table, the string layout and the extension section of the writer.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "libfabric-bind/byte_io.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/cache_writer.hpp"
#include "libfabric-bind/string_table.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

using ldtest::x86;

std::vector<CacheEntry> sample() {
    return {ldtest::cache_entry("libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"),
            ldtest::cache_entry("libfoo.so.9", "/opt/x/libfoo.so.9"), ldtest::cache_entry("libfoo.so.10", "/opt/x/libfoo.so.10")};
}

TEST(LdcacheArch, TableMatchesTheSpec) {
    struct Row {
        const char* uname;
        std::uint16_t machine;
        std::int32_t flags;
        bool sgn;
        bool supported;
    };
    for (Row r : {Row{"x86_64", 62, 0x0303, true, true}, Row{"aarch64", 183, 0x0a03, false, true},
                  Row{"ppc64le", 21, 0x0503, false, false}, Row{"s390x", 22, 0x0403, false, false},
                  Row{"riscv64", 243, 0x1003, false, false}}) {
        const ArchInfo* a = arch_by_uname(r.uname);
        ASSERT_NE(a, nullptr) << r.uname;
        EXPECT_EQ(a->e_machine, r.machine);
        EXPECT_EQ(a->cache_flags, r.flags);
        EXPECT_EQ(a->char_signed, r.sgn);
        EXPECT_EQ(a->supported, r.supported);
        EXPECT_EQ(arch_by_elf(r.machine, true, a->byte_order), a);
        EXPECT_EQ(arch_by_cache_flags(r.flags), a);
        EXPECT_EQ(a->cache_flags & 0xff, kFlagElfLibc6);
    }
    EXPECT_EQ(arch_by_uname("s390x")->byte_order, std::endian::big);
    EXPECT_EQ(arch_by_elf(62, false, std::endian::little), nullptr);  // 32-bit: never a target
    EXPECT_EQ(arch_by_uname("x86_64")->glibc_loader, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_EQ(arch_by_uname("aarch64")->musl_loader, "/lib/ld-musl-aarch64.so.1");
    EXPECT_EQ(&host_arch(), arch_by_uname("x86_64"));
}

TEST(LdcacheArch, ForeignAndUnsupportedTargetsAreRefused) {
    auto r = check_target(*arch_by_uname("aarch64"), x86());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("image is aarch64, node is x86_64"), std::string::npos);
    EXPECT_TRUE(check_target(x86(), x86()));
    auto s390 = check_target(*arch_by_uname("s390x"), *arch_by_uname("s390x"));
    ASSERT_FALSE(s390);
    EXPECT_NE(s390.error().message.find("not supported"), std::string::npos);
}

TEST(LdcacheWriter, HeaderBytes) {
    auto bytes = write_cache(sample(), x86(), {.generator = "skiff test"});
    ASSERT_TRUE(bytes) << bytes.error().message;
    binio::ByteView v(*bytes, std::endian::little);
    EXPECT_EQ(bytes->substr(0, 20), "glibc-ld.so.cache1.1");
    EXPECT_EQ(*v.u32(20), 3u);                        // nlibs
    std::uint32_t len_strings = *v.u32(24);
    EXPECT_EQ(*v.u8(28), 2);                          // little-endian
    EXPECT_EQ(bytes->substr(29, 3), std::string(3, '\0'));
    std::uint32_t ext = *v.u32(32);
    EXPECT_EQ(ext % 4, 0u);
    EXPECT_EQ(ext, (48 + 3 * 24 + len_strings + 3) / 4 * 4);
    EXPECT_EQ(bytes->substr(36, 12), std::string(12, '\0'));
    for (int i = 0; i < 3; ++i) {
        std::size_t at = 48 + 24 * static_cast<std::size_t>(i);
        EXPECT_EQ(*v.u32(at), 0x0303u);
        EXPECT_EQ(*v.u32(at + 12), 0u);  // osversion
        EXPECT_EQ(*v.u64(at + 16), 0u);  // hwcap
    }
    // Extension: magic, one section (generator) right after the directory.
    EXPECT_EQ(*v.u32(ext), 0xEAA42174u);
    EXPECT_EQ(*v.u32(ext + 4), 1u);
    EXPECT_EQ(*v.u32(ext + 8), 0u);
    EXPECT_EQ(*v.u32(ext + 16), ext + 24);
    EXPECT_EQ(*v.u32(ext + 20), 10u);
    EXPECT_EQ(bytes->substr(ext + 24), "skiff test");
    EXPECT_EQ(bytes->size(), ext + 24 + 10);
}

TEST(LdcacheWriter, OrderAndRoundTrip) {
    auto bytes = write_cache(sample(), x86());
    ASSERT_TRUE(bytes);
    auto parsed = read_cache(*bytes, std::endian::little);
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->entries.size(), 3u);
    EXPECT_EQ(parsed->entries[0].key, "libz.so.1");
    EXPECT_EQ(parsed->entries[1].key, "libfoo.so.10");  // .so.10 before .so.9: descending
    EXPECT_EQ(parsed->entries[2].key, "libfoo.so.9");
    EXPECT_EQ(parsed->generator, "skiff " SKIFF_VERSION);
    EXPECT_TRUE(parsed->warnings.empty());
    // Deterministic.
    EXPECT_EQ(*bytes, *write_cache(sample(), x86()));
}

TEST(LdcacheWriter, StringTableSharesSuffixes) {
    std::string path = "/lib/x86_64-linux-gnu/libz.so.1";
    std::vector<std::string_view> zlib = {"libz.so.1", path, "libz.so.1"};
    StringOffsets t = layout_string_offsets(zlib);
    EXPECT_EQ(t.bytes, path + std::string(1, '\0'));
    EXPECT_EQ(t.at[1], 0u);
    EXPECT_EQ(t.at[0], path.size() - 9);
    // Reversed-byte order, descending; longer first on a common suffix.
    std::vector<std::string_view> short_ones = {"ab", "b", "zb", "a"};
    StringOffsets u = layout_string_offsets(short_ones);
    EXPECT_EQ(u.bytes, std::string("zb\0ab\0a\0", 8));
    EXPECT_EQ(u.at[1], 4u);
    EXPECT_TRUE(layout_string_offsets({}).bytes.empty());
}

TEST(LdcacheWriter, StringOffsetsByPosition) {
    // Bytes compare unsigned from the end, eight at a time: 0xff ranks above 0x01 even when the
    // difference sits inside a word, and duplicates get the same offset.
    std::string high = std::string(10, 'a') + "\xff" + "1234567";
    std::string low = std::string(10, 'a') + "\x01" + "1234567";
    std::vector<std::string_view> strings = {low, "4567", high, low, "567"};
    StringOffsets t = layout_string_offsets(strings);
    EXPECT_EQ(t.bytes, high + '\0' + low + '\0');
    EXPECT_EQ(t.at, (std::vector<std::uint32_t>{19, 33, 0, 19, 34}));
}

// ldconfig's layout written the plain way (elf/stringtable.c): sort by reversed bytes,
// descending, longer first; drop duplicates; share the tail of the string just before.
std::map<std::string, std::uint32_t> reference_layout(std::vector<std::string> strings) {
    auto first = [](const std::string& l, const std::string& r) {
        std::string lr(l.rbegin(), l.rend()), rr(r.rbegin(), r.rend());
        for (std::size_t i = 0; i < lr.size() && i < rr.size(); ++i)
            if (lr[i] != rr[i]) return static_cast<unsigned char>(lr[i]) > static_cast<unsigned char>(rr[i]);
        return l.size() > r.size();
    };
    std::sort(strings.begin(), strings.end(), first);
    strings.erase(std::unique(strings.begin(), strings.end()), strings.end());
    std::map<std::string, std::uint32_t> out;
    std::uint32_t offset = 0;
    for (std::size_t j = 0; j < strings.size(); ++j) {
        if (j > 0) {
            const std::string& prev = strings[j - 1];
            bool tail = prev.ends_with(strings[j]);
            offset += static_cast<std::uint32_t>(tail ? prev.size() - strings[j].size() : prev.size() + 1);
        }
        out[strings[j]] = offset;
    }
    return out;
}

TEST(LdcacheWriter, StringOffsetsMatchTheReferenceOnRandomStrings) {
    const std::string alphabet = "ab.1\x7f\x80\xff";
    ldtest::Lcg rng{7};
    auto next = [&] { return rng.next(); };
    for (int round = 0; round < 2000; ++round) {
        std::vector<std::string> owned(next() % 20);
        for (auto& s : owned)
            for (std::size_t n = next() % 19; n > 0; --n) s.push_back(alphabet[next() % alphabet.size()]);
        std::vector<std::string_view> views(owned.begin(), owned.end());
        StringOffsets got = layout_string_offsets(views);
        auto want = reference_layout(owned);
        for (std::size_t i = 0; i < owned.size(); ++i) ASSERT_EQ(got.at[i], want.at(owned[i])) << round << " " << i;
    }
}

TEST(LdcacheWriter, HwcapsSection) {
    std::vector<CacheEntry> entries = sample();
    CacheEntry v3 = ldtest::cache_entry("libz.so.1", "/lib/glibc-hwcaps/x86-64-v3/libz.so.1.3");
    v3.hwcaps = "x86-64-v3";
    v3.isa_level = 3;
    CacheEntry v2 = ldtest::cache_entry("libz.so.1", "/lib/glibc-hwcaps/x86-64-v2/libz.so.1.3");
    v2.hwcaps = "x86-64-v2";
    entries.push_back(v3);
    entries.push_back(v2);
    auto bytes = write_cache(entries, x86());
    ASSERT_TRUE(bytes);
    binio::ByteView v(*bytes, std::endian::little);
    // hwcaps entries first among equal keys, then by name; index into the sorted names.
    EXPECT_EQ(*v.u64(48 + 16), (1ULL << 62) | 0);                       // x86-64-v2 -> index 0
    EXPECT_EQ(*v.u64(48 + 24 + 16), (1ULL << 62) | (3ULL << 32) | 1);  // x86-64-v3 -> index 1
    auto parsed = read_cache(*bytes, std::endian::little);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->entries[0].hwcaps, "x86-64-v2");
    EXPECT_EQ(parsed->entries[1].hwcaps, "x86-64-v3");
    EXPECT_EQ(parsed->entries[1].isa_level, 3u);
    EXPECT_FALSE(parsed->entries[2].hwcaps);
    EXPECT_FALSE(write_cache(entries, x86(), {.generator = "g", .extension = false}));
}

TEST(LdcacheWriter, BigEndianTarget) {
    const ArchInfo& s390 = *arch_by_uname("s390x");
    auto bytes = write_cache({ldtest::cache_entry("libz.so.1", "/lib/libz.so.1", s390.cache_flags)}, s390);
    ASSERT_TRUE(bytes);
    EXPECT_EQ((*bytes)[28], 3);                                      // big-endian flag
    EXPECT_EQ(bytes->substr(20, 4), std::string("\0\0\0\1", 4));    // nlibs = 1, BE
    auto parsed = read_cache(*bytes, std::endian::big);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->entries[0].flags, 0x0403);
    EXPECT_FALSE(read_cache(*bytes, std::endian::little));          // wrong order: refused
}

TEST(LdcacheWriter, RejectsBadEntries) {
    EXPECT_FALSE(write_cache({ldtest::cache_entry("", "/x")}, x86()));
    EXPECT_FALSE(write_cache({ldtest::cache_entry(std::string("a\0b", 3), "/x")}, x86()));
    CacheEntry isa = ldtest::cache_entry("libz.so.1", "/x");
    isa.hwcaps = "x86-64-v3";
    isa.isa_level = 0x400;
    EXPECT_FALSE(write_cache({isa}, x86()));
}

TEST(LdcacheWriter, LdconfigPrintsIt) {
    auto ldconfig = ldtest::find_tool("ldconfig");
    if (!ldconfig) LDCACHE_SKIP("ldconfig is not installed");
    ldtest::TempDir tmp;
    std::vector<CacheEntry> entries = sample();
    CacheEntry v3 = ldtest::cache_entry("libz.so.1", "/lib/glibc-hwcaps/x86-64-v3/libz.so.1.3");
    v3.hwcaps = "x86-64-v3";
    entries.push_back(v3);
    auto bytes = write_cache(entries, x86(), {.generator = "skiff 0.1.0"});
    ASSERT_TRUE(bytes);
    ldtest::write_file(tmp / "cache", *bytes);
    auto listing = ldtest::ldconfig_listing(*ldconfig, tmp / "cache");
    EXPECT_EQ(listing.generator, "skiff 0.1.0") << listing.raw;
    std::vector<std::string> want = {
        "\tlibz.so.1 (libc6,x86-64, hwcap: \"x86-64-v3\") => /lib/glibc-hwcaps/x86-64-v3/libz.so.1.3",
        "\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1",
        "\tlibfoo.so.10 (libc6,x86-64) => /opt/x/libfoo.so.10",
        "\tlibfoo.so.9 (libc6,x86-64) => /opt/x/libfoo.so.9"};
    EXPECT_EQ(listing.lines, want) << listing.raw;
    // aarch64 flags decode as AArch64 on any host.
    auto arm = write_cache({ldtest::cache_entry("libz.so.1", "/lib/libz.so.1", 0x0a03)}, *arch_by_uname("aarch64"));
    ldtest::write_file(tmp / "arm", *arm);
    EXPECT_EQ(ldtest::ldconfig_listing(*ldconfig, tmp / "arm").lines,
              std::vector<std::string>{"\tlibz.so.1 (libc6,AArch64) => /lib/libz.so.1"});
}

}  // namespace
}  // namespace skiff::ldcache
