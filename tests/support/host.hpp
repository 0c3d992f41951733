// What the ns and e2e tiers need to know about the host: the skiff binary, the fixture
// images, who we are, what is mounted and which processes are left. tests/README.md
// describes the environment variables.
#pragma once

#include <sys/types.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace skiff::test {

// The skiff binary under test: $SKIFF_BINARY if set, else the one this build made.
std::string skiff_binary();

// $SKIFF_TEST_IMAGES (made by tests/fixtures/build-images.sh), or nullopt if unset or empty.
std::optional<std::string> test_images_dir();

// "<images dir>/<name>" if the images dir is set and that file or directory exists.
std::optional<std::string> test_image(const std::string& name);

// True when SKIFF_TESTS_MUST_RUN=1 (CI): a test that cannot run is then a failure.
bool tests_must_run();

bool running_as_root();

// Mount points in /proc/self/mountinfo that are `prefix` or lie below it (octal escapes
// such as \040 decoded), in mount order.
std::vector<std::string> mounts_under(const std::string& prefix);

// Processes other than this one for which `matches(PID)` holds, from /proc.
std::vector<pid_t> processes_where(const std::function<bool(pid_t)>& matches);

// Whether `pid` has an open file descriptor whose target (the readlink of /proc/PID/fd/N:
// a path, "pipe:[INODE]", "mnt:[INODE]") satisfies `matches`; false once the process is gone.
bool holds_descriptor(pid_t pid, const std::function<bool(const std::string&)>& matches);

// The whole of /proc/PID/NAME; "" once the process is gone, also when it exits mid-read.
std::string proc_file(pid_t pid, const std::string& name);

// The command line of `pid`, arguments joined by spaces; "" once it is gone.
std::string cmdline_of(pid_t pid);

// Processes other than this one whose command line (arguments joined by spaces) contains
// `needle`, e.g. leftover squashfuse helpers of a test.
std::vector<pid_t> processes_with_cmdline_containing(const std::string& needle);

// Whether no such process is left within `grace`: a server whose launcher just failed may
// still be on its way out (its FUSE session closing) when the launcher's exit status arrives.
bool no_process_within(const std::string& needle, std::chrono::milliseconds grace);

}  // namespace skiff::test

// SKIFF_REQUIRE(cond, reason): skip the test with `reason` when `cond` is false, or fail it
// when SKIFF_TESTS_MUST_RUN=1, so that nothing passes in CI by not running (style.md rule
// 15). Like GTEST_SKIP it returns from the current function, so use it in the test body or in
// SetUp(); a failure there is fatal, so the test body does not run.
#define SKIFF_REQUIRE(cond, reason)                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            if (::skiff::test::tests_must_run()) {                                        \
                GTEST_FAIL() << "cannot run (SKIFF_TESTS_MUST_RUN=1 makes this fatal): " \
                             << reason << " [" #cond "]";                                 \
            }                                                                             \
            GTEST_SKIP() << reason;                                                       \
        }                                                                                 \
    } while (false)
