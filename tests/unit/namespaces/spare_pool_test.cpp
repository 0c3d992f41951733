// The image server's pool of spares (namespaces/spare_pool.hpp): each handed out once, by key,
// expired, and refills counted so that concurrent launches do not over-build.
#include "namespaces/spare_pool.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace skiff::ns {
namespace {

using namespace std::chrono_literals;

// Stand-ins for nsfs descriptors: the pool only owns and passes them.
SpareNamespaces spare(int (&ends)[2]) {
    EXPECT_EQ(::pipe2(ends, O_CLOEXEC), 0);
    return {UniqueFd(ends[0]), UniqueFd(ends[1])};
}

TEST(SparePool, HandsEachSpareOutOnceAndOnlyForItsKey) {
    SparePool pool(60s);
    auto now = SparePool::Clock::now();
    auto first = pool.take("a", 2, now);
    EXPECT_FALSE(first.spare);
    EXPECT_EQ(first.build, 2);
    int ends[2];
    ASSERT_TRUE(pool.add("a", spare(ends), now));
    EXPECT_EQ(pool.size(), 1u);
    EXPECT_FALSE(pool.take("b", 2, now).spare) << "another plan's key";
    auto taken = pool.take("a", 2, now);
    ASSERT_TRUE(taken.spare);
    EXPECT_EQ(taken.spare->user.get(), ends[0]);
    EXPECT_EQ(taken.build, 1) << "one still being built, one to build";
    EXPECT_FALSE(pool.take("a", 2, now).spare);
}

TEST(SparePool, ConcurrentMissesDoNotOverBuild) {
    SparePool pool(60s);
    auto now = SparePool::Clock::now();
    EXPECT_EQ(pool.take("a", 2, now).build, 2);
    EXPECT_EQ(pool.take("a", 2, now).build, 0);
    EXPECT_EQ(pool.take("a", 2, now + SparePool::build_timeout).build, 2) << "the builders are taken to have failed";
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

TEST(SparePool, SparesExpire) {
    SparePool pool(2s);
    auto now = SparePool::Clock::now();
    (void)pool.take("a", 1, now);
    int ends[2];
    ASSERT_TRUE(pool.add("a", spare(ends), now));
    EXPECT_EQ(pool.next_expiry(), now + 2s);
    pool.expire(now + 1s);
    EXPECT_EQ(pool.size(), 1u);
    pool.expire(now + 2s);
    EXPECT_EQ(pool.size(), 0u);
    EXPECT_EQ(::fcntl(ends[0], F_GETFD), -1) << "its descriptors are closed";
    EXPECT_FALSE(pool.next_expiry());
}

}  // namespace
}  // namespace skiff::ns
