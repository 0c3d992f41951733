// srun --environment through skiff's SPANK plugin, against the real slurmctld and slurmd that
// tests/e2e/slurm/slurm-up.sh starts (scripts/test-all.sh runs it as root).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/e2e/slurm_fixture.hpp"

namespace skiff::test {
namespace {

TEST_F(Slurm, TasksOfANodeShareOneContainer) {
    auto host_ns = run_process({"/usr/bin/readlink", "/proc/self/ns/mnt"});
    auto r = srun({"-n4", "--environment=" + edf_, "/bin/sh", "-c",
                   "echo $SLURM_PROCID $(readlink /proc/self/ns/mnt) $(. /etc/os-release; echo $ID)"});
    ASSERT_EQ(r.status, 0) << r;
    auto out = lines(r.out);
    ASSERT_EQ(out.size(), 4u) << r;
    std::set<std::string> ranks, namespaces;
    for (const auto& line : out) {
        std::istringstream words(line);
        std::string rank, ns, id;
        words >> rank >> ns >> id;
        ranks.insert(rank);
        namespaces.insert(ns);
        EXPECT_EQ(id, "debian") << line;
    }
    EXPECT_EQ(ranks, (std::set<std::string>{"0", "1", "2", "3"}));
    ASSERT_EQ(namespaces.size(), 1u) << r.out;
    EXPECT_NE(*namespaces.begin() + "\n", host_ns.out) << "the tasks ran in the host's mount namespace";
}

TEST_F(Slurm, RelativeEdfPathIsSrunsAndNamesResolveInTheImage) {
    auto r = srun({"--environment=./debian.toml", "cat", "/etc/debian_version"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, run_process({"/bin/cat", image("debian-rootfs") + "/etc/debian_version"}).out);
}

TEST_F(Slurm, ExitCodesAndSignalsComeBackThroughSrun) {
    EXPECT_EQ(srun({"--environment=" + edf_, "/bin/sh", "-c", "exit 3"}).status, 3);
    EXPECT_EQ(srun({"--environment=" + edf_, "/bin/sh", "-c", "kill -KILL $$"}).status, 137);
}

TEST_F(Slurm, PtyStepsGetATerminalInTheContainer) {
    // script(1) gives srun a terminal, as an interactive user's shell would.
    auto r = run_process(with_path({"script", "-qec",
                                    "srun --quiet --pty --environment=" + edf_ +
                                        " /bin/sh -c 'test -t 0 && test -t 1 && echo tty-ok; . /etc/os-release; echo $ID'",
                                    "/dev/null"}));
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("tty-ok"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("debian"), std::string::npos) << r.out;
}

TEST_F(Slurm, BadEdfFailsInSrunWithItsMessage) {
    auto bad = dir_.write_file("bad.toml", "image = \"" + image("debian.sqsh") + "\"\nmounts = [\n");
    auto r = srun({"--environment=" + bad, "true"});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find(bad + ":3:"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("queued"), std::string::npos) << "the step should never have been submitted: " << r.err;
}

TEST_F(Slurm, ContainerThatCannotStartFailsTheTaskWithSkiffsLine) {
    auto edf = dir_.write_file("nowd.toml", "image = \"" + image("debian.sqsh") + "\"\nworkdir = \"/nope\"\n");
    auto r = srun({"--environment=" + edf, "true"});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("workdir '/nope' does not exist in the container"), std::string::npos) << r.err;
}

TEST_F(Slurm, NothingOutlivesTheStep) {
    ASSERT_NE(srun({"--environment=" + dir_.write_file("nowd.toml", "image = \"" + image("debian.sqsh") + "\"\nworkdir = \"/nope\"\n"), "true"}).status, 0);
    ASSERT_EQ(srun({"-n2", "--environment=" + edf_, "true"}).status, 0);
    // The holder and the step's image server leave when the step's slurmstepd does, which may
    // outlast srun a little.
    const std::string pattern = "'[_]_container-holder|[_]_image-server.*-job'";
    auto left = run_process({"/bin/sh", "-c",
                             "for i in $(seq 100); do pgrep -u $(id -u) -f " + pattern + " >/dev/null || exit 0; sleep 0.1; done; "
                             "pgrep -a -u $(id -u) -f " + pattern});
    EXPECT_EQ(left.out, "") << "processes left after 10 s: " << left.out;
    auto steps = run_process({"/bin/sh", "-c", "ls /tmp/skiff-$(id -u)/slurm 2>/dev/null"});
    EXPECT_EQ(steps.out, "") << "step state left: " << steps.out;
}

TEST_F(Slurm, SallocHandsTheEnvironmentToItsSruns) {
    auto r = run_process(with_path({"salloc", "--quiet", "-n2", "--overcommit", "--environment=" + edf_, "srun", "--quiet",
                                    "/bin/sh", "-c", ". /etc/os-release; echo $ID"}));
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "debian\ndebian\n") << r;
}

TEST_F(Slurm, BatchScriptsAreRefusedWithAClearMessage) {
    auto r = run_process(with_path({"sbatch", "--environment=" + edf_, "--wrap", "true"}));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("--environment is for srun"), std::string::npos) << r.err;
}

