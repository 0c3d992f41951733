// The multi-node tests' fixture: srun against the 4-node cluster that
// tests/e2e/cluster/cluster-up.sh starts (its own SLURM_CONF, beside the single-node Slurm);
// skips where it is not up. The test's directory is in $HOME, which every node shares: a
// node's /tmp is its own.
#pragma once

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {

inline constexpr const char* cluster_conf = "/var/lib/skiff-cluster/etc/slurm.conf";

class Cluster : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        SKIFF_REQUIRE(::access(cluster_conf, R_OK) == 0,
                      "no test cluster: sudo tests/e2e/cluster/cluster-up.sh BUILD/launcher/spank/spank_skiff.so "
                      "BUILD/launcher/cli/skiff (scripts/test-all.sh's step cluster does)");
        auto nodes = srun_plain({"sinfo", "-h", "-o", "%D"});
        SKIFF_REQUIRE(nodes.status == 0 && nodes.out == "4\n", "the test cluster does not have 4 nodes: " + nodes.out + nodes.err);
        edf_ = dir_.write_file("debian.toml", "image = \"" + image("debian.sqsh") + "\"\n");
    }

    // srun ARGS against the cluster, from the shared test directory.
    ProcessResult srun(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{"srun", "--quiet", "--overcommit"};
        argv.insert(argv.end(), args.begin(), args.end());
        return srun_plain(argv);
    }

    ProcessResult srun_plain(const std::vector<std::string>& argv) const {
        RunOptions options;
        options.env = current_environment();
        (*options.env)["SLURM_CONF"] = cluster_conf;
        (*options.env)["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        options.cwd = dir_.path();
        options.timeout = std::chrono::seconds(120);
        std::vector<std::string> full{"/usr/bin/env"};  // finds srun in the PATH above
        full.insert(full.end(), argv.begin(), argv.end());
        return run_process(full, options);
    }

    static std::vector<std::string> lines(const std::string& text) {
        std::vector<std::string> out;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }

    static std::string home() {
        const char* h = std::getenv("HOME");
        return h != nullptr && *h == '/' ? h : "/var/tmp";
    }

    TempDir dir_{"cluster", home()};
    std::string edf_;
};

}  // namespace skiff::test
