// The reader on the host's /etc/ld.so.cache (ldconfig -p as the oracle), on old and compat
// layouts, and on truncated and corrupted copies.
#include <gtest/gtest.h>

#include <functional>

#include "libfabric-bind/byte_io.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/cache_writer.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

using ldtest::x86;

std::string sample_cache() {
    CacheEntry hw = ldtest::cache_entry("libz.so.1", "/l/glibc-hwcaps/x86-64-v3/libz.so.1");
    hw.hwcaps = "x86-64-v3";
    return *write_cache({ldtest::cache_entry("libz.so.1", "/l/libz.so.1"), ldtest::cache_entry("libm.so.6", "/l/libm.so.6"),
                         ldtest::cache_entry("libc.so.6", "/l/libc.so.6"), hw},
                        x86());
}

void put32(std::string& s, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

TEST(LdcacheReader, HostCacheMatchesLdconfig) {
    auto ldconfig = ldtest::find_tool("ldconfig");
    if (!ldconfig) LDCACHE_SKIP("ldconfig is not installed");
    std::string bytes = ldtest::read_file("/etc/ld.so.cache");
    if (bytes.empty()) LDCACHE_SKIP("the host has no /etc/ld.so.cache");
    auto parsed = read_cache(bytes, std::endian::little);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_TRUE(parsed->warnings.empty());
    auto listing = ldtest::ldconfig_listing(*ldconfig, "/etc/ld.so.cache");
    EXPECT_EQ(ldtest::first_difference(ldtest::ldconfig_lines(parsed->entries), listing.lines), "");
    EXPECT_EQ(parsed->generator, listing.generator);
    EXPECT_GT(parsed->entries.size(), 50u);
    // glibc's own cache obeys skiff's comparator: zero order violations.
    EXPECT_EQ(first_unsorted(parsed->entries, true), std::nullopt);
}

TEST(LdcacheReader, EveryTruncationIsAnError) {
    std::string good = sample_cache();
    ASSERT_TRUE(read_cache(good, std::endian::little));
    for (std::size_t len = 0; len < good.size(); ++len) {
        auto r = read_cache(good.substr(0, len), std::endian::little, "/img/etc/ld.so.cache");
        ASSERT_FALSE(r) << "cut at " << len;
        EXPECT_NE(r.error().message.find("/img/etc/ld.so.cache"), std::string::npos);
    }
}

TEST(LdcacheReader, HostCacheTruncationsAreErrors) {
    std::string good = ldtest::read_file("/etc/ld.so.cache");
    if (good.empty()) LDCACHE_SKIP("the host has no /etc/ld.so.cache");
    for (std::size_t len = 0; len < good.size(); len += 1 + len / 64) {
        auto r = read_cache(good.substr(0, len), std::endian::little);
        ASSERT_FALSE(r) << "cut at " << len;
    }
}

TEST(LdcacheReader, CorruptHeadersAreErrors) {
    std::string good = sample_cache();
    auto bad = [&](std::size_t at, std::uint32_t v) {
        std::string s = good;
        put32(s, at, v);
        return read_cache(s, std::endian::little);
    };
    auto huge = bad(20, 0xffffffff);
    ASSERT_FALSE(huge);
    EXPECT_NE(huge.error().message.find("truncated"), std::string::npos);
    EXPECT_FALSE(bad(24, 0xfffffff0));                  // len_strings past the end
    EXPECT_FALSE(bad(32, 0xfffffff0));                  // extension past the end
    std::string wrong = good;
    wrong[28] = 3;                                       // declares big-endian
    auto w = read_cache(wrong, std::endian::little);
    ASSERT_FALSE(w);
    EXPECT_NE(w.error().message.find("byte order"), std::string::npos);
    wrong[28] = 0;                                       // unknown byte order: accepted
    EXPECT_TRUE(read_cache(wrong, std::endian::little));
    EXPECT_FALSE(read_cache("hello world, not a cache", std::endian::little));
    EXPECT_FALSE(read_cache("", std::endian::little));
}

TEST(LdcacheReader, BadEntriesAreDroppedWithWarnings) {
    std::string good = sample_cache();
    binio::ByteView v(good, std::endian::little);
    std::uint32_t ext = *v.u32(32);
    // Entry 1's key offset past the end of the file.
    std::string s = good;
    put32(s, 48 + 24 + 4, 0x7fffffff);
    auto r = read_cache(s, std::endian::little);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->entries.size(), 3u);
    ASSERT_EQ(r->warnings.size(), 1u);
    EXPECT_NE(r->warnings[0].find("dropped"), std::string::npos);
    // A bad extension magic disables hwcaps: the hwcaps entry is dropped, the rest is kept.
    std::string m = good;
    put32(m, ext, 0x12345678);
    auto rm = read_cache(m, std::endian::little);
    ASSERT_TRUE(rm);
    EXPECT_EQ(rm->entries.size(), 3u);
    EXPECT_FALSE(rm->generator);
    EXPECT_EQ(rm->warnings.size(), 2u);
    // A hwcaps index outside the section.
    std::string h = good;
    put32(h, 48 + 16, 7);  // entry 0 is the hwcaps one (sorted first)
    auto rh = read_cache(h, std::endian::little);
    ASSERT_TRUE(rh);
    EXPECT_EQ(rh->entries.size(), 3u);
}

