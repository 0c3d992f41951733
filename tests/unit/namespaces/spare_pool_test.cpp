// The image server's pool of spares (namespaces/image_server/spare_pool.hpp): each handed out once, by key,
// expired; one builder per key, asked for exactly what is missing, at once when none is left.
#include "namespaces/image_server/spare_pool.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace skiff::ns {
namespace {

using namespace std::chrono_literals;

// Stand-ins for nsfs descriptors and connections: the pool only owns and passes them.
SpareNamespaces spare(int (&ends)[2]) {
    EXPECT_EQ(::pipe2(ends, O_CLOEXEC), 0);
    return {UniqueFd(ends[0]), UniqueFd(ends[1])};
}

UniqueFd connection() { return UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)); }

TEST(SparePool, TheFirstLaunchStartsTheBuilderAndLaterOnesAskIt) {
    SparePool pool(60s);
    auto now = SparePool::Clock::now();
    auto first = pool.take("a", 2, now);
    EXPECT_FALSE(first.spare);
    EXPECT_TRUE(first.start_builder);
    EXPECT_FALSE(pool.take("a", 2, now).start_builder) << "one is starting";
    auto builder = connection();
    int fd = builder.get();
    EXPECT_EQ(pool.add_builder("a", builder, now), 2);
    EXPECT_FALSE(builder.valid()) << "the pool holds the connection";
    ASSERT_EQ(pool.builders().size(), 1u);
    EXPECT_EQ(pool.builders()[0].connection, fd);
    int ends[2];
    ASSERT_TRUE(pool.add("a", spare(ends), now));
    int other[2];
    ASSERT_TRUE(pool.add("a", spare(other), now));
    auto taken = pool.take("a", 2, now);
    ASSERT_TRUE(taken.spare);
    EXPECT_EQ(taken.spare->user.get(), ends[0]);
    EXPECT_FALSE(taken.start_builder);
    EXPECT_EQ(taken.builder, fd);
    EXPECT_EQ(taken.build, 1) << "one left, one to build";
    auto again = pool.take("a", 2, now);
    ASSERT_TRUE(again.spare);
    EXPECT_EQ(again.spare->user.get(), other[0]) << "each spare once";
    EXPECT_EQ(again.build, 1);
    EXPECT_FALSE(pool.take("a", 2, now).spare);
}

// The builder gathers requests for a while (a burst's launches first), except when a launch took
// the key's last spare: then the next launch finds none unless it builds at once.
TEST(SparePool, TakingTheLastSpareAsksForAnUrgentBuild) {
    SparePool pool(60s);
    auto now = SparePool::Clock::now();
    (void)pool.take("a", 2, now);
    auto builder = connection();
    ASSERT_EQ(pool.add_builder("a", builder, now), 2);
    int one[2], two[2];
    ASSERT_TRUE(pool.add("a", spare(one), now));
    ASSERT_TRUE(pool.add("a", spare(two), now));
    auto first = pool.take("a", 2, now);
    ASSERT_TRUE(first.spare);
    EXPECT_EQ(first.build, 1);
    EXPECT_FALSE(first.urgent) << "one is left for the next launch";
    auto last = pool.take("a", 2, now);
    ASSERT_TRUE(last.spare);
    EXPECT_EQ(last.build, 1);
    EXPECT_TRUE(last.urgent) << "none is left";
    pool.build_failed("a");
    pool.build_failed("a");
    auto dry = pool.take("a", 2, now);
    EXPECT_FALSE(dry.spare);
    EXPECT_EQ(dry.build, 2);
    EXPECT_TRUE(dry.urgent) << "a launch that found none";
}

TEST(SparePool, KeysNeverMix) {
    SparePool pool(60s);
    auto now = SparePool::Clock::now();
    (void)pool.take("a", 1, now);
    auto builder = connection();
    ASSERT_EQ(pool.add_builder("a", builder, now), 1);
    int ends[2];
    ASSERT_TRUE(pool.add("a", spare(ends), now));
    auto b = pool.take("b", 1, now);
    EXPECT_FALSE(b.spare) << "another plan's key";
    EXPECT_TRUE(b.start_builder);
    auto stray = connection();
    EXPECT_FALSE(pool.add_builder("c", stray, now)) << "nobody asked for c";
    EXPECT_TRUE(stray.valid());
}

TEST(SparePool, ConcurrentMissesDoNotOverBuildAndFailuresAreCounted) {
    SparePool pool(60s);
    auto now = SparePool::Clock::now();
    (void)pool.take("a", 4, now);
    auto builder = connection();
    ASSERT_EQ(pool.add_builder("a", builder, now), 4);
    EXPECT_EQ(pool.take("a", 4, now).build, 0) << "four are being built";
    pool.build_failed("a");
    EXPECT_EQ(pool.take("a", 4, now).build, 1);
    EXPECT_EQ(pool.take("a", 4, now + SparePool::build_timeout).build, 4) << "the builds are taken to have failed";
    pool.builder_gone("a");
    EXPECT_TRUE(pool.builders().empty());
    EXPECT_TRUE(pool.take("a", 4, now + SparePool::build_timeout).start_builder);
}

TEST(SparePool, UnwantedSparesAreRefused) {
    SparePool pool(60s);
    auto now = SparePool::Clock::now();
    int ends[2];
    EXPECT_FALSE(pool.add("a", spare(ends), now)) << "nobody asked";
    (void)pool.take("a", 1, now);
    EXPECT_TRUE(pool.add("a", spare(ends), now));
    EXPECT_FALSE(pool.add("a", spare(ends), now)) << "one wanted";
    EXPECT_EQ(pool.size(), 1u);
}

TEST(SparePool, SparesExpireAndAnUnusedKeyLetsItsBuilderGo) {
    SparePool pool(2s);
    auto now = SparePool::Clock::now();
    (void)pool.take("a", 1, now);
    auto builder = connection();
    ASSERT_EQ(pool.add_builder("a", builder, now), 1);
    int ends[2];
    ASSERT_TRUE(pool.add("a", spare(ends), now + 1s));
    pool.expire(now + 2s);
    EXPECT_EQ(pool.size(), 1u);
    EXPECT_EQ(pool.next_expiry(), now + 3s);
    pool.expire(now + 3s);
    EXPECT_EQ(pool.size(), 0u);
    EXPECT_EQ(::fcntl(ends[0], F_GETFD), -1) << "its descriptors are closed";
    EXPECT_TRUE(pool.builders().empty()) << "the key is forgotten, its builder let go";
    EXPECT_FALSE(pool.next_expiry());
}

}  // namespace
}  // namespace skiff::ns
