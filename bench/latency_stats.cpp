#include "bench/latency_stats.hpp"

#include <algorithm>
#include <cmath>

#include "bench/splitmix64.hpp"

namespace skiff::bench {

double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    double pos = std::clamp(fraction, 0.0, 1.0) * static_cast<double>(values.size() - 1);
    auto below = static_cast<std::size_t>(std::floor(pos));
    std::size_t above = std::min(below + 1, values.size() - 1);
    double weight = pos - static_cast<double>(below);
    return values[below] + (values[above] - values[below]) * weight;
}

Stats summarize(const std::vector<double>& ms) {
    if (ms.empty()) return {};
    auto [lo, hi] = std::minmax_element(ms.begin(), ms.end());
    return {percentile(ms, 0.5), *lo, *hi};
}

EachStats summarize_each(const std::vector<double>& ms) {
    if (ms.empty()) return {};
    return {percentile(ms, 0.5), percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()), ms.size()};
}

namespace {

// a[r] / b[r] for every round r; the caller has checked that the sizes match and b has no 0.
std::vector<double> ratios_by_round(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> ratios(a.size());
    for (std::size_t r = 0; r < a.size(); ++r) ratios[r] = a[r] / b[r];
    return ratios;
}

bool pairable(const std::vector<double>& a, const std::vector<double>& b, std::size_t min_rounds) {
    return a.size() >= min_rounds && a.size() == b.size() && std::ranges::none_of(b, [](double ms) { return ms <= 0; });
}

using PairedStatistic = double (*)(const std::vector<double>& a, const std::vector<double>& b);

double ratio_of_medians(const std::vector<double>& a, const std::vector<double>& b) {
    return percentile(a, 0.5) / percentile(b, 0.5);
}

double median_of_ratios(const std::vector<double>& a, const std::vector<double>& b) {
    return percentile(ratios_by_round(a, b), 0.5);
}

std::optional<RatioInterval> bootstrap(const std::vector<double>& a, const std::vector<double>& b, std::uint64_t seed,
                                       PairedStatistic statistic) {
    constexpr int draws = 2000;
    if (!pairable(a, b, min_interval_rounds)) return std::nullopt;
    SplitMix64 random(seed);
    std::vector<double> values, drawn_a(a.size()), drawn_b(b.size());
    values.reserve(draws);
    for (int d = 0; d < draws; ++d) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::size_t round = random.below(a.size());
            drawn_a[i] = a[round];
            drawn_b[i] = b[round];
        }
        values.push_back(statistic(drawn_a, drawn_b));
    }
    return RatioInterval{percentile(values, 0.025), percentile(values, 0.975)};
}

}  // namespace

std::optional<RatioSpread> per_round_ratios(const std::vector<double>& a, const std::vector<double>& b) {
    if (!pairable(a, b, 1)) return std::nullopt;
    auto ratios = ratios_by_round(a, b);
    return RatioSpread{percentile(ratios, 0.5), percentile(ratios, 0.25), percentile(ratios, 0.75)};
}

std::optional<RatioInterval> ratio_interval(const std::vector<double>& a, const std::vector<double>& b,
                                            std::uint64_t seed) {
    return bootstrap(a, b, seed, ratio_of_medians);
}

std::optional<RatioInterval> per_round_interval(const std::vector<double>& a, const std::vector<double>& b,
                                                std::uint64_t seed) {
    return bootstrap(a, b, seed, median_of_ratios);
}

}  // namespace skiff::bench
