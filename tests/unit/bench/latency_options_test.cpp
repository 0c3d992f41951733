#include "bench/latency_options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace skiff::bench {
namespace {

Result<Options> parse(std::vector<std::string> words) {
    static std::vector<std::string> kept;  // parse_options takes char* words
    kept = std::move(words);
    std::vector<char*> argv;
    for (std::string& w : kept) argv.push_back(w.data());
    return parse_options(argv);
}

TEST(LatencyOptions, BurstAndSetupBelongToTheirCase) {
    auto o = parse({"--case", "a", "2", "/bin/echo", "--", "--case", "b", "1", "/bin/true", "--case-burst", "b", "16",
                    "--case-setup", "b", "3", "/bin/skiff", "image", "stop"});
    ASSERT_TRUE(o) << o.error().message;
    ASSERT_EQ(o->cases.size(), 2U);
    EXPECT_EQ(o->cases[0].copies, 1);
    EXPECT_TRUE(o->cases[0].setup.empty());
    EXPECT_EQ(o->cases[1].copies, 16);
    EXPECT_EQ(o->cases[1].setup, (std::vector<std::string>{"/bin/skiff", "image", "stop"}));
}

TEST(LatencyOptions, RefusesABadBurstOrSetup) {
    auto expect_error = [](std::vector<std::string> words, const std::string& message) {
        auto o = parse(std::move(words));
        ASSERT_FALSE(o);
        EXPECT_EQ(o.error().message, message);
    };
    expect_error({"--case-burst", "a", "4", "--case", "a", "1", "/bin/true"}, "--case-burst: no case named 'a' before it");
    expect_error({"--case", "a", "1", "/bin/true", "--case-burst", "a", "0"}, "--case-burst a: '0' is not an integer >= 1");
    expect_error({"--case", "a", "1", "/bin/true", "--case-burst", "a", "1025"}, "--case-burst a: at most 1024 copies");
    expect_error({"--case", "a", "1", "/bin/true", "--case-setup", "a", "1", "skiff"},
                 "--case-setup a: program 'skiff' must be a path (execve does no PATH search)");
    expect_error({"--case", "a", "1", "/bin/true", "--case-setup", "a", "3", "/bin/x"},
                 "--case-setup a: fewer than 3 words follow");
}

TEST(LatencyOptions, SeedOfTheOrder) {
    auto defaulted = parse({"--case", "a", "1", "/bin/true"});
    ASSERT_TRUE(defaulted) << defaulted.error().message;
    EXPECT_EQ(defaulted->seed, 1);
    auto seeded = parse({"--seed", "42", "--case", "a", "1", "/bin/true"});
    ASSERT_TRUE(seeded) << seeded.error().message;
    EXPECT_EQ(seeded->seed, 42);
    auto bad = parse({"--seed", "-1", "--case", "a", "1", "/bin/true"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "--seed: '-1' is not an integer >= 0");
}

}  // namespace
}  // namespace skiff::bench
