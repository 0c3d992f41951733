// Another user can never slip a server of theirs into a user's launch (issue 15, item 3): not
// by listening on the socket's path, and not by swapping directories while the launch runs.
// Needs root to be "another user" (uid 65534) and to plant what only root could plant, so
// scripts/test-all.sh runs it as root (SKIFF_TEST_SERVER_OWNER names the unprivileged owner);
// the unprivileged tier excludes it.
//
// The fake server answers every request with a detached clone of the escape fixture's tree,
// whose /skiff-fixture says "escape"; the user's image, musl.sqsh, says "musl". A launch that
// prints "escape" ran with the other user's tree as its root.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <sstream>

#include "namespaces/fd_passing.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/user_namespace.hpp"
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

constexpr uid_t attacker = 65534;  // nobody

void become(uid_t uid, gid_t gid) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 || ::setresuid(uid, uid, uid) != 0) ::_exit(99);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::prctl(PR_SET_DUMPABLE, 1);  // a changed uid leaves it undumpable: uid_map would be root's
}

// A process of the attacker's that listens at `socket` (bound there by root first, so that it
// can sit in any directory, and left writable by all) and hands every request a clone of `tree`.
// Returns once it listens; killed with the test.
pid_t start_fake_server(const std::string& socket, const std::string& tree) {
    int ready[2];
    if (::pipe(ready) != 0) return -1;
    pid_t pid = ::fork();
    if (pid != 0) {
        ::close(ready[1]);
        char byte = 0;
        bool up = ::read(ready[0], &byte, 1) == 1;
        ::close(ready[0]);
        if (up) return pid;
        int status = 0;
        ::waitpid(pid, &status, 0);
        ADD_FAILURE() << "the fake server did not start: exit " << WEXITSTATUS(status);
        return -1;
    }
    ::close(ready[0]);
    int listener = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket.size() >= sizeof address.sun_path) ::_exit(95);
    std::memcpy(address.sun_path, socket.c_str(), socket.size() + 1);
    ::unlink(socket.c_str());
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) ::_exit(98);
    ::chmod(socket.c_str(), 0777);
    become(attacker, attacker);
    // SO_PEERCRED reports whoever called listen(): the attacker, not root.
    if (::listen(listener, 64) != 0) ::_exit(97);
    if (!ns::enter_user_and_mount_namespace({attacker, attacker, 0, 0})) ::_exit(96);
    (void)!::write(ready[1], "R", 1);
    for (;;) {
        UniqueFd connection(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
        if (!connection.valid()) continue;
        auto request = ns::receive_message(connection.get());
        auto clone = ns::clone_tree(tree, false);
        if (request && clone) (void)ns::send_message(connection.get(), "M", clone->get());
    }
}

// The attacker exchanges `a` and `b` (renameat2 RENAME_EXCHANGE) again and again, at random
// moments, until killed.
pid_t start_swapper(const std::string& a, const std::string& b) {
    pid_t pid = ::fork();
    if (pid != 0) return pid;
    become(attacker, attacker);
    std::minstd_rand random(static_cast<unsigned>(::getpid()));
    for (;;) {
        ::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE);
        ::usleep(static_cast<useconds_t>(random() % 400));
    }
}

