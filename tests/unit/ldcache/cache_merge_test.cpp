// Merging injections into an image cache (ldcache.md §3): precedence, refusals, linear cost.
#include <gtest/gtest.h>

#include <algorithm>


#include "libfabric-bind/cache_merge.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/cache_writer.hpp"
#include "libfabric-bind/linker_config.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

using ldtest::x86;

CacheEntry entry(std::string key, std::string value, std::int32_t flags = 0x0303,
                 std::optional<std::string> hwcaps = {}) {
    CacheEntry e;
    e.key = std::move(key);
    e.value = std::move(value);
    e.flags = flags;
    e.hwcaps = std::move(hwcaps);
    return e;
}

std::string image_cache() {
    return *write_cache({entry("libfabric.so.1", "/usr/lib/libfabric.so.1"),
                         entry("libfabric.so.1", "/usr/lib/glibc-hwcaps/x86-64-v3/libfabric.so.1", 0x0303, "x86-64-v3"),
                         entry("libfabric.so.1", "/usr/lib32/libfabric.so.1", 0x0003),
                         entry("libc.so.6", "/usr/lib/libc.so.6"),
                         entry("libm.so.6", "/usr/lib/libm.so.6"),
                         entry("libfoo.so.1", "/usr/lib/libfoo.so.1"),
                         entry("libz.so.1", "/usr/lib/libz.so.1")},
                        x86());
}

std::vector<std::string> values_of(const std::vector<CacheEntry>& entries, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& e : entries)
        if (e.key == key) out.push_back(e.value);
    return out;
}

TEST(LdcacheMerge, InjectedLibrariesWin) {
    std::string image = image_cache();
    auto r = merge_cache(image, {entry("libfabric.so.1", "/opt/skiff/lib/libfabric.so.1.21.0"),
                                 entry("libfoo.so.01", "/opt/skiff/lib/libfoo.so.1")},
                         x86());
    ASSERT_TRUE(r) << r.error().message;
    // Plain and hwcaps copies with the same flags are gone; the i386 entry (other flags) stays.
    EXPECT_EQ(values_of(r->entries, "libfabric.so.1"),
              (std::vector<std::string>{"/opt/skiff/lib/libfabric.so.1.21.0", "/usr/lib32/libfabric.so.1"}));
    // libcmp-equal keys ("01" == "1") replace too.
    EXPECT_TRUE(values_of(r->entries, "libfoo.so.1").empty());
    EXPECT_EQ(values_of(r->entries, "libfoo.so.01"), std::vector<std::string>{"/opt/skiff/lib/libfoo.so.1"});
    EXPECT_EQ(r->image_replaced, 3u);
    EXPECT_EQ(r->image_kept, 4u);
    auto parsed = read_cache(r->bytes, std::endian::little);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->entries, r->entries);
    EXPECT_EQ(first_unsorted(parsed->entries, true), std::nullopt);
    // The hwcaps section is rebuilt from what is left: none.
    EXPECT_TRUE(std::none_of(parsed->entries.begin(), parsed->entries.end(),
                             [](const CacheEntry& e) { return e.hwcaps.has_value(); }));
}

TEST(LdcacheMerge, GlibcFamilyIsNeverReplaced) {
    std::string image = image_cache();
    auto r = merge_cache(image, {entry("libc.so.6", "/opt/x/libc.so.6"), entry("libm.so.6", "/opt/x/libm.so.6"),
                                 entry("ld-linux-x86-64.so.2", "/opt/x/ld.so"),
                                 entry("libnss_files.so.2", "/opt/x/libnss_files.so.2"),
                                 entry("libpthread.so.0", "/opt/x/libpthread.so.0")},
                         x86());
    ASSERT_TRUE(r);
    EXPECT_EQ(values_of(r->entries, "libc.so.6"), std::vector<std::string>{"/usr/lib/libc.so.6"});
    EXPECT_EQ(values_of(r->entries, "libm.so.6"), std::vector<std::string>{"/usr/lib/libm.so.6"});
    EXPECT_TRUE(values_of(r->entries, "ld-linux-x86-64.so.2").empty());
    EXPECT_EQ(r->warnings.size(), 5u);
    EXPECT_EQ(r->image_replaced, 0u);
}

