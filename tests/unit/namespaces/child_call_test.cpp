#include "namespaces/child_call.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include <gtest/gtest.h>

namespace skiff::ns {
namespace {

TEST(ChildCall, ReturnsWhatTheChildProduced) {
    auto out = call_in_child([] { return std::string(100000, 'x') + "end"; }, 1 << 20);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->signal, 0);
    EXPECT_EQ(out->bytes, std::string(100000, 'x') + "end");
}

TEST(ChildCall, ACrashInTheChildIsReportedNotShared) {
    auto out = call_in_child(
        [] {
            // SIGABRT, not SIGSEGV: under ASan a SIGSEGV becomes ASan's report and exit(1).
            std::abort();
            return std::string("unreachable");
        },
        1024);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->signal, SIGABRT);
    EXPECT_EQ(out->bytes, "");
}

TEST(ChildCall, TheChildChangesNothingOfTheCaller) {
    int value = 1;
    auto out = call_in_child([&] { return std::to_string(value = 2); }, 16);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->bytes, "2");
    EXPECT_EQ(value, 1);
}

TEST(ChildCall, AChildThatSendsTooMuchIsKilled) {
    auto out = call_in_child([] { return std::string(1 << 20, 'x'); }, 4096);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->signal, SIGKILL);
}

}  // namespace
}  // namespace skiff::ns
