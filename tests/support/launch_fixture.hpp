// Shared fixture of the ns and e2e tiers: runs the real skiff binary, as the current (unprivileged)
// user, against the images made by tests/fixtures/build-images.sh.
#pragma once

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/support.hpp"

namespace skiff::test {

class NsTest : public ::testing::Test {
protected:
    void SetUp() override {
        SKIFF_REQUIRE(test_images_dir().has_value(),
                      "SKIFF_TEST_IMAGES is not set; run tests/fixtures/build-images.sh DIR and export it");
        SKIFF_REQUIRE(::access("/dev/fuse", R_OK | W_OK) == 0,
                      "/dev/fuse is not usable by this user; chmod 0666 /dev/fuse (as udev does)");
        SKIFF_REQUIRE(user_namespaces_enabled(), "unprivileged user namespaces are disabled on this host");
    }

    static bool user_namespaces_enabled() {
        std::ifstream f("/proc/sys/user/max_user_namespaces");
        long n = 0;
        return f >> n && n > 0;
    }

    // The fixture file `name`; fails the test if it is missing.
    static std::string image(const std::string& name) {
        auto path = test_image(name);
        EXPECT_TRUE(path.has_value()) << "fixture " << name << " missing in " << test_images_dir().value_or("?");
        return path.value_or("/nonexistent/" + name);
    }

    // skiff run --image IMAGE OPTIONS... -- COMMAND...
    static ProcessResult run_in(const std::string& image_path, const std::vector<std::string>& options,
                                const std::vector<std::string>& command, const RunOptions& run = {}) {
        std::vector<std::string> argv{skiff_binary(), "run", "--image", image_path};
        argv.insert(argv.end(), options.begin(), options.end());
        argv.push_back("--");
        argv.insert(argv.end(), command.begin(), command.end());
        return run_process(argv, run);
    }

    static ProcessResult sh(const std::string& image_path, const std::string& script,
                            const std::vector<std::string>& options = {}, const RunOptions& run = {}) {
        return run_in(image_path, options, {"/bin/sh", "-c", script}, run);
    }
};

}  // namespace skiff::test
