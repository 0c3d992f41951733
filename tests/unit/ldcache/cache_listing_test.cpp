// `skiff ldcache print` text against glibc's `ldconfig -p -C FILE` (the oracle): the host's
// cache, and a cache with glibc-hwcaps, legacy hwcap and other architectures' flags.
#include <gtest/gtest.h>

#include "libfabric-bind/cache_listing.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/cache_writer.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

void expect_like_ldconfig(const std::string& path) {
    auto ldconfig = ldtest::find_tool("ldconfig");
    if (!ldconfig) LDCACHE_SKIP("ldconfig is not installed");
    auto parsed = read_cache(ldtest::read_file(path), std::endian::little, path);
    ASSERT_TRUE(parsed) << parsed.error().message;
    auto want = ldtest::run({*ldconfig, "-p", "-C", path});
    ASSERT_EQ(want.status, 0) << want.err;
    EXPECT_EQ(format_listing(*parsed, path), want.out);
}

TEST(LdcacheListing, HostCacheIsPrintedAsLdconfigPrintsIt) {
    if (ldtest::read_file("/etc/ld.so.cache").empty()) LDCACHE_SKIP("the host has no /etc/ld.so.cache");
    expect_like_ldconfig("/etc/ld.so.cache");
}

TEST(LdcacheListing, FlagsAndHwcapsAreNamedAsLdconfigNamesThem) {
    std::vector<CacheEntry> entries;
    for (std::int32_t flags : {0x0303, 0x0a03, 0x0803, 0x0503, 0x0403, 0x1003, 0x0903, 0x0003, 0x2a03})
        entries.push_back(ldtest::cache_entry("libflags" + std::to_string(flags) + ".so.1", "/l/x.so", flags));
    CacheEntry hw = ldtest::cache_entry("libz.so.1", "/l/glibc-hwcaps/x86-64-v3/libz.so.1");
    hw.hwcaps = "x86-64-v3";
    hw.isa_level = 3;
    CacheEntry legacy = ldtest::cache_entry("libold.so.2", "/l/tls/libold.so.2");
    legacy.hwcap = 0x8000000000000001ULL;
    entries.push_back(hw);
    entries.push_back(legacy);
    auto bytes = write_cache(entries, ldtest::x86(), {.generator = "skiff test"});
    ASSERT_TRUE(bytes) << bytes.error().message;
    ldtest::TempDir tmp;
    ldtest::write_file(tmp / "ld.so.cache", *bytes);
    expect_like_ldconfig(tmp / "ld.so.cache");
}

TEST(LdcacheListing, NoGeneratorNoLine) {
    ParsedCache cache;
    cache.entries.push_back(ldtest::cache_entry("libz.so.1", "/l/libz.so.1"));
    EXPECT_EQ(format_listing(cache, "f"),
              "1 libs found in cache `f'\n\tlibz.so.1 (libc6,x86-64) => /l/libz.so.1\n");
}

}  // namespace
}  // namespace skiff::ldcache
