// The Slurm tests' fixture: srun against the real slurmctld and slurmd that
// tests/e2e/slurm/slurm-up.sh starts, with skiff's SPANK plugin; skips where they are not up.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {

class Slurm : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        SKIFF_REQUIRE(run_process({"/bin/sh", "-c", "command -v srun && sinfo -h"}).status == 0,
                      "no Slurm here: sudo tests/e2e/slurm/slurm-up.sh BUILD/launcher/spank/spank_skiff.so BUILD/launcher/cli/skiff");
        SKIFF_REQUIRE(run_process({"/bin/grep", "-q", "spank_skiff.so", "/etc/slurm/plugstack.conf"}).status == 0,
                      "skiff's plugin is not in /etc/slurm/plugstack.conf (tests/e2e/slurm/slurm-up.sh puts it there)");
        edf_ = dir_.write_file("debian.toml", "image = \"" + image("debian.sqsh") + "\"\n");
    }

    // srun ARGS with our environment and `extra`, which srun passes on to the tasks.
    ProcessResult srun(const std::vector<std::string>& args, const EnvMap& extra = {}) const {
        std::vector<std::string> argv{"srun", "--quiet", "--overcommit"};
        argv.insert(argv.end(), args.begin(), args.end());
        RunOptions options;
        options.env = current_environment();
        for (const auto& [name, value] : extra) (*options.env)[name] = value;
        options.cwd = dir_.path();
        options.timeout = std::chrono::seconds(120);
        return run_process(with_path(argv), options);
    }

    static std::vector<std::string> with_path(std::vector<std::string> argv) {
        argv.insert(argv.begin(), {"/usr/bin/env", "PATH=/usr/local/bin:/usr/bin:/bin"});
        return argv;
    }

    static std::vector<std::string> lines(const std::string& text) {
        std::vector<std::string> out;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }

    TempDir dir_{"slurm"};
    std::string edf_;
};

}  // namespace skiff::test
