#include "launcher/run/holder_state.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::run {
namespace {

using namespace std::string_literals;

TEST(HolderState, RoundTrips) {
    EnvMap env{{"PATH", "/usr/bin:/bin"}, {"EMPTY", ""}, {"EQUALS", "a=b=c"}, {"SPACES", " x y "}};
    auto bytes = format_holder_state(4242, "/work dir", env);
    ASSERT_TRUE(bytes) << bytes.error().message;
    EXPECT_EQ(*bytes, "4242\0/work dir\0EMPTY=\0EQUALS=a=b=c\0PATH=/usr/bin:/bin\0SPACES= x y \0"s);
    auto state = parse_holder_state(*bytes);
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ(state->holder, 4242);
    EXPECT_EQ(state->workdir, "/work dir");
    EXPECT_EQ(state->env, (std::vector<std::string>{"EMPTY=", "EQUALS=a=b=c", "PATH=/usr/bin:/bin", "SPACES= x y "}));
}

TEST(HolderState, NoVariablesIsAState) {
    auto state = parse_holder_state("1\0/\0"s);
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ(state->workdir, "/");
    EXPECT_TRUE(state->env.empty());
}

TEST(HolderState, RefusesHostileBytes) {
    const std::string hostile[] = {
        ""s,                                   // empty
        "123"s,                                // no NUL at all
        "123\0/work"s,                         // truncated in the workdir
        "123\0/work\0A=1"s,                    // truncated in a variable
        "123\0/work\0A=1\0B"s,                 // a variable without '='
        "123\0/work\0=1\0"s,                   // an empty name
        "123\0relative\0"s,                    // a relative workdir
        "0\0/\0"s, "-5\0/\0"s, "+5\0/\0"s,     // not a process id
        "12a\0/\0"s, " 12\0/\0"s,
        "99999999999999999999999\0/\0"s,       // past pid_t
        "1\0/"s + std::string(holder_workdir_limit, 'w') + "\0"s,
        "1\0/\0A="s + std::string(holder_field_limit, 'v') + "\0"s,
        "1\0/\0"s + std::string(holder_state_limit, '\0'),  // past the file's bound
    };
    for (const auto& bytes : hostile) {
        SCOPED_TRACE(bytes.substr(0, 40));
        EXPECT_FALSE(parse_holder_state(bytes));
    }
}

TEST(HolderState, BoundsTheNumberOfVariables) {
    std::string bytes = "1\0/\0"s;
    for (std::size_t i = 0; i < holder_env_limit; ++i) bytes += "A=\0"s;
    EXPECT_TRUE(parse_holder_state(bytes));
    auto refused = parse_holder_state(bytes + "B=\0"s);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("more than 65536 variables"), std::string::npos) << refused.error().message;
}

TEST(HolderState, TheWriterRefusesWhatTheReaderWould) {
    EXPECT_FALSE(format_holder_state(1, "relative", {}));
    EXPECT_FALSE(format_holder_state(1, "/", {{"BIG", std::string(holder_field_limit, 'v')}}));
}

TEST(HolderState, ReadsAFileButNotThroughASymlinkNorAHugeOne) {
    test::TempDir dir("holder-state");
    auto bytes = format_holder_state(::getpid(), "/", {{"A", "1"}});
    ASSERT_TRUE(bytes);
    dir.write_file("state", *bytes);
    auto state = read_holder_state(dir / "state");
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ(state->env, std::vector<std::string>{"A=1"});
    ASSERT_EQ(::symlink((dir / "state").c_str(), (dir / "link").c_str()), 0);
    EXPECT_FALSE(read_holder_state(dir / "link"));
    dir.write_file("huge", "1\0/\0"s + std::string(holder_state_limit, 'x'));
    EXPECT_FALSE(read_holder_state(dir / "huge"));
    EXPECT_FALSE(read_holder_state(dir / "missing"));
}

}  // namespace
}  // namespace skiff::run