TEST_F(Slurm, PmixServerDirectoryAndPerTaskRanksReachTheTasks) {
    auto r = srun({"-n2", "--mpi=pmix", "--environment=" + edf_, "/bin/sh", "-c",
                   "d=${PMIX_SERVER_TMPDIR%/}; grep -q \" $d \" /proc/self/mountinfo && echo $PMIX_RANK $PMIX_MCA_psec"});
    ASSERT_EQ(r.status, 0) << r;
    auto out = lines(r.out);
    std::sort(out.begin(), out.end());
    EXPECT_EQ(out, (std::vector<std::string>{"0 native", "1 native"})) << r;
    auto off = dir_.write_file("noslurm.toml", "image = \"" + image("debian.sqsh") +
                                                   "\"\n[annotations]\ncom.hooks.slurm.enabled = \"false\"\n");
    auto r2 = srun({"--mpi=pmix", "--environment=" + off, "/bin/sh", "-c",
                    "d=${PMIX_SERVER_TMPDIR%/}; grep -c \" $d \" /proc/self/mountinfo || true"});
    EXPECT_EQ(r2.out, "0\n") << r2;
}

TEST_F(Slurm, MpiProgramInTheImageRunsUnderPmix) {
    auto mpi = dir_.write_file("mpi.toml", "image = \"" + image("debian-mpi.sqsh") + "\"\n");
    auto r = srun({"-n4", "--mpi=pmix", "--environment=" + mpi, "/usr/local/bin/mpi-hello"});
    ASSERT_EQ(r.status, 0) << r;
    auto out = lines(r.out);
    std::sort(out.begin(), out.end());
    EXPECT_EQ(out, (std::vector<std::string>{"rank 0 of 4 sum 6", "rank 1 of 4 sum 6", "rank 2 of 4 sum 6",
                                              "rank 3 of 4 sum 6"})) << r;
}

TEST_F(Slurm, PlainSkiffRunWorksUnderSrunWithoutThePlugin) {
    auto r = srun({skiff_binary(), "run", "-e", edf_, "--", "cat", "/etc/debian_version"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, run_process({"/bin/cat", image("debian-rootfs") + "/etc/debian_version"}).out);
}

// plugstack.conf's `skiff=PATH` is the binary the plugin runs: the node's shared container is
// held by a skiff process, and that process's executable is PATH (read from the host while the
// step runs, since the container may not read it).
TEST_F(Slurm, ThePluginRunsTheSkiffItsArgumentNames) {
    std::ifstream conf("/etc/slurm/plugstack.conf");
    std::string line, named;
    while (std::getline(conf, line) && named.empty())
        if (auto at = line.find(" skiff="); line.find("spank_skiff.so") != std::string::npos && at != std::string::npos)
            named = line.substr(at + 7, line.find(' ', at + 7) - at - 7);
    ASSERT_FALSE(named.empty()) << "no skiff= argument in /etc/slurm/plugstack.conf";
    RunOptions in_dir;
    in_dir.cwd = dir_.path();
    auto step = start_process(
        with_path({"srun", "--quiet", "--environment=" + edf_, "/bin/sh", "-c",
                   "me=$(readlink /proc/self/ns/mnt); for p in /proc/[0-9]*; do "
                   "[ $p != /proc/$$ ] && [ \"$(readlink $p/ns/mnt)\" = \"$me\" ] && grep -q __container-holder $p/cmdline && echo holder ${p#/proc/}; "
                   "done 2>/dev/null; sleep 5"}),
        in_dir);
    ASSERT_TRUE(step.wait_for_output("\n", std::chrono::seconds(60))) << step.err_so_far();
    std::istringstream words(step.out_so_far());
    std::string word, pid;
    words >> word >> pid;
    ASSERT_EQ(word, "holder") << step.out_so_far();
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/" + pid + "/exe", ec);
    EXPECT_EQ(exe, std::filesystem::canonical(named)) << ec.message();
    EXPECT_EQ(step.wait().status, 0);
}

}  // namespace
}  // namespace skiff::test
