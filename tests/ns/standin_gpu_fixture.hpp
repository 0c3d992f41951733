// The fixture of the GPU tests: a stand-in NVIDIA driver (tests/support/standin_driver.hpp)
// with two GPUs whose NVML (bus) order differs from their minors: index 0 is GPU-first on
// /dev/nvidia1, index 1 is GPU-second on /dev/nvidia0; FIFOs stand in for the device nodes, and
// a site configuration's [hooks.nvidia] points at it.
#pragma once

#include <optional>

#include "tests/support/launch_fixture.hpp"
#include "tests/support/standin_driver.hpp"

namespace skiff::test {

class StandinGpuTest : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        if (IsSkipped()) return;
        SKIFF_REQUIRE(standin_driver_missing_tools().empty(), standin_driver_missing_tools());
        auto driver = build_standin_driver(tree_, {{"0000:01:00.0", "GPU-first", 1}, {"0000:02:00.0", "GPU-second", 0}});
        ASSERT_TRUE(driver) << driver.error().message;
        driver_ = *driver;
        site_ = tree_.write_file("skiff.toml", driver->site_table());
    }

    // Our environment with SKIFF_CONFIG naming the site configuration, and `extra`.
    RunOptions with_site(const EnvMap& extra = {}) const {
        RunOptions run;
        run.env = current_environment();
        (*run.env)["SKIFF_CONFIG"] = site_;
        for (const auto& [k, v] : extra) (*run.env)[k] = v;
        return run;
    }

    TempDir tree_{"nvidia"};
    std::optional<StandinDriver> driver_;
    std::string site_;
};

}  // namespace skiff::test