TEST(LdcacheMerge, RefusalsAndDuplicates) {
    auto r = merge_cache(std::nullopt,
                         {entry("libok.so.1", "/opt/a/libok.so.1"), entry("libok.so.1", "/opt/b/libok.so.1"),
                          entry("lib/evil.so", "/opt/a/x"), entry("libbig.so.1234567890", "/opt/a/big"),
                          entry("librel.so.1", "relative/librel.so.1"), entry("", "/opt/a/empty")},
                         x86());
    ASSERT_TRUE(r);
    EXPECT_EQ(values_of(r->entries, "libok.so.1"), std::vector<std::string>{"/opt/a/libok.so.1"});
    EXPECT_EQ(r->entries.size(), 1u);
    EXPECT_EQ(r->warnings.size(), 5u);
}

// An injection's slot: flags, key by libcmp ("01" == "1") and its glibc-hwcaps name, if any.
TEST(LdcacheMerge, DuplicateInjectionsBySlot) {
    auto r = merge_cache(std::nullopt,
                         {entry("libok.so.1", "/opt/a/libok.so.1"), entry("libok.so.01", "/opt/b/libok.so.1"),
                          entry("libok.so.1", "/opt/a/lib32/libok.so.1", 0x0003),
                          entry("libok.so.1", "/opt/a/v3/libok.so.1", 0x0303, "x86-64-v3"),
                          entry("libok.so.1", "/opt/b/v3/libok.so.1", 0x0303, "x86-64-v3"),
                          entry("libok.so.1", "/opt/a/v2/libok.so.1", 0x0303, "x86-64-v2")},
                         x86());
    ASSERT_TRUE(r) << r.error().message;
    std::vector<std::string> values = values_of(r->entries, "libok.so.1");
    std::sort(values.begin(), values.end());
    EXPECT_EQ(values, (std::vector<std::string>{"/opt/a/lib32/libok.so.1", "/opt/a/libok.so.1",
                                                "/opt/a/v2/libok.so.1", "/opt/a/v3/libok.so.1"}));
    ASSERT_EQ(r->warnings.size(), 2u);
    EXPECT_EQ(r->warnings[0], "'libok.so.01' is injected twice; '/opt/b/libok.so.1' ignored");
    EXPECT_EQ(r->warnings[1], "'libok.so.1' is injected twice; '/opt/b/v3/libok.so.1' ignored");
}

TEST(LdcacheMerge, MissingOrInvalidImageCache) {
    auto none = merge_cache(std::nullopt, {entry("libx.so.1", "/opt/x/libx.so.1")}, x86());
    ASSERT_TRUE(none);
    EXPECT_EQ(none->entries.size(), 1u);
    EXPECT_TRUE(none->warnings.empty());
    std::string broken = image_cache().substr(0, 100);
    auto bad = merge_cache(broken, {entry("libx.so.1", "/opt/x/libx.so.1")}, x86());
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->entries.size(), 1u);
    ASSERT_EQ(bad->warnings.size(), 1u);
    EXPECT_NE(bad->warnings[0].find("ignored"), std::string::npos);
    // Same inputs, same bytes.
    EXPECT_EQ(merge_cache(image_cache(), {entry("libx.so.1", "/opt/x/libx.so.1")}, x86())->bytes,
              merge_cache(image_cache(), {entry("libx.so.1", "/opt/x/libx.so.1")}, x86())->bytes);
}

