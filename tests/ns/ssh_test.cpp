// The SSH hook end to end (hooks.md §3): the host's OpenSSH client against the sshd that skiff
// starts in the container, on loopback. The environment is compared byte for byte.
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include <thread>

#include "tests/support/free_port.hpp"
#include "tests/support/launch_fixture.hpp"
#include "tests/support/ssh_corpus.hpp"

namespace skiff::test {
namespace {

using namespace std::chrono_literals;

class Ssh : public NsTest, public ::testing::WithParamInterface<const char*> {
protected:
    void SetUp() override {
        NsTest::SetUp();
        if (IsSkipped()) return;
        SKIFF_REQUIRE(::access("/usr/sbin/sshd", X_OK) == 0, "no /usr/sbin/sshd; apt-get install openssh-server");
        SKIFF_REQUIRE(::access("/usr/bin/ssh", X_OK) == 0, "no /usr/bin/ssh; apt-get install openssh-client");
        auto keygen = run_process({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys_ / "id"});
        ASSERT_EQ(keygen.status, 0) << keygen;
        port_ = free_tcp_port();
    }

    std::vector<std::string> options(std::vector<std::string> extra = {}) const {
        std::vector<std::string> o{"-v", "--annotation", "com.hooks.ssh.enabled=true", "--annotation",
                                   "com.hooks.ssh.authorize_ssh_key=" + keys_ / "id.pub", "--annotation",
                                   "com.hooks.ssh.port=" + std::to_string(port_)};
        for (const auto& [name, value] : corpus) {
            o.push_back("--env");
            o.push_back(name + "=" + value);
        }
        o.insert(o.end(), extra.begin(), extra.end());
        return o;
    }

    // The container runs until an SSH session creates /tmp/stop.
    BackgroundProcess start(std::vector<std::string> extra = {}) const {
        std::vector<std::string> argv{skiff_binary(), "run", "--image", image(GetParam())};
        auto o = options(std::move(extra));
        argv.insert(argv.end(), o.begin(), o.end());
        argv.insert(argv.end(), {"--", "/bin/sh", "-c", "while [ ! -e /tmp/stop ]; do sleep 0.1; done; echo done"});
        return start_process(argv);
    }

    // A container with `home` mounted over the user's home directory, its sshd listening.
    BackgroundProcess start_with_home(const std::string& home) const {
        const passwd* pw = ::getpwuid(::getuid());
        EXPECT_NE(pw, nullptr);
        auto container = start({"--mount", home + ":" + (pw != nullptr ? pw->pw_dir : "/nonexistent")});
        EXPECT_TRUE(container.wait_for_output("ssh: listening", 30s)) << container.err_so_far();
        return container;
    }

    std::vector<std::string> ssh_argv(const std::string& program, const std::string& port_flag) const {
        return {program, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-i", keys_ / "id", port_flag, std::to_string(port_)};
    }

    ProcessResult ssh(std::vector<std::string> args, const RunOptions& run = {}) const {
        auto argv = ssh_argv("/usr/bin/ssh", "-p");
        argv.push_back("127.0.0.1");
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, run);
    }

    void stop_and_check_port_is_free(BackgroundProcess& container) const {
        // Its status is not checked: the container may end, and take the session with it,
        // before the session closes.
        ssh({"touch /tmp/stop"});
        auto done = container.wait(20s);
        EXPECT_EQ(done.status, 0) << done;
        EXPECT_EQ(done.out, "done\n") << done;
        EXPECT_TRUE(port_closes(port_, 5s)) << "sshd still listens on port " << port_ << " after the command ended";
    }

