#include "common/error.hpp"

#include <gtest/gtest.h>

namespace skiff {
namespace {

Result<int> half(int n) {
    if (n % 2) return fail("odd: " + std::to_string(n));
    return n / 2;
}

TEST(Expected, CarriesValueOrError) {
    auto ok = half(4);
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, 2);
    auto bad = half(3);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "odd: 3");
    EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Expected, VoidSpecialisation) {
    Expected<void, Error> ok;
    EXPECT_TRUE(ok);
    Expected<void, Error> bad = fail("no");
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "no");
}

}  // namespace
}  // namespace skiff
