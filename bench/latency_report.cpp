#include "bench/latency_report.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "bench/latency_stats.hpp"

namespace skiff::bench {
namespace {

// One per case; nothing for a case with a failed run, whose times would mislead.
std::vector<std::optional<Stats>> all_stats(const std::vector<CaseResult>& results) {
    std::vector<std::optional<Stats>> stats;
    for (const CaseResult& r : results)
        stats.push_back(r.failures > 0 || r.ms.empty() ? std::nullopt : std::optional(summarize(r.ms)));
    return stats;
}

// For display only: the words quoted as a POSIX shell would need them.
std::string quoted(const std::vector<std::string>& words) {
    constexpr std::string_view plain_chars =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
    std::string s;
    for (const std::string& w : words) {
        if (!s.empty()) s += ' ';
        if (!w.empty() && w.find_first_not_of(plain_chars) == std::string::npos) {
            s += w;
            continue;
        }
        s += '\'';
        for (char ch : w) s += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
        s += '\'';
    }
    return s;
}

void print_cases(const Options& o, int width) {
    std::printf("\ncases:\n");
    for (const Case& c : o.cases) {
        std::string burst = c.copies > 1 ? std::to_string(c.copies) + " at once: " : "";
        std::printf("  %-*s  %s%s\n", width, c.name.c_str(), burst.c_str(), quoted(c.argv).c_str());
        if (!c.setup.empty()) std::printf("  %-*s  before each run (untimed): %s\n", width, "", quoted(c.setup).c_str());
    }
}

std::string print_table(const Options& o, const std::vector<std::optional<Stats>>& stats,
                        const std::vector<CaseResult>& results, int width) {
    const auto& base = stats[*find_case(o, o.baseline)];
    std::printf("\n%d measured runs per case (+%d warm-up), one each round, each round in its own order "
                "(--seed %d); times in ms\n\n", o.runs, o.warmup, o.seed);
    std::printf("  %-*s  %8s  %8s  %8s  %s\n", width, "case", "median", "min", "max", "x baseline");
    std::string machine;
    char line[512];
    for (std::size_t i = 0; i < o.cases.size(); ++i) {
        const char* name = o.cases[i].name.c_str();
        if (!stats[i]) {
            std::printf("  %-*s  FAILED %d of %d runs\n", width, name, results[i].failures, results[i].runs);
            std::snprintf(line, sizeof line, "FAILED %s %d %d\n", name, results[i].failures, results[i].runs);
        } else {
            const Stats& s = *stats[i];
            double ratio = base && base->median > 0 ? s.median / base->median : 0;
            std::printf("  %-*s  %8.2f  %8.2f  %8.2f  %6.2f\n", width, name, s.median, s.min, s.max, ratio);
            std::snprintf(line, sizeof line, "RESULT %s %.3f %.3f %.3f %.3f\n", name, s.median, s.min, s.max, ratio);
        }
        machine += line;
    }
    return machine;
}

std::string interval_text(const std::optional<RatioInterval>& interval) {
    if (!interval) return "n/a (fewer than " + std::to_string(min_interval_rounds) + " rounds)";
    char text[64];
    std::snprintf(text, sizeof text, "%.2f-%.2f", interval->low, interval->high);
    return text;
}

// "KIND a b low high\n", or nothing without an interval.
std::string interval_line(const char* kind, const std::string& a, const std::string& b,
                          const std::optional<RatioInterval>& interval) {
    if (!interval) return "";
    char line[512];
    std::snprintf(line, sizeof line, "%s %s %s %.3f %.3f\n", kind, a.c_str(), b.c_str(), interval->low, interval->high);
    return line;
}

std::string print_compares(const Options& o, const std::vector<std::optional<Stats>>& stats,
                           const std::vector<CaseResult>& results) {
    if (o.compares.empty()) return "";
    std::printf("\nratios (and differences) of medians, then the median of the per-round ratios and their middle\n"
                "half; each with its 95 %% bootstrap interval over rounds:\n");
    std::string machine;
    char line[512];
    const auto seed = static_cast<std::uint64_t>(o.seed);
    for (const auto& [a, b] : o.compares) {
        std::size_t ia = *find_case(o, a), ib = *find_case(o, b);
        const auto& sa = stats[ia];
        const auto& sb = stats[ib];
        const auto& ms_a = results[ia].ms;
        const auto& ms_b = results[ib].ms;
        auto rounds = per_round_ratios(ms_a, ms_b);
        if (!sa || !sb || sb->median <= 0 || !rounds) {
            std::printf("  %s / %s = n/a (a case failed)\n", a.c_str(), b.c_str());
            continue;
        }
        double ratio = sa->median / sb->median;
        double diff = sa->median - sb->median;
        auto interval = ratio_interval(ms_a, ms_b, seed);
        auto rounds_interval = per_round_interval(ms_a, ms_b, seed);
        std::printf("  %s / %s = %.2f (%+.2f ms), 95 %% interval %s; per round %.2f, %.2f-%.2f, 95 %% interval %s\n",
                    a.c_str(), b.c_str(), ratio, diff, interval_text(interval).c_str(), rounds->median, rounds->q1,
                    rounds->q3, interval_text(rounds_interval).c_str());
        std::snprintf(line, sizeof line, "RATIO %s %s %.3f\nDIFF %s %s %.3f\nROUNDS %s %s %.3f %.3f %.3f\n", a.c_str(),
                      b.c_str(), ratio, a.c_str(), b.c_str(), diff, a.c_str(), b.c_str(), rounds->median, rounds->q1,
                      rounds->q3);
        machine += line;
        machine += interval_line("INTERVAL", a, b, interval);
        machine += interval_line("ROUNDS_INTERVAL", a, b, rounds_interval);
    }
    return machine;
}

// Per case that ran every round: its measured wall times in round order, for a later look.
std::string times_lines(const Options& o, const std::vector<std::optional<Stats>>& stats,
                        const std::vector<CaseResult>& results) {
    std::string machine;
    char number[32];
    for (std::size_t i = 0; i < o.cases.size(); ++i) {
        if (!stats[i]) continue;
        machine += "TIMES " + o.cases[i].name;
        for (double ms : results[i].ms) {
            std::snprintf(number, sizeof number, " %.3f", ms);
            machine += number;
        }
        machine += '\n';
    }
    return machine;
}

// Per burst case: the wall (as in the table) and its copies' times, pooled over the runs.
std::string print_bursts(const Options& o, const std::vector<std::optional<Stats>>& stats,
                         const std::vector<CaseResult>& results, int width) {
    std::string machine;
    char line[512];
    for (std::size_t i = 0; i < o.cases.size(); ++i) {
        if (o.cases[i].copies == 1 || !stats[i]) continue;
        if (machine.empty()) {
            std::printf("\nbursts: wall of the burst (median) and each container, fork to exit, pooled over the runs\n\n");
            std::printf("  %-*s  %5s  %9s  %9s  %9s  %9s  %7s\n", width, "case", "N", "wall p50", "each p50", "each p99",
                        "each max", "samples");
        }
        const char* name = o.cases[i].name.c_str();
        EachStats e = summarize_each(results[i].each_ms);
        std::printf("  %-*s  %5d  %9.2f  %9.2f  %9.2f  %9.2f  %7zu\n", width, name, o.cases[i].copies, stats[i]->median,
                    e.p50, e.p99, e.max, e.samples);
        std::snprintf(line, sizeof line, "BURST %s %d %.3f %.3f %.3f %.3f %zu\n", name, o.cases[i].copies,
                      stats[i]->median, e.p50, e.p99, e.max, e.samples);
        machine += line;
    }
    return machine;
}

}  // namespace

void print_report(const Options& o, const std::vector<CaseResult>& results) {
    std::size_t width = 4;
    for (const Case& c : o.cases) width = std::max(width, c.name.size());
    const int w = static_cast<int>(width);
    auto stats = all_stats(results);
    print_cases(o, w);
    std::string machine = print_table(o, stats, results, w);
    machine += print_compares(o, stats, results);
    machine += print_bursts(o, stats, results, w);
    machine += times_lines(o, stats, results);
    std::printf("\n%s", machine.c_str());
}

}  // namespace skiff::bench