    TempDir keys_{"sshkeys"};
    int port_ = 0;
};

TEST_P(Ssh, EverySessionGetsTheEnvironmentByteForByte) {
    auto container = start();
    ASSERT_TRUE(container.wait_for_output("ssh: listening on 0.0.0.0:" + std::to_string(port_), 30s))
        << container.err_so_far();
    EXPECT_NE(container.err_so_far().find("SHA256:"), std::string::npos) << container.err_so_far();

    auto direct = ssh({print_values()});
    ASSERT_EQ(direct.status, 0) << direct;
    EXPECT_EQ(direct.out, expected_values());

    auto session = ssh({"echo \"$SSH_CONNECTION\""});
    EXPECT_EQ(session.out.rfind("127.0.0.1 ", 0), 0u) << session;

    RunOptions interactive;
    interactive.stdin_text = print_values() + " > /tmp/interactive.out; tty > /tmp/tty.out; exit\n";
    interactive.timeout = 30s;
    auto login = ssh({"-tt"}, interactive);
    EXPECT_EQ(login.status, 0) << login;
    auto seen = ssh({"cat /tmp/interactive.out"});
    EXPECT_EQ(seen.out, expected_values()) << login;
    auto tty = ssh({"cat /tmp/tty.out"});
    EXPECT_EQ(tty.out.rfind("/dev/pts/", 0), 0u) << tty << login;
    EXPECT_EQ(ssh({"test ! -e /tmp/pwned"}).status, 0);

    TempDir files("scp");
    auto local = files.write_file("in.txt", "copied by scp\n");
    auto scp_argv = ssh_argv("/usr/bin/scp", "-P");
    scp_argv.insert(scp_argv.end(), {local, "127.0.0.1:/tmp/in.txt"});
    auto scp = run_process(scp_argv);
    EXPECT_EQ(scp.status, 0) << scp;
    EXPECT_EQ(ssh({"cat /tmp/in.txt"}).out, "copied by scp\n");

    auto batch = files.write_file("batch", "put " + local + " /tmp/sftp.txt\n");
    auto sftp_argv = ssh_argv("/usr/bin/sftp", "-P");
    sftp_argv.insert(sftp_argv.end(), {"-b", batch, "127.0.0.1"});
    auto sftp = run_process(sftp_argv);
    EXPECT_EQ(sftp.status, 0) << sftp;
    EXPECT_EQ(ssh({"cat /tmp/sftp.txt"}).out, "copied by scp\n");

    stop_and_check_port_is_free(container);
}

TEST_P(Ssh, ServerEndsWhenTheCommandIsKilled) {
    auto container = start();
    ASSERT_TRUE(container.wait_for_output("ssh: listening", 30s)) << container.err_so_far();
    EXPECT_NE(container.err_so_far().find("; accepting ED25519 SHA256:"), std::string::npos) << container.err_so_far();
    ASSERT_TRUE(container.send_signal(SIGKILL));  // skiff became the command: this is the command
    container.wait(10s);
    EXPECT_TRUE(port_closes(port_, 5s)) << "sshd outlived its container";
}

TEST_P(Ssh, LoginWorksWithHomeMountedOver) {
    TempDir empty("home");
    auto container = start_with_home(empty.path());
    auto r = ssh({"printf %s \"$NCCL_NET\""});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "AWS Libfabric");
    stop_and_check_port_is_free(container);
}

// Every path below `dir` with its size, modification time and mode, one per line.
std::string tree_state(const std::string& dir) {
    auto r = run_process({"find", dir, "-printf", "%P %s %T@ %m\n"});
    EXPECT_EQ(r.status, 0) << r;
    return r.out;
}

// The key the hook authorizes is the only one: the user's own ~/.ssh (mounted in, as a home
// usually is) is not read, so a key it authorizes is refused, and not written either.
TEST_P(Ssh, TheUsersDotSshIsNeitherUsedNorChanged) {
    TempDir home("sshhome");
    auto other = run_process({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", home / "other"});
    ASSERT_EQ(other.status, 0) << other;
    home.write_file(".ssh/authorized_keys", home.read_file("other.pub"));
    home.write_file(".ssh/known_hosts", "# the user's own\n");
    const std::string before = tree_state(home.path());
    auto container = start_with_home(home.path());
    auto hooks_key = ssh({"cat ~/.ssh/known_hosts"});
    EXPECT_EQ(hooks_key.status, 0) << hooks_key;
    EXPECT_EQ(hooks_key.out, "# the user's own\n") << "the session's home is the mounted one: " << hooks_key;
    auto argv = ssh_argv("/usr/bin/ssh", "-p");
    argv[argv.size() - 3] = home / "other";  // -i: the key only the user's authorized_keys names
    argv.insert(argv.end(), {"127.0.0.1", "true"});
    auto users_key = run_process(argv);
    EXPECT_EQ(users_key.status, 255) << "a key from the user's ~/.ssh/authorized_keys was accepted: " << users_key;
    stop_and_check_port_is_free(container);
    EXPECT_EQ(tree_state(home.path()), before) << "the user's home changed";
}

std::string image_name(const ::testing::TestParamInfo<const char*>& param) {
    std::string file = param.param;
    return file.substr(0, file.find('.'));
}

INSTANTIATE_TEST_SUITE_P(Images, Ssh, ::testing::Values("musl.sqsh", "debian.sqsh"), image_name);

class SshErrors : public NsTest {};

TEST_F(SshErrors, MissingKeyFileIsAnErrorBeforeTheCommand) {
    auto r = sh(image("musl.sqsh"), "echo ran",
                {"--annotation", "com.hooks.ssh.enabled=true", "--annotation",
                 "com.hooks.ssh.authorize_ssh_key=/nonexistent/id.pub"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("cannot read '/nonexistent/id.pub'"), std::string::npos) << r;
}

TEST_F(SshErrors, BusyPortIsAnErrorBeforeTheCommand) {
    TempDir keys("sshbusy");
    auto key = keys.write_file("id.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBusyBusyBusyBusyBusyBusyBusyBusyBusyBusy x\n");
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ::listen(fd, 1);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    auto r = sh(image("musl.sqsh"), "echo ran",
                {"--annotation", "com.hooks.ssh.enabled=true", "--annotation", "com.hooks.ssh.authorize_ssh_key=" + key,
                 "--annotation", "com.hooks.ssh.port=" + std::to_string(ntohs(address.sin_port))});
    ::close(fd);
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("is busy on this node; choose another com.hooks.ssh.port"), std::string::npos) << r;
}

}  // namespace
}  // namespace skiff::test
