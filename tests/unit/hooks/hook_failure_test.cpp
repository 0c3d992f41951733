// The one-line failure of an external hook, and the hook directory listing.
#include "hooks/external/hook_failure.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "hooks/external/find_hooks.hpp"
#include "tests/support/temp_dir.hpp"

namespace skiff::hooks::external {
namespace {

TEST(HookFailure, ExitStatusAndTheLastThreeLinesOfStderr) {
    EXPECT_EQ(failure_message("/etc/skiff/hooks.d/50-x.sh", {3, 0, false}, 120, "one\ntwo\n\nthree\n  four\t\n"),
              "hook /etc/skiff/hooks.d/50-x.sh exited with status 3; stderr ends: two | three | four");
}

TEST(HookFailure, SignalTimeoutAndSilence) {
    EXPECT_EQ(failure_message("/h.sh", {137, 9, false}, 120, ""),
              "hook /h.sh was killed by signal 9 (Killed); it wrote nothing to stderr");
    EXPECT_EQ(failure_message("/h.sh", {143, 15, true}, 30, "waiting\n"),
              "hook /h.sh did not finish within 30 s ([hooks.external] timeout_s); stderr ends: waiting");
}

TEST(HookFailure, LinesAreCutAndControlCharactersBlanked) {
    std::string long_line(300, 'x');
    EXPECT_EQ(last_lines(long_line + "\n", 3), std::string(200, 'x') + "...");
    EXPECT_EQ(last_lines("a\x1b[31mb\r\n", 3), "a [31mb");
    EXPECT_TRUE(succeeded({0, 0, false}));
    EXPECT_FALSE(succeeded({0, 0, true}));
}

TEST(FindHooks, ExecutableShFilesInByteOrder) {
    test::TempDir dir("hooks");
    for (const char* name : {"20-b.sh", "10-a.sh", "B-upper.sh", "a-lower.sh", "30-c.sh.disabled", "40-noexec.sh", "README"}) {
        auto path = dir.write_file(name, "#!/bin/sh\n");
        ::chmod(path.c_str(), std::string(name) == "40-noexec.sh" ? 0644 : 0755);
    }
    ::mkdir((dir.path() + "/50-dir.sh").c_str(), 0755);
    auto found = find_hooks(dir.path());
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(*found, (std::vector<std::string>{dir.path() + "/10-a.sh", dir.path() + "/20-b.sh",
                                                dir.path() + "/B-upper.sh", dir.path() + "/a-lower.sh"}));
}

TEST(FindHooks, MissingOrSwitchedOffDirectoryHasNone) {
    auto none = find_hooks("/nonexistent/hooks.d");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    auto off = find_hooks("");
    ASSERT_TRUE(off);
    EXPECT_TRUE(off->empty());
}

}  // namespace
}  // namespace skiff::hooks::external