// The merge's self-check: any field that differs, an entry too many or too few, or an entry the
// reader drops (with a warning) makes the file not read back as the entries.
TEST(LdcacheReader, ReadsBackAsComparesEveryField) {
    std::string good = sample_cache();
    auto parsed = read_cache(good, std::endian::little);
    ASSERT_TRUE(parsed);
    const std::vector<CacheEntry> entries = parsed->entries;
    auto back = [](const std::string& bytes, const std::vector<CacheEntry>& as) -> std::optional<bool> {
        auto r = reads_back_as(bytes, std::endian::little, as, "t");
        return r ? std::optional<bool>(*r) : std::nullopt;
    };
    EXPECT_EQ(back(good, entries), true);
    std::vector<std::function<void(CacheEntry&)>> changes = {
        [](CacheEntry& e) { e.flags ^= 1; },       [](CacheEntry& e) { e.key += "x"; },
        [](CacheEntry& e) { e.value.pop_back(); }, [](CacheEntry& e) { e.osversion = 1; },
        [](CacheEntry& e) { e.hwcap = 2; },        [](CacheEntry& e) { e.isa_level = 3; },
        [](CacheEntry& e) { e.hwcaps = e.hwcaps ? std::nullopt : std::optional<std::string>("x86-64-v2"); },
    };
    for (std::size_t i = 0; i < entries.size(); ++i)
        for (std::size_t c = 0; c < changes.size(); ++c) {
            std::vector<CacheEntry> changed = entries;
            changes[c](changed[i]);
            EXPECT_EQ(back(good, changed), false) << i << " " << c;
        }
    std::vector<CacheEntry> more = entries, fewer = entries;
    more.push_back(entries.back());
    fewer.pop_back();
    EXPECT_EQ(back(good, more), false);
    EXPECT_EQ(back(good, fewer), false);
    std::string dropped = good;
    put32(dropped, 48 + 24 + 4, 0x7fffffff);  // entry 1's key past the end: dropped, warned
    std::vector<CacheEntry> without = entries;
    without.erase(without.begin() + 1);
    EXPECT_EQ(back(dropped, without), false);
    EXPECT_FALSE(reads_back_as(good.substr(0, 60), std::endian::little, entries, "t"));
}

TEST(LdcacheReader, NoExtensionIsFine) {
    auto bytes = write_cache({ldtest::cache_entry("libz.so.1", "/l/libz.so.1")}, x86(), {.generator = "", .extension = false});
    ASSERT_TRUE(bytes);
    auto r = read_cache(*bytes, std::endian::little);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->extension_offset, 0u);
    EXPECT_EQ(r->entries.size(), 1u);
    EXPECT_FALSE(r->generator);
}

// Old format: "ld.so-1.7.0", nlibs at 12, 12-byte entries from 16, strings after the table.
std::string old_cache(const std::vector<std::pair<std::string, std::string>>& libs, const std::string& tail) {
    std::string s = "ld.so-1.7.0";
    s.resize(16, '\0');
    put32(s, 12, static_cast<std::uint32_t>(libs.size()));
    std::string strings;
    for (const auto& [key, value] : libs) {
        std::size_t at = s.size();
        s.resize(at + 12, '\0');
        put32(s, at, 0x0303);
        put32(s, at + 4, static_cast<std::uint32_t>(strings.size()));
        strings += key + std::string(1, '\0');
        put32(s, at + 8, static_cast<std::uint32_t>(strings.size()));
        strings += value + std::string(1, '\0');
    }
    return s + tail + strings;
}

