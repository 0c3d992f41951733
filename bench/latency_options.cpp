#include "bench/latency_options.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace skiff::bench {
namespace {

using Words = std::span<char* const>;  // the words after an option

Result<int> parse_count(std::string_view option, std::string_view text, int min) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min)
        return fail(std::string(option) + ": '" + std::string(text) + "' is not an integer >= " +
                    std::to_string(min));
    return value;
}

Result<std::size_t> apply_count(int& field, std::string_view option, Words rest, int min) {
    if (rest.empty()) return fail(std::string(option) + " needs a value");
    auto value = parse_count(option, rest[0], min);
    if (!value) return fail(value.error().message);
    field = *value;
    return std::size_t{1};
}

// COUNT ARG...: an argv counted, not terminated, so that any word (even "--", which skiff run
// and ch-run take) can be part of it. `what` names the option in errors.
Result<std::vector<std::string>> counted_argv(const std::string& what, Words rest) {
    if (rest.empty()) return fail(what + " needs COUNT ARG0 [ARG...]");
    auto count = parse_count(what, rest[0], 1);
    if (!count) return fail(count.error().message);
    auto n = static_cast<std::size_t>(*count);
    if (rest.size() < 1 + n) return fail(what + ": fewer than " + rest[0] + " words follow");
    std::vector<std::string> argv(rest.begin() + 1, rest.begin() + 1 + static_cast<std::ptrdiff_t>(n));
    if (argv[0].find('/') == std::string::npos)
        return fail(what + ": program '" + argv[0] + "' must be a path (execve does no PATH search)");
    return argv;
}

// The case called `name`, given before the option that names it.
Result<Case*> case_before(Options& o, std::string_view option, std::string_view name) {
    for (auto& c : o.cases)
        if (c.name == name) return &c;
    return fail(std::string(option) + ": no case named '" + std::string(name) + "' before it");
}

// --case NAME COUNT ARG...
Result<std::size_t> apply_case(Options& o, Words rest) {
    if (rest.size() < 2) return fail("--case needs NAME COUNT ARG0 [ARG...]");
    std::string name = rest[0];
    if (name.empty() || name.find_first_of(" \t\n") != std::string::npos)
        return fail("--case: name '" + name + "' must be one non-empty word");
    if (find_case(o, name)) return fail("--case: name '" + name + "' used twice");
    auto argv = counted_argv("--case " + name, rest.subspan(1));
    if (!argv) return fail(argv.error().message);
    std::size_t used = 2 + argv->size();
    o.cases.push_back(Case{std::move(name), std::move(*argv), {}, {}, 1, {}});
    return used;
}

// --case-burst NAME N: each run of case NAME starts N copies at once.
Result<std::size_t> apply_case_burst(Options& o, Words rest) {
    if (rest.size() < 2) return fail("--case-burst needs NAME N");
    auto c = case_before(o, "--case-burst", rest[0]);
    if (!c) return fail(c.error().message);
    auto n = parse_count("--case-burst " + (*c)->name, rest[1], 1);
    if (!n) return fail(n.error().message);
    if (*n > max_copies) return fail("--case-burst " + (*c)->name + ": at most " + std::to_string(max_copies) + " copies");
    (*c)->copies = *n;
    return std::size_t{2};
}

// --case-setup NAME COUNT ARG...: an argv run before each run of case NAME, untimed.
Result<std::size_t> apply_case_setup(Options& o, Words rest) {
    if (rest.empty()) return fail("--case-setup needs NAME COUNT ARG0 [ARG...]");
    auto c = case_before(o, "--case-setup", rest[0]);
    if (!c) return fail(c.error().message);
    auto argv = counted_argv("--case-setup " + (*c)->name, rest.subspan(1));
    if (!argv) return fail(argv.error().message);
    (*c)->setup = std::move(*argv);
    return 2 + (*c)->setup.size();
}

// --case-env NAME K=V: one more variable for case NAME only (given before it).
Result<std::size_t> apply_case_env(Options& o, Words rest) {
    if (rest.size() < 2 || std::strchr(rest[1], '=') == nullptr) return fail("--case-env needs NAME K=V");
    auto c = case_before(o, "--case-env", rest[0]);
    if (!c) return fail(c.error().message);
    (*c)->env.emplace_back(rest[1]);
    return std::size_t{2};
}

// --case-fresh-dir NAME VAR: each run of case NAME gets VAR = a new empty directory.
Result<std::size_t> apply_case_fresh_dir(Options& o, Words rest) {
    if (rest.size() < 2 || rest[1][0] == '\0' || std::strchr(rest[1], '=') != nullptr)
        return fail("--case-fresh-dir needs NAME VAR");
    auto c = case_before(o, "--case-fresh-dir", rest[0]);
    if (!c) return fail(c.error().message);
    (*c)->fresh_dir_var = rest[1];
    (*c)->env.push_back((*c)->fresh_dir_var + "=");
    return std::size_t{2};
}

Result<std::size_t> apply_compare(Options& o, Words rest) {
    std::string_view pair = rest.empty() ? "" : rest[0];
    auto colon = pair.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == pair.size())
        return fail("--compare needs A:B (two case names)");
    o.compares.emplace_back(pair.substr(0, colon), pair.substr(colon + 1));
    return std::size_t{1};
}

