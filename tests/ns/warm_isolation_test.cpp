// Another user can never use a user's image server. Needs root to be "another user", so
// scripts/test-all.sh runs it as root (SKIFF_TEST_SERVER_OWNER names the unprivileged owner);
// the unprivileged tier excludes it.
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "namespaces/image_server/image_server.hpp"
#include "namespaces/unix_socket.hpp"
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class WarmAsRoot : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        const char* owner = std::getenv("SKIFF_TEST_SERVER_OWNER");
        SKIFF_REQUIRE(::geteuid() == 0 && owner, "needs root and SKIFF_TEST_SERVER_OWNER=USER (scripts/test-all.sh runs it so)");
        passwd* pw = ::getpwnam(owner);
        ASSERT_NE(pw, nullptr) << owner;
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        ASSERT_EQ(::chown(runtime_.path().c_str(), uid_, gid_), 0);
    }

    void TearDown() override { as_owner({skiff_binary(), "image", "stop", "--force"}); }

    // Runs argv as the owner, with the test's runtime directory; returns its exit status.
    int as_owner(const std::vector<std::string>& argv) const { return as_user(uid_, gid_, argv); }

    int as_user(uid_t uid, gid_t gid, const std::vector<std::string>& argv) const {
        pid_t pid = ::fork();
        if (pid == 0) {
            if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 || ::setresuid(uid, uid, uid) != 0) ::_exit(99);
            std::string xdg = "XDG_RUNTIME_DIR=" + runtime_.path();
            char* env[] = {xdg.data(), nullptr};
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execve(args[0], args.data(), env);
            ::_exit(127);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    std::string server_socket() const {
        for (const auto& entry : std::filesystem::directory_iterator(runtime_ / "skiff/servers"))
            if (entry.path().extension() == ".sock") return entry.path();
        return {};
    }

    TempDir runtime_{"xdg-owner"};
    uid_t uid_ = 0;
    gid_t gid_ = 0;
};

TEST_F(WarmAsRoot, AnotherUserCannotUseTheServer) {
    ASSERT_EQ(as_owner({skiff_binary(), "run", "--image", image("musl.sqsh"), "--", "/bin/true"}), 0);
    std::string socket = server_socket();
    ASSERT_FALSE(socket.empty()) << "the owner's launch started no server";

    // Root passes the directory's permissions, but the server checks the peer's uid.
    auto connection = ns::connect_unix(socket);
    ASSERT_TRUE(connection) << connection.error().describe();
    EXPECT_FALSE(ns::request_image_tree(connection->get())) << "the server handed root a clone";
    auto status_connection = ns::connect_unix(socket);
    ASSERT_TRUE(status_connection);
    EXPECT_FALSE(ns::request_status(status_connection->get()));

    // An ordinary other user cannot even reach the socket (0700 runtime directory).
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
            ::_exit(99);
        auto other = ns::connect_unix(socket);
        ::_exit(!other && other.error().code == EACCES ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "nobody could connect to the owner's socket";

    // The owner still can.
    EXPECT_EQ(as_owner({skiff_binary(), "run", "--image", image("musl.sqsh"), "--", "/bin/true"}), 0);
}

}  // namespace
}  // namespace skiff::test
