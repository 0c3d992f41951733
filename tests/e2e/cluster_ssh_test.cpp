// SSH between the containers of a Slurm step (issue 20, part 4; hooks.md §3): srun makes the
// step's keys, and from a rank's container a plain `ssh NODE` logs in to that node's container,
// with the job's environment byte for byte, and mpirun starts ranks there. On the 4-node cluster
// of tests/e2e/cluster, in the image with Open MPI (which brings the OpenSSH client).
#include <algorithm>

#include "tests/e2e/cluster_fixture.hpp"
#include "tests/support/ssh_corpus.hpp"

namespace skiff::test {
namespace {

class ClusterSsh : public Cluster {
protected:
    void SetUp() override {
        Cluster::SetUp();
        if (IsSkipped()) return;
        for (const char* key : {"id", "other"}) {
            auto keygen = run_process({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir_ / key});
            ASSERT_EQ(keygen.status, 0) << keygen;
        }
    }

    // The MPI image with SSH on `port` (each test its own: an earlier step's container may
    // still hold its port for a moment), the test directory mounted, and a PATH with a space.
    std::string ssh_edf(int port) {
        return dir_.write_file("ssh.toml", "image = \"" + image("debian-mpi.sqsh") + "\"\n"
                                           "mounts = [\"" + dir_.path() + "\"]\n"
                                           "[env]\n"
                                           "PATH = \"/opt/skiff test/bin:/usr/local/bin:/usr/bin:/bin\"\n"
                                           "[annotations.com.hooks.ssh]\n"
                                           "enabled = \"true\"\n"
                                           "authorize_ssh_key = \"" + dir_ / "id.pub" + "\"\n"
                                           "port = \"" + std::to_string(port) + "\"\n");
    }

    // srun -N2 -n2: task 0 (on n1) waits until n2's sshd accepts the step's key, runs `rank0`
    // and then lets task 1 (on n2, which keeps n2's container up) end. The corpus's values
    // (but PATH, which a host never passes on) are in srun's environment, hence the job's.
    ProcessResult two_node_step(int port, const std::string& rank0) {
        const std::string done = dir_ / "done";
        std::string script =
            "if [ \"$SLURM_PROCID\" = 0 ]; then "
            "  end=$(($(date +%s) + 30)); "
            "  until ssh n2 true 2>/dev/null || [ $(date +%s) -ge $end ]; do sleep 0.2; done; "
            "  " + rank0 + "; status=$?; touch " + done + "; exit $status; "
            "else "
            "  readlink /proc/self/ns/user >" + dir_ / "userns-n2" + "; "
            "  end=$(($(date +%s) + 90)); "
            "  until [ -e " + done + " ] || [ $(date +%s) -ge $end ]; do sleep 0.2; done; "
            "fi";
        RunOptions options;
        options.env = current_environment();
        for (const auto& [name, value] : corpus)
            if (name != "PATH") (*options.env)[name] = value;
        (*options.env)["SLURM_CONF"] = cluster_conf;
        (*options.env)["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        options.cwd = dir_.path();
        options.timeout = std::chrono::seconds(150);
        return run_process({"/usr/bin/env", "srun", "--quiet", "--overcommit", "-N2", "-n2",
                            "--environment=" + ssh_edf(port), "/bin/sh", "-c", script},
                           options);
    }

    std::string userns_of_n2() const {
        auto text = run_process({"/bin/cat", dir_ / "userns-n2"}).out;
        return text.empty() ? "(none)" : text.substr(0, text.size() - 1);
    }
};

// The corpus's printf with its format in double quotes: the remote command is in single ones.
std::string print_values_in_single_quotes() {
    auto command = print_values();
    return "printf \"%s\\0\"" + command.substr(command.find("' ") + 1);
}

TEST_F(ClusterSsh, RankZeroLogsInToTheOtherContainerByNodeName) {
    auto r = two_node_step(15271, "ssh n2 'echo \"$(hostname) $(readlink /proc/self/ns/user) "
                                  "$(test -x /usr/local/bin/mpi-hello && echo debian-mpi)\"; " +
                                      print_values_in_single_quotes() + "'");
    ASSERT_EQ(r.status, 0) << r;
    auto newline = r.out.find('\n');
    ASSERT_NE(newline, std::string::npos) << r;
    EXPECT_EQ(r.out.substr(0, newline), "n2 " + userns_of_n2() + " debian-mpi")
        << "the session is not in n2's container (the task's user namespace there, the MPI image)";
    EXPECT_EQ(r.out.substr(newline + 1), expected_values()) << "the job's environment did not arrive byte for byte";
}

TEST_F(ClusterSsh, OnlyTheStepsAndTheUsersKeysAreAccepted) {
    // Outside the job's configuration (-F /dev/null), with one key each: the step's host key is
    // still the one every node presents.
    auto with_key = [&](const std::string& key) {
        return "ssh -F /dev/null -p 15272 -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes "
               "-o UserKnownHostsFile=/.skiff/ssh/known_hosts -i " + key + " n2";
    };
    auto r = two_node_step(15272, "ssh n2 echo step key: ok; " + with_key(dir_ / "id") + " echo user key: ok; " +
                                      with_key(dir_ / "other") + " echo other key: ok; echo other key: $?; " +
                                      with_key("/.skiff/ssh/id_ed25519") + " echo step key file: ok");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(lines(r.out), (std::vector<std::string>{"step key: ok", "user key: ok", "other key: 255", "step key file: ok"}))
        << r;
    EXPECT_NE(r.err.find("Permission denied (publickey)"), std::string::npos) << r;
}

// Open MPI's own launcher, over SSH (plm rsh) with a host file, not through Slurm: mpirun in
// n1's container starts n2's ranks in n2's container.
TEST_F(ClusterSsh, MpirunStartsRanksInTheOtherContainerOverSsh) {
    run_process({"/bin/sh", "-c", "printf 'n1 slots=2\\nn2 slots=2\\n' >" + dir_ / "hosts"});
    auto r = two_node_step(15273, "env -u SLURM_JOBID -u SLURM_JOB_ID mpirun --mca plm rsh --hostfile " + dir_ / "hosts" +
                                      " -np 4 /bin/sh -c 'echo $(hostname) $(/usr/local/bin/mpi-hello)'");
    ASSERT_EQ(r.status, 0) << r;
    auto got = lines(r.out);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"n1 rank 0 of 4 sum 6", "n1 rank 1 of 4 sum 6", "n2 rank 2 of 4 sum 6",
                                             "n2 rank 3 of 4 sum 6"}))
        << r;
}

}  // namespace
}  // namespace skiff::test
