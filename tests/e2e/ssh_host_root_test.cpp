// The SSH hook on another host (issue 23): a Debian 13 root (OpenSSH 10, sshd-session and
// sshd-auth; tests/fixtures/build-images.sh makes trixie-rootfs) plays the host. Root builds it
// once per test process in a private mount namespace: the fixture under an overlay whose
// writes go to a tmpfs, /dev, /proc and /sys bound in, the static skiff copied to
// /usr/local/bin, the images bound at their path, and a user `skiffhost` (uid 4242). Every
// command then runs with that tree as its root (RunOptions::confine) as that user: skiff, ssh-keygen, ssh, scp and sftp are all
// the trixie root's. Root plays no part in what is tested; it only builds the host.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/free_port.hpp"
#include "tests/support/ssh_corpus.hpp"
#include "tests/support/support.hpp"

namespace skiff::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr uid_t host_uid = 4242;
constexpr const char* home = "/home/skiffhost";

struct HostRoot {
    std::optional<TempDir> base;
    std::string root;  // the merged tree, the chroot's /
    std::string images;
};

HostRoot& host_root() {
    static HostRoot state;
    return state;
}

// mount(2), or a fatal failure naming the call.
#define MOUNT_OR_FAIL(src, dst, type, flags, data)                                                         \
    ASSERT_EQ(::mount(src, (dst).c_str(), type, flags, data), 0) << "mount " << (dst) << ": " << strerror(errno)

class SshHostAsRoot : public ::testing::Test {
protected:
    static void build_root() {
        auto& h = host_root();
        auto images = test_images_dir();
        h.images = *images;
        ASSERT_EQ(::unshare(CLONE_NEWNS), 0) << strerror(errno);
        MOUNT_OR_FAIL(nullptr, std::string("/"), nullptr, MS_REC | MS_PRIVATE, nullptr);
        h.base.emplace("sshroot", "/var/tmp");
        const std::string rw = *h.base / "rw";
        h.root = *h.base / "root";
        fs::create_directories(rw);
        fs::create_directories(h.root);
        MOUNT_OR_FAIL("tmpfs", rw, "tmpfs", 0, "mode=0755");
        fs::create_directories(rw + "/upper");
        fs::create_directories(rw + "/work");
        std::string options = "lowerdir=" + h.images + "/trixie-rootfs,upperdir=" + rw + "/upper,workdir=" + rw + "/work";
        MOUNT_OR_FAIL("overlay", h.root, "overlay", 0, options.c_str());
        for (const char* dir : {"/dev", "/proc", "/sys"}) MOUNT_OR_FAIL(dir, h.root + dir, nullptr, MS_BIND | MS_REC, nullptr);
        MOUNT_OR_FAIL("tmpfs", h.root + "/tmp", "tmpfs", 0, "mode=1777");
        fs::create_directories(h.root + h.images);
        MOUNT_OR_FAIL(h.images.c_str(), h.root + h.images, nullptr, MS_BIND, nullptr);
        fs::copy_file(skiff_binary(), h.root + "/usr/local/bin/skiff", fs::copy_options::overwrite_existing);
        std::ofstream(h.root + "/etc/passwd", std::ios::app) << "skiffhost:x:4242:4242::" << home << ":/bin/sh\n";
        std::ofstream(h.root + "/etc/group", std::ios::app) << "skiffhost:x:4242:\n";
        fs::create_directories(h.root + home);
        ASSERT_EQ(::chown((h.root + home).c_str(), host_uid, host_uid), 0);
    }

    static void SetUpTestSuite() {
        if (!running_as_root()) return;  // SetUp says why
        auto images = test_images_dir();
        if (!images || !fs::is_directory(*images + "/trixie-rootfs")) return;
        build_root();
    }

    static void TearDownTestSuite() {
        auto& h = host_root();
        if (!h.base) return;
        ::umount2(h.root.c_str(), MNT_DETACH);
        ::umount2((*h.base / "rw").c_str(), MNT_DETACH);
        h.base.reset();
    }

