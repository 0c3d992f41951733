// srun across the nodes of tests/e2e/cluster/cluster-up.sh, plain and through skiff's SPANK
// plugin, as the unprivileged test user (issue 20, part 2).
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "tests/e2e/cluster_fixture.hpp"

namespace skiff::test {
namespace {

const std::vector<std::string> four_nodes{"n1", "n2", "n3", "n4"};

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// A plain task on each node prints "NODE left:PIDS mounts:N": PIDS are the processes in the
// node's network namespace whose command is skiff (the container holder, image servers, anything
// skiff started under its own name), N the number of mounts in the node's mount namespace, where
// a plain task runs. It looks again until PIDS is empty or `seconds` have passed.
std::string skiff_census(int seconds) {
    return "net=$(readlink /proc/self/ns/net); end=$(($(date +%s) + " + std::to_string(seconds) + ")); "
           "while :; do left=''; "
           "  for p in /proc/[0-9]*; do "
           "    [ \"$(readlink $p/ns/net 2>/dev/null)\" = \"$net\" ] || continue; "
           "    case $(tr '\\0' ' ' <$p/cmdline 2>/dev/null) in skiff\\ *|*/skiff\\ *) left=\"$left ${p#/proc/}\" ;; esac; "
           "  done; "
           "  [ -z \"$left\" ] || [ $(date +%s) -ge $end ] && break; sleep 0.2; "
           "done; "
           "echo \"$(hostname) left:$left mounts:$(wc -l </proc/self/mountinfo)\"";
}

TEST_F(Cluster, PlainSrunReachesEveryNode) {
    auto r = srun({"-N4", "hostname"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(sorted(lines(r.out)), four_nodes) << r;
}

// A task is in the container when it sees the image's files and is in a user namespace that is
// not the test's (the nodes share the host's); the node's tasks share one.
TEST_F(Cluster, EnvironmentRunsOneContainerPerNode) {
    const auto image_version = run_process({"/bin/cat", image("debian-rootfs") + "/etc/debian_version"}).out;
    const auto host_userns = run_process({"/usr/bin/readlink", "/proc/self/ns/user"}).out;
    auto r = srun({"-N4", "-n8", "--environment=" + edf_, "/bin/sh", "-c",
                   "echo $(hostname) $(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/user) $(cat /etc/debian_version)"});
    ASSERT_EQ(r.status, 0) << r;
    std::map<std::string, std::set<std::string>> containers_of;
    std::set<std::string> containers;
    for (const auto& line : lines(r.out)) {
        std::istringstream words(line);
        std::string node, mnt, user, version;
        words >> node >> mnt >> user >> version;
        EXPECT_EQ(version + "\n", image_version) << "not the image's /etc/debian_version: " << line;
        EXPECT_NE(user + "\n", host_userns) << "the task ran in the host's user namespace: " << line;
        containers_of[node].insert(mnt + " " + user);
        containers.insert(mnt + " " + user);
    }
    std::vector<std::string> nodes;
    for (const auto& [node, on_node] : containers_of) {
        nodes.push_back(node);
        EXPECT_EQ(on_node.size(), 1u) << node << " ran its tasks in more than one container:\n" << r.out;
    }
    EXPECT_EQ(nodes, four_nodes) << r;
    EXPECT_EQ(containers.size(), 4u) << "nodes shared a container:\n" << r.out;
}

// Open MPI in the image, wired up by Slurm's PMIx across two nodes: the allreduce's sum is every
// rank's, and each node runs two of the ranks.
TEST_F(Cluster, MpiAllreduceAcrossTwoNodes) {
    auto mpi = dir_.write_file("mpi.toml", "image = \"" + image("debian-mpi.sqsh") + "\"\n");
    auto r = srun({"-N2", "-n4", "--mpi=pmix", "--environment=" + mpi, "/bin/sh", "-c",
                   "echo $(hostname) $(/usr/local/bin/mpi-hello)"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(sorted(lines(r.out)), (std::vector<std::string>{"n1 rank 0 of 4 sum 6", "n1 rank 1 of 4 sum 6",
                                                               "n2 rank 2 of 4 sum 6", "n2 rank 3 of 4 sum 6"}))
        << r;
}

// The holder and the step's image server leave when the node's slurmstepd does, which may
// outlast srun a little: up to 10 s, for an earlier test's step as for this one.
TEST_F(Cluster, NothingOfSkiffOutlivesTheStepOnAnyNode) {
    auto before = srun({"-N4", "/bin/sh", "-c", skiff_census(10)});
    ASSERT_EQ(before.status, 0) << before;
    for (const auto& line : lines(before.out))
        ASSERT_NE(line.find(" left: mounts:"), std::string::npos) << "skiff runs on a node before the step: " << line;
    auto step = srun({"-N4", "-n8", "--environment=" + edf_, "true"});
    ASSERT_EQ(step.status, 0) << step;
    auto after = srun({"-N4", "/bin/sh", "-c", skiff_census(10)});
    ASSERT_EQ(after.status, 0) << after;
    EXPECT_EQ(sorted(lines(after.out)), sorted(lines(before.out)))
        << "skiff processes or mounts left on a node after its step (before the step, then after):\n"
        << before.out << "--\n" << after.out;
}

// --container-save keeps rank 0's container: the first node's, not another's, and one writer.
TEST_F(Cluster, ContainerSaveKeepsRankZerosContainerOnly) {
    auto r = srun({"-N2", "-n2", "--environment=" + edf_, "--container-save=saved.sqsh", "/bin/sh", "-c",
                   "hostname > /etc/node-of-rank-$SLURM_PROCID"});
    ASSERT_EQ(r.status, 0) << r;
    auto ranks = srun_plain({"srun", "-N2", "-n2", "--quiet", "/bin/sh", "-c", "echo $SLURM_PROCID $(hostname)"});
    std::string rank_zero_node;
    for (const auto& line : lines(ranks.out))
        if (line.starts_with("0 ")) rank_zero_node = line.substr(2);
    auto saved = run_process({"unsquashfs", "-cat", dir_ / "saved.sqsh", "/etc/node-of-rank-0"});
    ASSERT_EQ(saved.status, 0) << saved << r;
    EXPECT_EQ(saved.out, rank_zero_node + "\n");
    auto listing = run_process({"unsquashfs", "-l", dir_ / "saved.sqsh"});
    EXPECT_EQ(listing.out.find("node-of-rank-1"), std::string::npos) << "rank 1 ran on the other node's container";
}

}  // namespace
}  // namespace skiff::test