TEST(LdcacheMerge, KeepsImageHwcapsAndIsaBits) {
    CacheEntry hw = entry("libblas.so.3", "/usr/lib/glibc-hwcaps/x86-64-v3/libblas.so.3", 0x0303, "x86-64-v3");
    hw.isa_level = 3;
    CacheEntry legacy = entry("libold.so.1", "/usr/lib/tls/libold.so.1");
    legacy.hwcap = 1ULL << 63;
    legacy.osversion = 0x030200;
    std::string image = *write_cache({hw, entry("libblas.so.3", "/usr/lib/libblas.so.3"), legacy}, x86());
    auto r = merge_cache(image, {entry("libnew.so.1", "/opt/n/libnew.so.1")}, x86());
    ASSERT_TRUE(r);
    auto parsed = read_cache(r->bytes, std::endian::little);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->entries.size(), 4u);
    bool saw_hw = false, saw_legacy = false;
    for (const auto& e : parsed->entries) {
        if (e.hwcaps) {
            saw_hw = true;
            EXPECT_EQ(*e.hwcaps, "x86-64-v3");
            EXPECT_EQ(e.isa_level, 3u);
        }
        if (e.key == "libold.so.1") {
            saw_legacy = true;
            EXPECT_EQ(e.hwcap, 1ULL << 63);
            EXPECT_EQ(e.osversion, 0x030200u);
        }
    }
    EXPECT_TRUE(saw_hw && saw_legacy);
}

TEST(LdcacheMerge, HostCacheMergesAndStaysSorted) {
    std::string host = ldtest::read_file("/etc/ld.so.cache");
    if (host.empty()) LDCACHE_SKIP("the host has no /etc/ld.so.cache");
    auto parsed = read_cache(host, std::endian::little);
    ASSERT_TRUE(parsed);
    auto r = merge_cache(host, {entry("libz.so.1", "/opt/skiff/libz.so.1"), entry("libzzz.so.9", "/opt/skiff/libzzz.so.9")}, x86());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->entries.size(), parsed->entries.size() + 1);  // libz.so.1 replaced, libzzz added
    EXPECT_EQ(values_of(r->entries, "libz.so.1"), std::vector<std::string>{"/opt/skiff/libz.so.1"});
}

// No image scan: planning reads exactly one file of the image (the interface cannot list one).
TEST(LdcacheMerge, OnlyTheImageCacheIsRead) {
    ldtest::MemorySource image;
    image.files["/etc/ld.so.cache"] = image_cache();
    image.files["/usr/lib/libfabric.so.1"] = "not read";
    ldtest::TempDir tmp;
    ldtest::copy_file("/usr/lib/x86_64-linux-gnu/libz.so.1", tmp / "libz.so.1");
    auto plan = plan_glibc_cache(image, {{tmp.path(), "/opt/skiff/lib"}}, x86(),
                                 {{"libzlib.so", "libz.so.1"}, {"libnope.so", "libmissing.so.1"}});
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(image.reads, 1);
    auto parsed = read_cache(plan->bytes, std::endian::little);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(values_of(parsed->entries, "libz.so.1"), std::vector<std::string>{"/opt/skiff/lib/libz.so.1"});
    EXPECT_EQ(values_of(parsed->entries, "libzlib.so"), std::vector<std::string>{"/opt/skiff/lib/libz.so.1"});
    EXPECT_EQ(plan->warnings.size(), 1u);  // the alias of a missing library
}

// A 100k-entry image cache (20x a large real one) merges in about a second; the bound is loose
// for loaded CI machines.
// Scale, not speed: bench/ldcache measures time (tests never assert timing).
TEST(LdcacheMerge, LargeCacheKeepsEveryEntry) {
    std::vector<CacheEntry> many;
    for (int i = 0; i < 100000; ++i)
        many.push_back(entry("libgen" + std::to_string(i) + ".so.1", "/usr/lib/libgen" + std::to_string(i) + ".so.1"));
    std::string image = *write_cache(many, x86());
    std::vector<Injection> inject;
    for (int i = 0; i < 1000; ++i)
        inject.push_back(entry("libgen" + std::to_string(i * 7) + ".so.1", "/opt/x/" + std::to_string(i)));
    auto r = merge_cache(image, inject, x86());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->entries.size(), 100000u);
    EXPECT_EQ(r->image_replaced, 1000u);
}

}  // namespace
}  // namespace skiff::ldcache
