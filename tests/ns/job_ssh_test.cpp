// SSH between the containers of a Slurm step, on one node (hooks.md §3, issue 20): the step's
// keys arrive in SKIFF_SPANK_SSH_* as srun hands them out; sshd shows the step's host key and
// accepts the step's user key; the variables never reach the container. The multi-node side
// is e2e.ClusterSsh.*.
#include <unistd.h>

#include "tests/support/free_port.hpp"
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

using namespace std::chrono_literals;

class JobSsh : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        if (IsSkipped()) return;
        SKIFF_REQUIRE(::access("/usr/sbin/sshd", X_OK) == 0, "no /usr/sbin/sshd; apt-get install openssh-server");
        for (const char* key : {"id", "step-user", "step-host"}) {
            auto keygen = run_process({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys_ / key});
            ASSERT_EQ(keygen.status, 0) << keygen;
        }
        port_ = free_tcp_port();
        env_ = current_environment();
        env_["SKIFF_SPANK_SSH_USER_KEY"] = read(keys_ / "step-user");
        env_["SKIFF_SPANK_SSH_USER_PUBLIC"] = read(keys_ / "step-user.pub");
        env_["SKIFF_SPANK_SSH_HOST_KEY"] = read(keys_ / "step-host");
        env_["SKIFF_SPANK_SSH_HOST_PUBLIC"] = read(keys_ / "step-host.pub");
        env_["SLURM_STEP_NODELIST"] = "localhost,n[1-2]";
    }

    static std::string read(const std::string& path) { return run_process({"/bin/cat", path}).out; }

    std::vector<std::string> run_argv(bool ssh, const std::vector<std::string>& command) const {
        std::vector<std::string> argv{skiff_binary(), "run", "--image", image("musl.sqsh")};
        if (ssh)
            argv.insert(argv.end(), {"-v", "--annotation", "com.hooks.ssh.enabled=true", "--annotation",
                                     "com.hooks.ssh.authorize_ssh_key=" + keys_ / "id.pub", "--annotation",
                                     "com.hooks.ssh.port=" + std::to_string(port_)});
        argv.emplace_back("--");
        argv.insert(argv.end(), command.begin(), command.end());
        return argv;
    }

    TempDir keys_{"jobssh"};
    int port_ = 0;
    EnvMap env_;
};

TEST_F(JobSsh, TheStepsKeysNeverReachTheContainer) {
    RunOptions options;
    options.env = env_;
    auto r = run_process(run_argv(false, {"/usr/bin/env"}), options);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out.find("SKIFF_SPANK_SSH_"), std::string::npos) << r;
    EXPECT_NE(r.out.find("SLURM_STEP_NODELIST=localhost,n[1-2]"), std::string::npos) << r;
}

TEST_F(JobSsh, ABadStepKeyIsOneErrorBeforeTheCommand) {
    RunOptions options;
    options.env = env_;
    (*options.env)["SKIFF_SPANK_SSH_HOST_PUBLIC"] = "ssh-rsa AAAA";
    auto r = run_process(run_argv(true, {"/bin/true"}), options);
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("skiff: error: com.hooks.ssh: SKIFF_SPANK_SSH_HOST_PUBLIC is not an ssh-ed25519 public key"),
              std::string::npos) << r;
}

// From the host, as a node of the step would: the step's user key logs in, the step's host key
// is the one in known_hosts, and the container holds the client files for the step's nodes.
TEST_F(JobSsh, SshdShowsTheStepsHostKeyAndAcceptsTheStepsUserKey) {
    RunOptions options;
    options.env = env_;
    auto container = start_process(run_argv(true, {"/bin/sh", "-c", "while [ ! -e /tmp/stop ]; do sleep 0.1; done"}), options);
    ASSERT_TRUE(container.wait_for_output("ssh: listening", 30s)) << container.err_so_far();
    auto known_hosts = keys_.write_file("known_hosts", "[localhost]:" + std::to_string(port_) + " " +
                                                                           read(keys_ / "step-host.pub"));
    auto ssh = run_process({"/usr/bin/ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                            "-o", "UserKnownHostsFile=" + known_hosts, "-o", "IdentitiesOnly=yes", "-i", keys_ / "step-user",
                            "-p", std::to_string(port_), "localhost",
                            "cat /.skiff/ssh/known_hosts /etc/ssh/ssh_config.d/00-skiff-job.conf; touch /tmp/stop"});
    EXPECT_EQ(ssh.status, 0) << ssh;
    const std::string port = std::to_string(port_);
    EXPECT_EQ(ssh.out, "localhost,[localhost]:" + port + ",n1,[n1]:" + port + ",n2,[n2]:" + port + " " +
                           read(keys_ / "step-host.pub") +
                           "# skiff: SSH between the containers of this Slurm step (com.hooks.ssh)\n"
                           "Include /.skiff/ssh/ssh_config\n")
        << ssh;
    auto done = container.wait(20s);
    EXPECT_EQ(done.status, 0) << done;
}

}  // namespace
}  // namespace skiff::test
