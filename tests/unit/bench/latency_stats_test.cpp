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

TEST(LatencyStats, IntervalOfAnExactRatioIsThatRatio) {
    auto same = ratio_interval({5, 6, 7, 8, 9}, {5, 6, 7, 8, 9}, 1);
    ASSERT_TRUE(same);
    EXPECT_DOUBLE_EQ(same->low, 1);
    EXPECT_DOUBLE_EQ(same->high, 1);
}

// The machine's speed moves by a factor of three from round to round, and a always takes 1.1
// times b in the same round. Drawing rounds whole keeps that: every draw's ratio is 1.1. Runs
// drawn apart would give medians from different rounds, and an interval as wide as the drift.
TEST(LatencyStats, IntervalDrawsTheRunsOfARoundTogether) {
    std::vector<double> b{100, 300, 150, 250, 120, 280, 200, 110};
    std::vector<double> a;
    for (double ms : b) a.push_back(ms * 1.1);
    auto interval = ratio_interval(a, b, 7);
    ASSERT_TRUE(interval);
    EXPECT_NEAR(interval->low, 1.1, 1e-12);
    EXPECT_NEAR(interval->high, 1.1, 1e-12);
}

// Noise within the rounds: the interval holds the ratio of medians, is wider than nothing, and
// narrows as rounds are added; the same seed gives the same interval.
TEST(LatencyStats, IntervalHoldsTheRatioAndNarrowsWithMoreRounds) {
    auto runs = [](std::size_t rounds) {
        std::vector<double> a, b;
        for (std::size_t r = 0; r < rounds; ++r) {
            b.push_back(100);
            a.push_back(105 + static_cast<double>((r * 7) % 11) - 5);  // 100 .. 110, a median of 105
        }
        return std::pair{a, b};
    };
    auto [a10, b10] = runs(10);
    auto [a80, b80] = runs(80);
    auto few = ratio_interval(a10, b10, 1);
    auto many = ratio_interval(a80, b80, 1);
    ASSERT_TRUE(few && many);
    double ratio = summarize(a10).median / summarize(b10).median;
    EXPECT_LE(few->low, ratio);
    EXPECT_GE(few->high, ratio);
    EXPECT_LT(few->low, few->high);
    EXPECT_LT(many->high - many->low, few->high - few->low);
    auto again = ratio_interval(a10, b10, 1);
    ASSERT_TRUE(again);
    EXPECT_DOUBLE_EQ(again->low, few->low);
    EXPECT_DOUBLE_EQ(again->high, few->high);
}

// The machine slows down by half between rounds 4 and 5, and in those two rounds a and b ran on
// either side of the step. A median may then come from another round than the other case's
// median, and the interval of the ratio of medians spreads; the per-round ratios are 1.1 in
// every other round, and so is the interval of their median.
TEST(LatencyStats, PerRoundIntervalLeavesADriftThatWidensTheRatioOfMedians) {
    std::vector<double> b{100, 100, 100, 100, 100, 200, 200, 200, 200, 200};
    std::vector<double> a{110, 110, 110, 110, 220, 110, 220, 220, 220, 220};
    auto of_medians = ratio_interval(a, b, 1);
    auto of_rounds = per_round_interval(a, b, 1);
    ASSERT_TRUE(of_medians && of_rounds);
    EXPECT_NEAR(of_rounds->low, 1.1, 1e-12);
    EXPECT_NEAR(of_rounds->high, 1.1, 1e-12);
    EXPECT_GT(of_medians->high - of_medians->low, 0.2);
}

TEST(LatencyStats, IntervalNeedsFiveRoundsOfBoth) {
    EXPECT_FALSE(ratio_interval({1, 2, 3, 4}, {1, 2, 3, 4}, 1));  // too few to draw from
    EXPECT_FALSE(ratio_interval({1, 2, 3, 4, 5}, {1, 2, 3, 4}, 1));
    EXPECT_FALSE(ratio_interval({1, 2, 3, 4, 5}, {0, 0, 0, 0, 0}, 1));
    EXPECT_TRUE(ratio_interval({1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}, 1));
    EXPECT_FALSE(per_round_interval({1, 2, 3, 4}, {1, 2, 3, 4}, 1));
    EXPECT_FALSE(per_round_interval({1, 2, 3, 4, 5}, {1, 2, 3, 4, 0}, 1));
    EXPECT_TRUE(per_round_interval({1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}, 1));
}

}  // namespace
}  // namespace skiff::bench
