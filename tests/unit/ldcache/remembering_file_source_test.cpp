#include "libfabric-bind/remembering_file_source.hpp"

#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldtest {
namespace {

TEST(RememberingFileSource, RemembersOnlyTheNamedPaths) {
    auto memory = std::make_unique<MemorySource>();
    MemorySource* inner = memory.get();
    inner->files = {{"/etc/ld.so.cache", "cache bytes"}, {"/etc/other", "other"}};
    inner->links = {{"/lib", "usr/lib"}};
    ldcache::RememberingFileSource source(std::move(memory), {"/etc/ld.so.cache", "/etc/missing"});

    for (int i = 0; i < 3; ++i) {
        auto cache = source.read("/etc/ld.so.cache", 1 << 20);
        ASSERT_TRUE(cache && *cache);
        EXPECT_EQ(**cache, "cache bytes");
    }
    EXPECT_EQ(inner->reads, 1);
    EXPECT_EQ(**source.read("/etc/ld.so.cache", 4), "cach") << "another limit is another read";
    EXPECT_EQ(inner->reads, 2);

    auto missing = source.read("/etc/missing", 100);
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing);
    EXPECT_FALSE(*source.read("/etc/missing", 100));
    EXPECT_EQ(inner->reads, 3);

    (void)source.read("/etc/other", 100);
    (void)source.read("/etc/other", 100);
    EXPECT_EQ(inner->reads, 5) << "not remembered: read every time";
    int readlinks = inner->readlinks;  // reads resolve their paths with readlink too
    EXPECT_EQ(*source.readlink("/lib"), std::optional<std::string>("usr/lib"));
    EXPECT_GT(inner->readlinks, readlinks) << "readlink passes through";
}

}  // namespace
}  // namespace skiff::ldtest
