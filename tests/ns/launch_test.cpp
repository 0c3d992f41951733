// A launch from squashfs and from a directory: the image is the root, the user is who they
// are (or 0 with --root), the command's status, stdin and stdout pass through.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Launch : public NsTest {};

TEST_F(Launch, SquashfsImageIsTheRoot) {
    auto r = sh(image("musl.sqsh"), "cat /etc/os-release /skiff-fixture");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("ID=skiff-musl-fixture"), std::string::npos) << r;
    EXPECT_NE(r.out.find("musl"), std::string::npos) << r;
}

TEST_F(Launch, UserKeepsTheirIdentityWithNames) {
    auto r = sh(image("musl.sqsh"), "id -u; id -g; whoami");
    ASSERT_EQ(r.status, 0) << r;
    const passwd* pw = ::getpwuid(::getuid());
    ASSERT_NE(pw, nullptr);
    EXPECT_EQ(r.out, std::to_string(::getuid()) + "\n" + std::to_string(::getgid()) + "\n" + pw->pw_name + "\n");
}

TEST_F(Launch, RootOptionMapsTheUserToZero) {
    auto r = sh(image("musl.sqsh"), "id -u; whoami", {"--root"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "0\nroot\n");
}

TEST_F(Launch, NoCapabilitiesAndNoNewPrivileges) {
    auto r = sh(image("musl.sqsh"), "grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status", {"--root"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("CapEff:\t0000000000000000"), std::string::npos) << r;
    EXPECT_NE(r.out.find("CapPrm:\t0000000000000000"), std::string::npos) << r;
    EXPECT_NE(r.out.find("CapBnd:\t0000000000000000"), std::string::npos) << r;
    EXPECT_NE(r.out.find("NoNewPrivs:\t1"), std::string::npos) << r;
}

TEST_F(Launch, SingleIdMapAndDeniedSetgroups) {
    auto r = sh(image("musl.sqsh"), "cat /proc/self/uid_map /proc/self/setgroups | tr -s ' '");
    ASSERT_EQ(r.status, 0) << r;
    std::string uid = std::to_string(::getuid());
    EXPECT_EQ(r.out, " " + uid + " " + uid + " 1\ndeny\n") << r;
    EXPECT_NE(r.out.find("deny"), std::string::npos) << r;
}

// skiff's own readdir (squashfs_fuse.cpp): large directories take several READDIR requests
// that resume at an offset; warm and cold launches must both list exactly the image's files,
// and the attributes a listing carries (READDIRPLUS) must be the files' own.
TEST_F(Launch, SquashfsListingsMatchTheDirectoryImage) {
    // (squashfs lists no "." and "..", as libsquashfuse never did; ls -A leaves them out. A
    // directory's size is its listing's, not ext4's block; the fixture's images are made with
    // one modification time.)
    const std::string script =
        "ls -A /usr/lib/x86_64-linux-gnu /usr/bin | md5sum; find /usr/share /var | sort | md5sum; "
        "find /usr/bin /usr/lib/x86_64-linux-gnu /usr/share /var ! -type d -exec stat -c '%n %a %s %F' {} + "
        "| sort | md5sum";
    auto expected = sh(image("debian-rootfs"), script);
    ASSERT_EQ(expected.status, 0) << expected;
    for (const char* mode : {"--cold", "-v"}) {
        auto r = sh(image("debian.sqsh"), script, {mode});
        ASSERT_EQ(r.status, 0) << r;
        EXPECT_EQ(r.out, expected.out) << mode;
    }
}

// Programs size each open file's buffer by st_blksize (stdio, Python's io): the image's block
// size there (128 KiB) cost `import numpy, scipy` 350 page faults a launch (squashfs_meta.cpp).
TEST_F(Launch, SquashfsFilesReportThePageSizeAsTheirIoBlock) {
    const std::string page = std::to_string(::sysconf(_SC_PAGESIZE)) + "\n";
    for (const char* mode : {"--cold", "-v"}) {
        auto r = sh(image("debian.sqsh"), "stat -c %o /etc/os-release /usr/bin/env | sort -u", {mode});
        ASSERT_EQ(r.status, 0) << r;
        EXPECT_EQ(r.out, page) << mode;
    }
}

TEST_F(Launch, DirectoryImageIsUsedInPlace) {
    TempDir dir("dirimage");
    auto copy = run_process({"cp", "-a", image("musl-rootfs"), dir / "rootfs"});
    ASSERT_EQ(copy.status, 0) << copy;
    auto r = sh(dir / "rootfs", "cat /skiff-fixture; echo changed > /skiff-fixture; cat /skiff-fixture");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "musl\nchanged\n");
    std::ifstream original(dir / "rootfs/skiff-fixture");
    std::string line;
    std::getline(original, line);
    EXPECT_EQ(line, "musl") << "a writable container must never modify the image";
}

TEST_F(Launch, ExitStatusPassesThrough) {
    EXPECT_EQ(sh(image("musl.sqsh"), "exit 3").status, 3);
    EXPECT_EQ(sh(image("musl.sqsh"), "exit 0").status, 0);
}

TEST_F(Launch, DeathBySignalIs128PlusN) {
    auto r = sh(image("musl.sqsh"), "kill -TERM $$");
    EXPECT_EQ(r.status, 128 + SIGTERM) << r;
}

TEST_F(Launch, CommandNotFoundIs127) {
    auto r = run_in(image("musl.sqsh"), {}, {"no-such-command"});
    EXPECT_EQ(r.status, 127) << r;
    EXPECT_NE(r.err.find("skiff: error: command 'no-such-command' not found in the container"), std::string::npos) << r;
}

TEST_F(Launch, NotExecutableIs126) {
    auto r = run_in(image("musl.sqsh"), {}, {"/etc/os-release"});
    EXPECT_EQ(r.status, 126) << r;
    EXPECT_NE(r.err.find("cannot execute '/etc/os-release'"), std::string::npos) << r;
}

TEST_F(Launch, StdinAndStdoutPassThrough) {
    RunOptions in;
    in.stdin_text = "line one\nline two\n";
    auto r = run_in(image("musl.sqsh"), {}, {"cat"}, in);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "line one\nline two\n");
}

