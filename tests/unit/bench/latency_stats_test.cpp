#include "bench/latency_stats.hpp"

#include <gtest/gtest.h>

namespace skiff::bench {
namespace {

TEST(LatencyStats, PercentileInterpolatesBetweenTheNearestRanks) {
    EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 0.5), 2.5);  // an even count: the midpoint
    EXPECT_DOUBLE_EQ(percentile({5, 1, 3}, 0.5), 3);
    EXPECT_DOUBLE_EQ(percentile({5, 1, 3}, 0), 1);
    EXPECT_DOUBLE_EQ(percentile({5, 1, 3}, 1), 5);
    EXPECT_DOUBLE_EQ(percentile({7}, 0.99), 7);
    EXPECT_DOUBLE_EQ(percentile({}, 0.5), 0);
}

TEST(LatencyStats, P99OfAHundredIsNearTheTop) {
    std::vector<double> ms;
    for (int i = 100; i >= 1; --i) ms.push_back(i);
    EXPECT_DOUBLE_EQ(percentile(ms, 0.99), 99.01);
    EXPECT_DOUBLE_EQ(percentile(ms, 0.5), 50.5);
}

TEST(LatencyStats, SummarizeGivesMedianMinMax) {
    Stats s = summarize({30, 10, 20, 40});
    EXPECT_DOUBLE_EQ(s.median, 25);
    EXPECT_DOUBLE_EQ(s.min, 10);
    EXPECT_DOUBLE_EQ(s.max, 40);
}

// Two bursts of 4 pooled: the slow tail of one burst is what p99 shows.
TEST(LatencyStats, EachPoolsTheCopiesOfEveryRun) {
    EachStats e = summarize_each({10, 11, 12, 13, 10, 11, 12, 100});
    EXPECT_EQ(e.samples, 8U);
    EXPECT_DOUBLE_EQ(e.p50, 11.5);
    EXPECT_DOUBLE_EQ(e.p99, 100 - 0.07 * (100 - 13));
    EXPECT_DOUBLE_EQ(e.max, 100);
}

// The machine slows down halfway: each median mixes slow and fast rounds, each round's ratio
// does not.
TEST(LatencyStats, PerRoundRatiosPairTheRunsOfOneRound) {
    std::vector<double> a{110, 110, 220, 220, 220};
    std::vector<double> b{100, 100, 200, 200, 200};
    EXPECT_DOUBLE_EQ(summarize(a).median / summarize(b).median, 1.1);
    a = {110, 110, 110, 220, 220};  // round 3 ran a before the slowdown, b after it
    EXPECT_DOUBLE_EQ(summarize(a).median / summarize(b).median, 0.55);
    auto rounds = per_round_ratios(a, b);
    ASSERT_TRUE(rounds);
    EXPECT_DOUBLE_EQ(rounds->median, 1.1);
    EXPECT_DOUBLE_EQ(rounds->q1, 1.1);
    EXPECT_DOUBLE_EQ(rounds->q3, 1.1);

    rounds = per_round_ratios({1, 2, 3, 4, 5}, {1, 1, 1, 1, 1});
    ASSERT_TRUE(rounds);
    EXPECT_DOUBLE_EQ(rounds->median, 3);
    EXPECT_DOUBLE_EQ(rounds->q1, 2);
    EXPECT_DOUBLE_EQ(rounds->q3, 4);
}

TEST(LatencyStats, PerRoundRatiosNeedARunOfBothInEveryRound) {
    EXPECT_FALSE(per_round_ratios({1, 2}, {1}));  // a failed run is missing from one case
    EXPECT_FALSE(per_round_ratios({}, {}));
    EXPECT_FALSE(per_round_ratios({1}, {0}));
}

}  // namespace
}  // namespace skiff::bench
