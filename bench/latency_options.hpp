// The command line of start_latency: the cases (name + argv) and how to measure them.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace skiff::bench {

struct Case {
    std::string name;               // one word: it starts the RESULT lines
    std::vector<std::string> argv;  // argv[0] is a path: execve does no PATH search
    std::vector<std::string> env;   // K=V added to (or replacing in) every case's environment
    std::string fresh_dir_var;      // if set: this variable names a new, empty directory each run
    int copies = 1;                 // a burst: this many started at once, each timed
    std::vector<std::string> setup;  // if set: run (untimed, must succeed) before each run
};

struct Options {
    int runs = 50;
    int warmup = 3;
    int timeout_s = 60;
    int pause_ms = 0;  // idle time before every run, so that work a launch left behind ends
    int seed = 1;      // of each round's case order (round_order.hpp)
    std::string baseline;               // the ratios divide by this case's median; default: the first
    std::vector<std::string> env;       // K=V, the whole environment of every case
    std::vector<Case> cases;
    std::vector<std::pair<std::string, std::string>> compares;  // extra ratios: A's median over B's
    bool help = false;
};

// Parses the words after the program name. Names in --baseline and --compare must be cases.
Result<Options> parse_options(std::span<char* const> words);

// At most this many copies in a burst (--case-burst).
inline constexpr int max_copies = 1024;

// Where the case called `name` is in o.cases.
std::optional<std::size_t> find_case(const Options& o, std::string_view name);

void print_usage();

}  // namespace skiff::bench