void stop(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

class RuntimeDirAsRoot : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        const char* owner = std::getenv("SKIFF_TEST_SERVER_OWNER");
        SKIFF_REQUIRE(::geteuid() == 0 && owner, "needs root and SKIFF_TEST_SERVER_OWNER=USER (scripts/test-all.sh runs it so)");
        passwd* pw = ::getpwnam(owner);
        ASSERT_NE(pw, nullptr) << owner;
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        // Reachable by the owner and the attacker (the default TMPDIR's directories are root's, 0700).
        ASSERT_EQ(::chmod(scratch_.path().c_str(), 0755), 0);
    }

    void TearDown() override {
        stop(swapper_);
        stop(fake_);
        for (const auto& xdg : runtime_dirs_) as_owner(xdg, {"image", "stop", "--force"});
    }

    // `skiff ARGS...` as the owner with XDG_RUNTIME_DIR=xdg (none if empty).
    ProcessResult as_owner(const std::string& xdg, const std::vector<std::string>& args,
                           const std::vector<std::string>& extra_env = {}) const {
        std::vector<std::string> argv{"/usr/bin/setpriv", "--reuid=" + std::to_string(uid_),
                                      "--regid=" + std::to_string(gid_), "--clear-groups", "--", skiff_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        RunOptions run;
        run.env = EnvMap{{"PATH", "/usr/bin:/bin"}, {"HOME", "/"}};
        if (!xdg.empty()) (*run.env)["XDG_RUNTIME_DIR"] = xdg;
        for (const auto& e : extra_env) (*run.env)[e.substr(0, e.find('='))] = e.substr(e.find('=') + 1);
        run.cwd = "/";
        return run_process(argv, run);
    }

    // A directory of the owner's, mode `mode`, to be XDG_RUNTIME_DIR; its servers are stopped
    // when the test ends.
    std::string owner_directory(const std::string& path, mode_t mode) {
        EXPECT_EQ(::mkdir(path.c_str(), 0700), 0) << path;
        EXPECT_EQ(::chown(path.c_str(), uid_, gid_), 0);
        EXPECT_EQ(::chmod(path.c_str(), mode), 0);
        runtime_dirs_.push_back(path);
        return path;
    }

    // A directory of the attacker's.
    static void attacker_directory(const std::string& path) {
        ASSERT_EQ(::mkdir(path.c_str(), 0755), 0) << path;
        ASSERT_EQ(::chown(path.c_str(), attacker, attacker), 0);
    }

    // The name of musl.sqsh's server socket, from a --dry-run with a private XDG_RUNTIME_DIR
    // `xdg` (which creates skiff/servers there, as the owner's earlier launches would have).
    // The socket a launch would use, in skiff's directories, which exist afterwards (a dry run
    // creates nothing; `image servers` creates them, as a launch would).
    std::string socket_name(const std::string& xdg) const {
        EXPECT_EQ(as_owner(xdg, {"image", "servers"}).status, 0);
        auto r = as_owner(xdg, {"run", "--dry-run", "--image", image("musl.sqsh"), "--", "true"});
        EXPECT_EQ(r.status, 0) << r;
        std::string prefix = "the image server at " + xdg + "/skiff/servers/";
        auto at = r.out.find(prefix);
        EXPECT_NE(at, std::string::npos) << r.out;
        if (at == std::string::npos) return "none.sock";
        auto end = r.out.find(".sock", at);
        return r.out.substr(at + prefix.size(), end + 5 - at - prefix.size());
    }

    ProcessResult launch(const std::string& xdg, const std::vector<std::string>& extra_env = {}) const {
        return as_owner(xdg, {"run", "--image", image("musl.sqsh"), "--", "/bin/sh", "-c", "cat /skiff-fixture"},
                        extra_env);
    }

    // The launch ran in the owner's image, and said at most one thing on stderr (the warning
    // for a runtime directory it could not use), or it failed with one clear line; it never
    // ran in the fake server's tree.
    static void expect_never_fooled(const ProcessResult& r) {
        EXPECT_EQ(r.out.find("escape"), std::string::npos) << "the launch ran with the attacker's tree as /\n" << r;
        if (r.status == 0) {
            EXPECT_EQ(r.out, "musl\n") << r;
            EXPECT_LE(count(r.err, "\n"), 1u) << r;
        } else {
            EXPECT_EQ(r.status, 125) << r;
            EXPECT_TRUE(r.err.starts_with("skiff: error: ") && count(r.err, "\n") == 1) << r;
        }
    }

    TempDir scratch_{"ra", "/var/tmp"};  // short: a socket path has at most 107 bytes
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    pid_t fake_ = 0;
    pid_t swapper_ = 0;
    std::vector<std::string> runtime_dirs_;
};

