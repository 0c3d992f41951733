// The results of start_latency: a table for people, then lines for scripts.
#pragma once

#include <vector>

#include "bench/latency_options.hpp"

namespace skiff::bench {

struct CaseResult {
    std::vector<double> ms;       // wall times of the measured runs that succeeded
    std::vector<double> each_ms;  // a burst's copies, fork to exit, pooled over those runs
    int failures = 0;        // failed runs (none in warm-up, or nothing is measured)
    int runs = 0;            // measured runs
};

// Prints the cases, the table and, per case, `RESULT name median_ms min_ms max_ms ratio`
// (ratio of medians to the baseline) or `FAILED name failed_runs runs`, then per --compare
// pair `RATIO a b ratio`, `DIFF a b median_a_minus_median_b_ms` and `ROUNDS a b median q1 q3`
// (the ratio of a's run to b's in each round: per_round_ratios) and, from min_interval_rounds
// on, `INTERVAL a b low high` and `ROUNDS_INTERVAL a b low high` (ratio_interval and
// per_round_interval, drawn from --seed), then per burst case
// `BURST name copies wall_p50_ms each_p50_ms each_p99_ms each_max_ms samples`, then per case
// that ran every round `TIMES name ms...` in round order. results[i] belongs to o.cases[i].
void print_report(const Options& o, const std::vector<CaseResult>& results);

}  // namespace skiff::bench
