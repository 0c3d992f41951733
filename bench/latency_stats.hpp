// The statistics of start_latency: percentiles of wall times, by linear interpolation
// between the two nearest ranks (as numpy's default), so that the 50th is the usual median.
#pragma once

#include <cstddef>
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
// ratio moved from round to round. None unless both have a run in every round.
struct RatioSpread {
    double median = 0, q1 = 0, q3 = 0;
};
std::optional<RatioSpread> per_round_ratios(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace skiff::bench