// The client checks who listens (SO_PEERCRED) before it trusts a byte, or a descriptor, of
// what it is sent. Root plants the socket in the owner's private directory: an attacker who
// got there by any means.
TEST_F(RuntimeDirAsRoot, AnotherUsersServerOnTheSocketIsNeverUsed) {
    std::string xdg = owner_directory(scratch_ / "x", 0700);
    std::string name = socket_name(xdg);
    fake_ = start_fake_server(xdg + "/skiff/servers/" + name, image("escape-rootfs"));
    ASSERT_GT(fake_, 0);
    auto r = launch(xdg);
    expect_never_fooled(r);
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_EQ(count(r.err, "skiff: warning: "), 1u) << r;
    EXPECT_NE(r.err.find("uid " + std::to_string(attacker)), std::string::npos) << r;
    // `skiff image servers` and `image stop` neither list nor stop it, and say why.
    auto list = as_owner(xdg, {"image", "servers"});
    EXPECT_EQ(list.status, 0) << list;
    EXPECT_EQ(count(list.out, "\n"), 1u) << "only the header\n" << list;
    EXPECT_EQ(count(list.err, "skiff: warning: refused an image server run by uid 65534"), 1u) << list;
    auto stopped = as_owner(xdg, {"image", "stop", "--force"});
    EXPECT_NE(stopped.err.find("stopped 0 image server(s)"), std::string::npos) << stopped;
}

// The finding: XDG_RUNTIME_DIR the owner's but writable by all (0777, no sticky bit); the
// attacker keeps exchanging $XDG_RUNTIME_DIR/skiff with a tree of theirs that holds the fake
// server. skiff does not use such a directory at all: a cold start and one warning.
TEST_F(RuntimeDirAsRoot, AnAttackerSwappingSkiffsDirectoryIsNeverUsed) {
    std::string xdg = owner_directory(scratch_ / "x", 0700);
    std::string name = socket_name(xdg);
    ASSERT_EQ(::chmod(xdg.c_str(), 0777), 0);
    attacker_directory(xdg + "/evil");
    attacker_directory(xdg + "/evil/servers");
    attacker_directory(xdg + "/evil/image-facts");
    fake_ = start_fake_server(xdg + "/evil/servers/" + name, image("escape-rootfs"));
    ASSERT_GT(fake_, 0);
    swapper_ = start_swapper(xdg + "/skiff", xdg + "/evil");
    for (int i = 0; i < 40; ++i) {
        auto r = launch(xdg);
        expect_never_fooled(r);
        EXPECT_EQ(count(r.err, "skiff: warning: XDG_RUNTIME_DIR '" + xdg + "'"), 1u) << r;
    }
}

// XDG_RUNTIME_DIR itself private, but in a directory writable by all: the attacker exchanges
// it with a tree of theirs. Whichever one a launch finds, it either holds the owner's own
// directory from then on, or finds it is not the owner's and uses /tmp/skiff-UID instead; it
// never even reaches the fake server (which it would refuse, with a warning).
TEST_F(RuntimeDirAsRoot, AnAttackerSwappingTheRuntimeDirectoryIsNeverUsed) {
    std::string open = scratch_ / "o";
    ASSERT_EQ(::mkdir(open.c_str(), 0777), 0);
    ASSERT_EQ(::chmod(open.c_str(), 0777), 0);
    std::string xdg = owner_directory(open + "/x", 0700);
    std::string name = socket_name(xdg);
    attacker_directory(open + "/e");
    attacker_directory(open + "/e/skiff");
    attacker_directory(open + "/e/skiff/servers");
    attacker_directory(open + "/e/skiff/image-facts");
    fake_ = start_fake_server(open + "/e/skiff/servers/" + name, image("escape-rootfs"));
    ASSERT_GT(fake_, 0);
    swapper_ = start_swapper(xdg, open + "/e");
    // Servers started in the shared /tmp/skiff-UID retire by themselves soon after.
    for (int i = 0; i < 40; ++i) {
        auto r = launch(xdg, {"SKIFF_SERVER_IDLE=2"});
        expect_never_fooled(r);
        EXPECT_EQ(r.err, "") << r;
    }
    stop(swapper_);
    swapper_ = 0;
    struct stat st {};
    if (::lstat(xdg.c_str(), &st) == 0 && st.st_uid == attacker) {
        ASSERT_EQ(::renameat2(AT_FDCWD, xdg.c_str(), AT_FDCWD, (open + "/e").c_str(), RENAME_EXCHANGE), 0);
    }
}

}  // namespace
}  // namespace skiff::test
