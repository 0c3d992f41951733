// The warm-path suites' common ground: launches with a runtime directory (and so image
// servers) of the test's own, stopped when the test ends.
#pragma once

#include <string>
#include <vector>

#include "common/env_map.hpp"
#include "tests/support/launch_fixture.hpp"

extern char** environ;

namespace skiff::test {

class WarmTest : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        env_ = skiff::env_from_envp(environ);
        env_["XDG_RUNTIME_DIR"] = runtime_.path();
        env_.erase("SKIFF_SERVER_IDLE");
        env_.erase("SKIFF_WARM_SPARES");
    }

    void TearDown() override { (void)skiff({"image", "stop", "--force"}); }

    RunOptions options() const {
        RunOptions o;
        o.env = env_;
        return o;
    }

    ProcessResult skiff(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{skiff_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, options());
    }

    TempDir runtime_{"xdg"};
    EnvMap env_;
};

}  // namespace skiff::test
