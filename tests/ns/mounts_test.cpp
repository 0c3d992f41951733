// Bind and sqsh mounts: flags, destinations created in the image without modifying it, and
// destinations resolved inside the image even through symlinks that point at host paths.
#include <sys/stat.h>

#include "tests/support/fresh_dirs.hpp"
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Mounts : public NsTest {};

TEST_F(Mounts, ReadWriteBindWritesReachTheHost) {
    TempDir host("bind");
    auto r = sh(image("musl.sqsh"), "echo from-container > /work/out.txt", {"--mount", host.path() + ":/work"});
    ASSERT_EQ(r.status, 0) << r;
    std::ifstream f(host / "out.txt");
    std::string line;
    std::getline(f, line);
    EXPECT_EQ(line, "from-container");
}

TEST_F(Mounts, ReadOnlyBindRefusesWrites) {
    TempDir host("bindro");
    host.write_file("in.txt", "data\n");
    auto r = sh(image("musl.sqsh"), "cat /work/in.txt && ! touch /work/new 2>/dev/null && echo refused",
                {"--mount", host.path() + ":/work:ro"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "data\nrefused\n");
}

TEST_F(Mounts, SourceOnlyFormMountsAtTheSamePath) {
    TempDir host("same");
    host.write_file("marker", "here\n");
    auto r = sh(image("musl.sqsh"), "cat " + host.path() + "/marker", {"--mount", host.path()});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "here\n");
}

TEST_F(Mounts, FileBindCreatesAFileDestination) {
    TempDir host("file");
    auto file = host.write_file("config.ini", "x=1\n");
    auto r = sh(image("musl.sqsh"), "test -f /new/dir/config.ini && cat /new/dir/config.ini",
                {"--mount", file + ":/new/dir/config.ini", "--read-only"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "x=1\n");
}

TEST_F(Mounts, SqshMountShowsTheSquashfsContent) {
    auto r = sh(image("musl.sqsh"), "cat /data/hello.txt && ! touch /data/x 2>/dev/null && echo ro",
                {"--mount", image("data.sqsh") + ":/data:sqsh"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "hello from data.sqsh\nro\n");
}

TEST_F(Mounts, SqshSourceMustBeSquashfs) {
    auto r = sh(image("musl.sqsh"), "true", {"--mount", image("not-squashfs.img") + ":/data:sqsh"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("is not a squashfs file"), std::string::npos) << r;
}

// The image has /mnt/escape -> /tmp/skiff-escape-target and /mnt/rel -> ../../../../../../tmp/...
// A mount on those destinations must land inside the container, never on the host path.
void expect_confined(NsTest*, const std::string& image_path, const std::string& destination) {
    const std::string host_target = "/tmp/skiff-escape-target";
    struct stat st {};
    ASSERT_NE(::lstat(host_target.c_str(), &st), 0) << host_target << " must not exist before the test";
    TempDir source("escape");
    source.write_file("payload", "inside\n");
    auto r = run_process({skiff_binary(), "run", "--image", image_path, "--mount", source.path() + ":" + destination,
                          "--", "/bin/sh", "-c", "cat " + destination + "/payload"});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "inside\n");
    EXPECT_NE(::lstat(host_target.c_str(), &st), 0) << "the mount escaped to the host: " << host_target << " exists";
    EXPECT_TRUE(mounts_under(host_target).empty());
}

TEST_F(Mounts, AbsoluteSymlinkInImageCannotEscape) { expect_confined(this, image("escape.sqsh"), "/mnt/escape"); }
TEST_F(Mounts, RelativeSymlinkInImageCannotEscape) { expect_confined(this, image("escape.sqsh"), "/mnt/rel"); }

TEST_F(Mounts, EscapeAttemptInDirectoryImage) { expect_confined(this, image("escape-rootfs"), "/mnt/escape"); }

TEST_F(Mounts, MissingSourceIsAnErrorAndLeavesNothing) {
    FreshDirs dirs;
    auto r = sh(image("musl.sqsh"), "true", {"--mount", "/nonexistent/skiff-source:/x"}, dirs.options());
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: command line: mount source '/nonexistent/skiff-source' does not exist\n") << r;
    EXPECT_EQ(dirs.leftovers(), std::vector<std::string>{}) << "no server, spare, facts or store";
}

TEST_F(Mounts, UnknownFlagListsTheValidOnes) {
    TempDir host("flag");
    auto r = sh(image("musl.sqsh"), "true", {"--mount", host.path() + ":/x:rslavee"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("unknown mount flag 'rslavee'; valid:"), std::string::npos) << r;
}

}  // namespace
}  // namespace skiff::test