TEST(LdcacheReader, OldFormat) {
    std::string s = old_cache({{"libz.so.1", "/lib/libz.so.1"}, {"libc.so.6", "/lib/libc.so.6"}}, "");
    auto r = read_cache(s, std::endian::little);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->format, CacheFormat::old);
    ASSERT_EQ(r->entries.size(), 2u);
    EXPECT_EQ(r->entries[1].value, "/lib/libc.so.6");
    EXPECT_EQ(r->entries[1].hwcap, 0u);
    std::string cut = s;
    put32(cut, 12, 1000);
    EXPECT_FALSE(read_cache(cut, std::endian::little));
}

TEST(LdcacheReader, CompatFormat) {
    // Old table of 1 entry (16 + 12 = 28 bytes), padding to 32, then a complete new cache.
    std::string inner = *write_cache({ldtest::cache_entry("libnew.so.2", "/n/libnew.so.2")}, x86(), {.generator = "", .extension = false});
    std::string s = "ld.so-1.7.0";
    s.resize(16, '\0');
    put32(s, 12, 1);
    s.resize(32, '\0');
    put32(s, 16, 0x0303);
    put32(s, 20, 0xffff);  // old-table offsets are not used when the new table exists
    put32(s, 24, 0xffff);
    s += inner;
    auto r = read_cache(s, std::endian::little);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->format, CacheFormat::compat);
    ASSERT_EQ(r->entries.size(), 1u);
    EXPECT_EQ(r->entries[0].key, "libnew.so.2");
    EXPECT_EQ(r->entries[0].value, "/n/libnew.so.2");
}

TEST(LdcacheReader, LdconfigOldAndCompatOutputs) {
    auto ldconfig = ldtest::find_tool("ldconfig");
    if (!ldconfig) LDCACHE_SKIP("ldconfig is not installed");
    if (!ldtest::userns_available()) LDCACHE_SKIP("user namespaces are not available (ldconfig -r needs chroot)");
    ldtest::TempDir root;
    ldtest::make_dirs(root / "etc");
    ldtest::make_dirs(root / "opt/lib");
    ldtest::make_dirs(root / "var/cache/ldconfig");
    ldtest::write_file(root / "etc/ld.so.conf", "/opt/lib\n");
    for (std::string lib : {"libz.so.1", "libm.so.6", "libgcc_s.so.1"})
        ldtest::copy_file("/usr/lib/x86_64-linux-gnu/" + lib, root / ("opt/lib/" + lib));
    std::vector<CacheEntry> reference;
    for (std::string format : {"new", "compat", "old"}) {
        SCOPED_TRACE(format);
        auto r = ldtest::run_in_userns({}, {*ldconfig, "-r", root.path(), "-X", "-i", "-c", format,
                                            "-C", "/etc/ld.so.cache." + format});
        ASSERT_EQ(r.status, 0) << r.err;
        auto parsed = read_cache(ldtest::read_file(root / ("etc/ld.so.cache." + format)), std::endian::little);
        ASSERT_TRUE(parsed) << parsed.error().message;
        EXPECT_EQ(parsed->format, format == "new" ? CacheFormat::new_format
                                  : format == "compat" ? CacheFormat::compat : CacheFormat::old);
        auto listing = ldtest::ldconfig_listing(*ldconfig, root / ("etc/ld.so.cache." + format));
        EXPECT_EQ(ldtest::first_difference(ldtest::ldconfig_lines(parsed->entries), listing.lines), "");
        if (reference.empty()) reference = parsed->entries;
        std::vector<std::string> keys, want;
        for (const auto& e : parsed->entries) keys.push_back(e.key + "=" + e.value);
        for (const auto& e : reference) want.push_back(e.key + "=" + e.value);
        EXPECT_EQ(keys, want);
        EXPECT_EQ(parsed->entries.size(), 3u);
    }
}

TEST(LdcacheReader, FuzzNeverCrashes) {
    std::string good = sample_cache();
    std::string host = ldtest::read_file("/etc/ld.so.cache");
    ldtest::Lcg rng{99};
    auto next = [&] { return rng.next(); };
    for (const std::string* base : {&good, &host}) {
        if (base->empty()) continue;
        int rounds = base == &good ? 5000 : 600;
        for (int round = 0; round < rounds; ++round) {
            std::string s = *base;
            int flips = 1 + static_cast<int>(next() % 6);
            std::size_t window = round % 2 ? s.size() : std::min<std::size_t>(s.size(), 256);
            for (int i = 0; i < flips; ++i) s[next() % window] = static_cast<char>(next() & 0xff);
            auto r = read_cache(s, std::endian::little);
            if (r) {
                // Whatever survives must be writable again.
                auto again = write_cache(r->entries, x86());
                EXPECT_TRUE(again) << again.error().message;
            }
        }
    }
}

}  // namespace
}  // namespace skiff::ldcache