struct OptionSpec {
    std::string_view name;
    std::string_view value_help;
    Result<std::size_t> (*apply)(Options&, Words);  // returns how many words it consumed
    std::string_view help;
};

constexpr std::array<OptionSpec, 14> option_table{{
    {"--runs", "N", [](Options& o, Words w) { return apply_count(o.runs, "--runs", w, 1); },
     "measured runs per case (default 50)"},
    {"--warmup", "N", [](Options& o, Words w) { return apply_count(o.warmup, "--warmup", w, 0); },
     "unmeasured runs per case first (default 3)"},
    {"--pause", "MS", [](Options& o, Words w) { return apply_count(o.pause_ms, "--pause", w, 0); },
     "idle milliseconds before every run, e.g. for spares being rebuilt (default 0)"},
    {"--timeout", "SEC", [](Options& o, Words w) { return apply_count(o.timeout_s, "--timeout", w, 1); },
     "kill a run after SEC seconds and count it as failed (default 60)"},
    {"--seed", "N", [](Options& o, Words w) { return apply_count(o.seed, "--seed", w, 0); },
     "of the order of the cases, drawn anew each round (default 1: the same orders every time)"},
    {"--baseline", "NAME",
     [](Options& o, Words w) -> Result<std::size_t> {
         if (w.empty()) return fail("--baseline needs a value");
         o.baseline = w[0];
         return std::size_t{1};
     },
     "case the ratios divide by (default: the first case)"},
    {"--env", "K=V",
     [](Options& o, Words w) -> Result<std::size_t> {
         if (w.empty() || std::strchr(w[0], '=') == nullptr) return fail("--env needs K=V");
         o.env.emplace_back(w[0]);
         return std::size_t{1};
     },
     "environment of every case (repeatable; default: this program's)"},
    {"--compare", "A:B", apply_compare, "also print the ratio of case A's median to B's (repeatable)"},
    {"--case", "NAME COUNT ARG...", apply_case, "a case: its name, then COUNT words of argv (repeatable)"},
    {"--case-env", "NAME K=V", apply_case_env, "a variable for case NAME only, after its --case (repeatable)"},
    {"--case-fresh-dir", "NAME VAR", apply_case_fresh_dir,
     "each run of case NAME gets VAR = a new empty directory in /tmp, removed after the run (untimed)"},
    {"--case-burst", "NAME N", apply_case_burst,
     "each run of case NAME starts N copies at once: its time is the wall of the burst, and the report adds "
     "each copy's p50 and p99 (fork to exit, pooled over the runs)"},
    {"--case-setup", "NAME COUNT ARG...", apply_case_setup,
     "run this argv (case NAME's environment, untimed, before the pause) before each run of NAME; a "
     "failure fails the run"},
    {"--help", "",
     [](Options& o, Words) -> Result<std::size_t> {
         o.help = true;
         return std::size_t{0};
     },
     "this help"},
}};

Result<void> check_names(Options& o) {
    if (o.cases.empty()) return fail("no --case given; see --help");
    if (o.baseline.empty()) o.baseline = o.cases.front().name;
    if (!find_case(o, o.baseline)) return fail("--baseline: no case named '" + o.baseline + "'");
    for (const auto& [a, b] : o.compares) {
        if (!find_case(o, a) || !find_case(o, b)) return fail("--compare " + a + ":" + b + ": no such case");
    }
    return {};
}

}  // namespace

std::optional<std::size_t> find_case(const Options& o, std::string_view name) {
    for (std::size_t i = 0; i < o.cases.size(); ++i)
        if (o.cases[i].name == name) return i;
    return std::nullopt;
}

Result<Options> parse_options(std::span<char* const> words) {
    Options o;
    for (std::size_t i = 0; i < words.size();) {
        std::string_view word = words[i];
        auto spec = std::find_if(option_table.begin(), option_table.end(),
                                 [&](const OptionSpec& s) { return s.name == word; });
        if (spec == option_table.end()) return fail("unknown argument '" + std::string(word) + "'; see --help");
        auto used = spec->apply(o, words.subspan(i + 1));
        if (!used) return fail(used.error().message);
        i += 1 + *used;
    }
    if (o.help) return o;
    if (auto checked = check_names(o); !checked) return fail(checked.error().message);
    return o;
}

void print_usage() {
    std::printf("usage: start_latency [OPTIONS] --case NAME COUNT ARG0 [ARG...] [--case ...]\n\n"
                "Runs every case (an argv, no shell) once a round, each round in a new order, and prints\n"
                "the median, min and max wall time of each and the ratio of its median to the baseline\n"
                "case's.\n"
                "Exit status: 0 every run succeeded, 1 a run failed or timed out, 2 usage or setup error.\n\n"
                "options:\n");
    for (const OptionSpec& s : option_table) {
        std::string left = std::string(s.name) + (s.value_help.empty() ? "" : " ") + std::string(s.value_help);
        std::printf("  %-24s %s\n", left.c_str(), std::string(s.help).c_str());
    }
}

}  // namespace skiff::bench