TEST_F(Launch, StandardMountsArePresent) {
    auto r = sh(image("musl.sqsh"),
                "test -c /dev/null && test -r /proc/self/status && test -d /sys/kernel && "
                "touch /tmp/t && ! touch /sys/x 2>/dev/null && grep -q ' /tmp tmpfs' /proc/self/mounts && echo ok");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "ok\n");
}

// The image's ld.so and libc never see the host's loader variables (README "Environment
// definition files"); the user's own settings such as TMPDIR pass.
TEST_F(Launch, HostLoaderVariablesStayOnTheHost) {
    RunOptions host;
    host.env = current_environment();
    for (const char* name : {"LD_AUDIT", "LD_PRELOAD", "GCONV_PATH", "LOCPATH", "GETCONF_DIR"})
        (*host.env)[name] = std::string("/nonexistent/") + name;
    (*host.env)["LD_DEBUG"] = "libs";
    (*host.env)["TMPDIR"] = "/var/tmp";
    auto r = sh(image("debian.sqsh"), "env | grep -E '^(LD_|GCONV_PATH|LOCPATH|GETCONF_DIR|TMPDIR)' | sort", {}, host);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "TMPDIR=/var/tmp\n");
    EXPECT_EQ(r.err.find("ld.so"), std::string::npos) << r;
}

// A task's own task variables beat an [env] or --env value of the same name, with one warning
// naming it; host OCI_ANNOTATION_* are ignored, as their warning says, so they do not enter.
TEST_F(Launch, TheTasksVariablesWinAndHostAnnotationsStayOut) {
    RunOptions task;
    task.env = current_environment();
    (*task.env)["PMIX_RANK"] = "3";
    (*task.env)["OCI_ANNOTATION_com__site__x"] = "1";
    auto r = sh(image("debian.sqsh"), "env | grep -E '^(PMIX_RANK|OCI_ANNOTATION_)' | sort",
                {"--env", "PMIX_RANK=0"}, task);
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "PMIX_RANK=3\n");
    EXPECT_NE(r.err.find("skiff: warning: command line: ignoring PMIX_RANK: the task sets it"), std::string::npos)
        << r;
    EXPECT_NE(r.err.find("ignoring host variables OCI_ANNOTATION_com__site__x"), std::string::npos) << r;
}

}  // namespace
}  // namespace skiff::test
