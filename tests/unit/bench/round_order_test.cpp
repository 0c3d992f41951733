#include "bench/round_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace skiff::bench {
namespace {

TEST(RoundOrder, EveryRoundRunsEveryCaseOnce) {
    for (std::size_t n : {0U, 1U, 2U, 12U}) {
        for (std::uint64_t round = 0; round < 50; ++round) {
            auto order = round_order(n, 1, round);
            std::sort(order.begin(), order.end());
            std::vector<std::size_t> all(n);
            std::iota(all.begin(), all.end(), std::size_t{0});
            EXPECT_EQ(order, all) << n << " cases, round " << round;
        }
    }
}

// What a rotation got wrong: there, case i followed case i-1 in 9 of 10 rounds.
TEST(RoundOrder, NoCaseKeepsItsPredecessor) {
    constexpr std::size_t n = 12;  // bench/workload's single cases
    constexpr std::uint64_t rounds = 10;
    std::vector<std::vector<int>> followed(n, std::vector<int>(n, 0));
    for (std::uint64_t round = 0; round < rounds; ++round) {
        auto order = round_order(n, 1, round);
        for (std::size_t k = 1; k < n; ++k) ++followed[order[k]][order[k - 1]];
    }
    for (std::size_t i = 0; i < n; ++i)
        EXPECT_LE(*std::max_element(followed[i].begin(), followed[i].end()), 5) << "case " << i;
}

TEST(RoundOrder, TheSeedGivesTheSameOrdersAgainAndOthersDiffer) {
    EXPECT_EQ(round_order(12, 7, 3), round_order(12, 7, 3));
    EXPECT_NE(round_order(12, 7, 3), round_order(12, 8, 3));
    EXPECT_NE(round_order(12, 7, 3), round_order(12, 7, 4));
}

}  // namespace
}  // namespace skiff::bench