    void SetUp() override {
        SKIFF_REQUIRE(running_as_root(), "builds a Debian 13 host root (chroot, overlay): run as root, as test-all.sh's test-root step does");
        SKIFF_REQUIRE(test_images_dir().has_value(), "SKIFF_TEST_IMAGES is not set; run tests/fixtures/build-images.sh DIR");
        SKIFF_REQUIRE(fs::is_directory(*test_images_dir() + "/trixie-rootfs"),
                      "no trixie-rootfs in SKIFF_TEST_IMAGES; run tests/fixtures/build-images.sh as root");
        ASSERT_FALSE(host_root().root.empty()) << "the host root could not be built";
        auto keygen = in_host({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", std::string(home) + "/id"});
        ASSERT_EQ(keygen.status, 0) << keygen;
        port_ = free_tcp_port();
    }

    void TearDown() override {
        if (host_root().root.empty()) return;
        for (const char* key : {"/id", "/id.pub"}) ::unlink(at(std::string(home) + key).c_str());
    }

    // A host path inside the root, for root's own edits.
    static std::string at(const std::string& path) { return host_root().root + path; }

    static RunOptions as_user(RunOptions run = {}) {
        run.confine = Confinement{host_root().root, host_uid, host_uid};
        run.env = EnvMap{{"HOME", home}, {"USER", "skiffhost"}, {"LOGNAME", "skiffhost"}, {"PATH", "/usr/local/bin:/usr/bin:/bin"}};
        return run;
    }

    static ProcessResult in_host(const std::vector<std::string>& argv, RunOptions run = {}) {
        return run_process(argv, as_user(std::move(run)));
    }

    std::vector<std::string> skiff_argv(const std::string& image, std::vector<std::string> extra = {}) const {
        std::vector<std::string> argv{"/usr/local/bin/skiff", "run", "-v", "--cold", "--image", host_root().images + "/" + image,
                                      "--annotation", "com.hooks.ssh.enabled=true", "--annotation",
                                      "com.hooks.ssh.authorize_ssh_key=" + std::string(home) + "/id.pub"};
        if (port_ != 0) argv.insert(argv.end(), {"--annotation", "com.hooks.ssh.port=" + std::to_string(port_)});
        for (const auto& [name, value] : corpus) argv.insert(argv.end(), {"--env", name + "=" + value});
        argv.insert(argv.end(), extra.begin(), extra.end());
        return argv;
    }

    // The container runs until an SSH session creates /tmp/stop.
    BackgroundProcess start(const std::string& image, std::vector<std::string> extra = {}, RunOptions run = {}) const {
        auto argv = skiff_argv(image, std::move(extra));
        argv.insert(argv.end(), {"--", "/bin/sh", "-c", "while [ ! -e /tmp/stop ]; do sleep 0.1; done; echo done"});
        return start_process(argv, as_user(std::move(run)));
    }

    std::vector<std::string> client(const std::string& program, const std::string& port_flag) const {
        return {program, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-i", std::string(home) + "/id", port_flag, std::to_string(port_)};
    }

    ProcessResult ssh(std::vector<std::string> args, RunOptions run = {}) const {
        auto argv = client("/usr/bin/ssh", "-p");
        argv.push_back("127.0.0.1");
        argv.insert(argv.end(), args.begin(), args.end());
        return in_host(argv, std::move(run));
    }

    ProcessResult sftp_put(const std::string& destination) const {
        std::ofstream(at("/tmp/in.txt")) << "copied\n";
        std::ofstream(at("/tmp/batch")) << "put /tmp/in.txt " << destination << "\n";
        ::chmod(at("/tmp/in.txt").c_str(), 0644);
        ::chmod(at("/tmp/batch").c_str(), 0644);
        auto argv = client("/usr/bin/sftp", "-P");
        argv.insert(argv.end(), {"-b", "/tmp/batch", "127.0.0.1"});
        return in_host(argv);
    }

    void stop(BackgroundProcess& container) const {
        ssh({"touch /tmp/stop"});
        auto done = container.wait(20s);
        EXPECT_EQ(done.status, 0) << done;
        EXPECT_EQ(done.out, "done\n") << done;
        EXPECT_TRUE(port_closes(port_, 5s)) << "sshd still listens on port " << port_ << " after the command ended";
    }

    int port_ = 0;
};

TEST_F(SshHostAsRoot, Debian13EverySessionTypeOnMuslAndDebianImages) {
    for (const char* image : {"musl.sqsh", "debian.sqsh"}) {
        SCOPED_TRACE(image);
        auto container = start(image);
        ASSERT_TRUE(container.wait_for_output("ssh: listening on 0.0.0.0:" + std::to_string(port_), 30s)) << container.err_so_far();
        const auto& log = container.err_so_far();
        EXPECT_NE(log.find("ssh: sshd: OpenSSH 10."), std::string::npos) << log;
        EXPECT_NE(log.find("ssh: sshd-session: /usr/lib/openssh/sshd-session (compiled into /usr/sbin/sshd)"), std::string::npos)
            << log;
        EXPECT_NE(log.find("ssh: sshd-auth: /usr/lib/openssh/sshd-auth (compiled into /usr/sbin/sshd)"), std::string::npos) << log;
        EXPECT_NE(log.find("ssh: sftp-server: /usr/lib/openssh/sftp-server (Subsystem sftp at /etc/ssh/sshd_config:"),
                  std::string::npos) << log;

        auto direct = ssh({print_values()});
        ASSERT_EQ(direct.status, 0) << direct << container.err_so_far();
        EXPECT_EQ(direct.out, expected_values());

        RunOptions interactive;
        interactive.stdin_text = print_values() + " > /tmp/interactive.out; tty > /tmp/tty.out; exit\n";
        interactive.timeout = 30s;
        auto login = ssh({"-tt"}, interactive);
        EXPECT_EQ(login.status, 0) << login;
        EXPECT_EQ(ssh({"cat /tmp/interactive.out"}).out, expected_values()) << login;
        auto tty = ssh({"cat /tmp/tty.out"});
        EXPECT_EQ(tty.out.rfind("/dev/pts/", 0), 0u) << tty << login;

        auto scp_argv = client("/usr/bin/scp", "-P");
        std::ofstream(at("/tmp/scp.txt")) << "copied by scp\n";
        ::chmod(at("/tmp/scp.txt").c_str(), 0644);
        scp_argv.insert(scp_argv.end(), {"/tmp/scp.txt", "127.0.0.1:/tmp/scp.txt"});
        auto scp = in_host(scp_argv);
        EXPECT_EQ(scp.status, 0) << scp;
        EXPECT_EQ(ssh({"cat /tmp/scp.txt"}).out, "copied by scp\n");
        auto sftp = sftp_put("/tmp/sftp.txt");
        EXPECT_EQ(sftp.status, 0) << sftp;
        EXPECT_EQ(ssh({"cat /tmp/sftp.txt"}).out, "copied\n");
        stop(container);
    }
}

// RHEL's place for sftp-server, named by no config: found through the distributions' list.
TEST_F(SshHostAsRoot, SftpServerInRhelPlaceIsFoundThroughTheFallbackList) {
    fs::create_directories(at("/usr/libexec/openssh"));
    fs::rename(at("/usr/lib/openssh/sftp-server"), at("/usr/libexec/openssh/sftp-server"));
    fs::rename(at("/etc/ssh/sshd_config"), at("/etc/ssh/sshd_config.off"));
    auto container = start("musl.sqsh");
    bool listening = container.wait_for_output("ssh: listening", 30s);
    std::string log = container.err_so_far();
    if (listening) {
        EXPECT_NE(log.find("ssh: sftp-server: /usr/libexec/openssh/sftp-server (the distributions' list)"), std::string::npos) << log;
        auto sftp = sftp_put("/tmp/sftp.txt");
        EXPECT_EQ(sftp.status, 0) << sftp;
        EXPECT_EQ(ssh({"cat /tmp/sftp.txt"}).out, "copied\n");
        stop(container);
    }
    fs::rename(at("/usr/libexec/openssh/sftp-server"), at("/usr/lib/openssh/sftp-server"));
    fs::rename(at("/etc/ssh/sshd_config.off"), at("/etc/ssh/sshd_config"));
    ASSERT_TRUE(listening) << log;
}

// A site whose OpenSSH lives under /opt/site: every program from [hooks.ssh], and its port.
TEST_F(SshHostAsRoot, SiteTableNamesEveryProgramAndThePort) {
    fs::create_directories(at("/opt/site/libexec"));
    fs::create_directories(at("/opt/site/sbin"));
    fs::copy_file(at("/usr/sbin/sshd"), at("/opt/site/sbin/sshd"));
    for (const char* p : {"sshd-session", "sshd-auth", "sftp-server"})
        fs::copy_file(at(std::string("/usr/lib/openssh/") + p), at(std::string("/opt/site/libexec/") + p));
    std::ofstream(at("/opt/site/skiff.toml")) << "[hooks.ssh]\nsshd = \"/opt/site/sbin/sshd\"\n"
                                                "sshd_session = \"/opt/site/libexec/sshd-session\"\n"
                                                "sshd_auth = \"/opt/site/libexec/sshd-auth\"\n"
                                                "sftp_server = \"/opt/site/libexec/sftp-server\"\n"
                                                "default_port = " << port_ << "\n";
    ::chmod(at("/opt/site/skiff.toml").c_str(), 0644);
    int port = port_;
    port_ = 0;  // the site's default_port, not an annotation
    auto run = as_user();
    run.env->emplace("SKIFF_CONFIG", "/opt/site/skiff.toml");
    auto argv = skiff_argv("musl.sqsh");
    argv.insert(argv.end(), {"--", "/bin/sh", "-c", "while [ ! -e /tmp/stop ]; do sleep 0.1; done; echo done"});
    auto container = start_process(argv, run);
    port_ = port;
    ASSERT_TRUE(container.wait_for_output("ssh: listening on 0.0.0.0:" + std::to_string(port_), 30s)) << container.err_so_far();
    const auto& log = container.err_so_far();
    for (const char* line : {"ssh: sshd: /opt/site/sbin/sshd (/opt/site/skiff.toml:2: hooks.ssh.sshd)",
                             "ssh: sshd-session: /opt/site/libexec/sshd-session (/opt/site/skiff.toml:3: hooks.ssh.sshd_session)",
                             "ssh: sshd-auth: /opt/site/libexec/sshd-auth (/opt/site/skiff.toml:4: hooks.ssh.sshd_auth)",
                             "ssh: sftp-server: /opt/site/libexec/sftp-server (/opt/site/skiff.toml:5: hooks.ssh.sftp_server)"})
        EXPECT_NE(log.find(line), std::string::npos) << line << "\n" << log;
    auto direct = ssh({print_values()});
    EXPECT_EQ(direct.out, expected_values()) << direct;
    auto sftp = sftp_put("/tmp/sftp.txt");
    EXPECT_EQ(sftp.status, 0) << sftp;
    stop(container);
}

// No sshd-session for an OpenSSH 10 sshd: one line, at `edf check` and at launch.
TEST_F(SshHostAsRoot, MissingSessionProgramIsOneLineAtCheckAndLaunch) {
    std::ofstream(at(std::string(home) + "/ssh.toml")) << "image = \"" << host_root().images << "/musl.sqsh\"\n"
                                                          "[annotations.com.hooks.ssh]\nenabled = \"true\"\n"
                                                          "authorize_ssh_key = \"" << home << "/id.pub\"\n";
    ::chmod(at(std::string(home) + "/ssh.toml").c_str(), 0644);
    auto ok = in_host({"/usr/local/bin/skiff", "edf", "check", std::string(home) + "/ssh.toml"});
    EXPECT_EQ(ok.status, 0) << ok;
    EXPECT_EQ(ok.out, std::string(home) + "/ssh.toml: ok\n") << ok;

    fs::rename(at("/usr/lib/openssh/sshd-session"), at("/usr/lib/openssh/sshd-session.off"));
    auto check = in_host({"/usr/local/bin/skiff", "edf", "check", std::string(home) + "/ssh.toml"});
    auto launch = in_host(skiff_argv("musl.sqsh", {"--", "echo", "ran"}));
    fs::rename(at("/usr/lib/openssh/sshd-session.off"), at("/usr/lib/openssh/sshd-session"));
    const std::string expected =
        "skiff: error: com.hooks.ssh: no usable OpenSSH server on this node: OpenSSH 10.0 runs sshd-session, which is "
        "not at /usr/lib/openssh/sshd-session (compiled into /usr/sbin/sshd), /usr/lib/openssh/sshd-session, ";
    EXPECT_EQ(check.status, 1) << check;
    EXPECT_EQ(check.err.rfind(expected, 0), 0u) << check;
    EXPECT_NE(check.err.find("; install openssh-server, or set sshd_session in [hooks.ssh] of /etc/skiff/skiff.toml\n"),
              std::string::npos) << check;
    EXPECT_EQ(launch.status, 125) << launch;
    EXPECT_EQ(launch.out, "");
    EXPECT_NE(launch.err.find(expected), std::string::npos) << launch;
}

}  // namespace
}  // namespace skiff::test
