// The statistics of start_latency: percentiles of wall times, by linear interpolation
// between the two nearest ranks (as numpy's default), so that the 50th is the usual median.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace skiff::bench {

// The `fraction` (0 to 1) quantile of `values`; 0 for none.
double percentile(std::vector<double> values, double fraction);

struct Stats {
    double median = 0, min = 0, max = 0;
};
Stats summarize(const std::vector<double>& ms);

// The containers of a burst case, pooled over its measured runs.
struct EachStats {
    double p50 = 0, p99 = 0, max = 0;
    std::size_t samples = 0;
};
EachStats summarize_each(const std::vector<double>& ms);

// Per round, case a's time over case b's: both ran within the same round, so a slow spell of
// the machine (minutes of a neighbour's load on a shared host) slows both and leaves their
// ratio, where it shifts the two medians apart. The middle half (q1 to q3) is how much the
// ratio moved from round to round. None unless both have a run in every round: the i-th run
// of each must be round i's (start_latency compares no case with a failed run).
struct RatioSpread {
    double median = 0, q1 = 0, q3 = 0;
};
std::optional<RatioSpread> per_round_ratios(const std::vector<double>& a, const std::vector<double>& b);

// How far a ratio can be trusted: a 95 % bootstrap interval. Each of 2 000 draws takes as many
// rounds as were run, with replacement, a round's runs of a and b together (they shared the
// machine's state), and computes the statistic of the drawn rounds; the interval is the middle
// 95 % of those values. The draws come from `seed`, so the same runs give the same interval.
// None unless both have a run in every round, and at least `min_interval_rounds` rounds: with
// fewer, the draws repeat the same few values.
struct RatioInterval {
    double low = 0, high = 0;
};
inline constexpr std::size_t min_interval_rounds = 5;
// Of the ratio of medians, a's over b's. A drift of the machine's speed over the run widens it:
// the two medians may come from different rounds.
std::optional<RatioInterval> ratio_interval(const std::vector<double>& a, const std::vector<double>& b,
                                            std::uint64_t seed);
// Of the median of the per-round ratios (per_round_ratios' median), which such a drift leaves.
std::optional<RatioInterval> per_round_interval(const std::vector<double>& a, const std::vector<double>& b,
                                                std::uint64_t seed);

}  // namespace skiff::bench
