// The statistics of start_latency: percentiles of wall times, by linear interpolation
// between the two nearest ranks (as numpy's default), so that the 50th is the usual median.
#pragma once

#include <cstddef>
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

}  // namespace skiff::bench
