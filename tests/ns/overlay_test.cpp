// The writable layer: kernel overlayfs where the kernel allows it, fuse-overlayfs otherwise
// (forced here with SKIFF_OVERLAY=fuse, as on kernels that refuse overlayfs in a user
// namespace, and reached by the automatic fallback when the kernel refuses the mount). Writes
// vanish at exit and the image never changes.
#include <sys/stat.h>

#include <cstdio>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Overlay : public NsTest {
protected:
    static RunOptions with_overlay(const std::string& driver) {
        RunOptions run;
        run.env = current_environment();
        (*run.env)["SKIFF_OVERLAY"] = driver;
        return run;
    }
};

TEST_F(Overlay, KernelOverlayIsTheDefault) {
    auto r = sh(image("musl.sqsh"), "grep ' / ' /proc/self/mountinfo");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find(" - overlay "), std::string::npos) << r;
}

TEST_F(Overlay, FuseOverlayfsGivesTheSameWritableRoot) {
    const std::string marker = "skiff-overlay-fuse-" + std::to_string(::getpid());
    auto r = run_in(image("musl.sqsh"), {},
                    {"/bin/sh", "-c", "echo new > /etc/x && cat /etc/x && grep ' / ' /proc/self/mountinfo", marker},
                    with_overlay("fuse"));
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("new\n"), std::string::npos) << r;
    EXPECT_NE(r.out.find("fuse-overlayfs"), std::string::npos) << r;
    auto again = sh(image("musl.sqsh"), "test -e /etc/x || echo gone", {}, with_overlay("fuse"));
    EXPECT_EQ(again.out, "gone\n") << again;
}

// An overlay's root shows the mode of its writable layer's directory, which skiff creates:
// the container's `/` must still have the image's mode, with either driver and image kind.
TEST_F(Overlay, RootHasTheImagesMode) {
    TempDir dir("rootmode");
    auto copy = run_process({"cp", "-a", image("musl-rootfs"), dir / "rootfs"});
    ASSERT_EQ(copy.status, 0) << copy;
    ASSERT_EQ(::chmod((dir / "rootfs").c_str(), 0751), 0);
    struct stat squashfs_source {};
    ASSERT_EQ(::stat(image("musl-rootfs").c_str(), &squashfs_source), 0);  // what musl.sqsh was made of
    char expected[8];
    std::snprintf(expected, sizeof expected, "%o\n", squashfs_source.st_mode & 07777);
    for (const char* driver : {"kernel", "fuse"}) {
        auto in_directory = sh(dir / "rootfs", "stat -c %a /", {}, with_overlay(driver));
        EXPECT_EQ(in_directory.out, "751\n") << driver << "\n" << in_directory;
        auto in_squashfs = sh(image("musl.sqsh"), "stat -c %a /", {}, with_overlay(driver));
        EXPECT_EQ(in_squashfs.out, expected) << driver << "\n" << in_squashfs;
    }
}

TEST_F(Overlay, KernelCanBeForced) {
    auto r = sh(image("musl.sqsh"), "grep ' / ' /proc/self/mountinfo", {}, with_overlay("kernel"));
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find(" - overlay "), std::string::npos) << r;
}

// The kernel stacks file systems at most two deep: with the image directory on an overlay of an
// overlay (made in a user and mount namespace of the test's own), it refuses skiff's overlay.
// `auto` then falls back to fuse-overlayfs and says why; `kernel` fails with one line.
TEST_F(Overlay, AKernelRefusalFallsBackToFuseOverlayfs) {
    SKIFF_REQUIRE(run_process({"unshare", "-rm", "true"}).status == 0, "unprivileged user namespaces are off here");
    TempDir dir("stacked", "/var/tmp");
    auto copy = run_process({"cp", "-a", image("musl-rootfs"), dir / "rootfs"});  // ours, so writable
    ASSERT_EQ(copy.status, 0) << copy;
    const std::string script = R"SH(D=$1 IMAGE=$2; shift 2
mkdir -p "$D/u1" "$D/w1" "$D/m1" "$D/u2" "$D/w2" "$D/m2" || exit 99
mount -t overlay o -o "lowerdir=$IMAGE,upperdir=$D/u1,workdir=$D/w1,userxattr" "$D/m1" || exit 99
mount -t overlay o -o "lowerdir=$D/m1,upperdir=$D/u2,workdir=$D/w2,userxattr" "$D/m2" || exit 99
exec "$@" --image "$D/m2" -- /bin/sh -c 'echo new > /etc/x && cat /etc/x && grep " / " /proc/self/mountinfo'
)SH";
    auto in_stack = [&](const std::string& driver) {
        return run_process({"unshare", "-rm", "/bin/sh", "-c", script, "sh", dir.path(), dir / "rootfs",
                            skiff_binary(), "run", "-v"},
                           with_overlay(driver));
    };
    auto fallback = in_stack("auto");
    ASSERT_EQ(fallback.status, 0) << fallback;
    EXPECT_NE(fallback.out.find("new\n"), std::string::npos) << fallback;
    EXPECT_NE(fallback.out.find(" - fuse.fuse-overlayfs "), std::string::npos) << fallback;
    EXPECT_NE(fallback.err.find("kernel overlayfs refused (mount overlay '/root/rootfs': Invalid argument); "
                                "using fuse-overlayfs\n"),
              std::string::npos)
        << fallback;
    auto forced = in_stack("kernel");
    EXPECT_EQ(forced.status, 125) << forced;
    EXPECT_NE(forced.err.find("skiff: error: image '" + dir.path() + "/m2': mount overlay '/root/rootfs': Invalid argument"),
              std::string::npos)
        << forced;
}

TEST_F(Overlay, UnknownDriverIsAnError) {
    auto r = sh(image("musl.sqsh"), "true", {}, with_overlay("btrfs"));
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("SKIFF_OVERLAY='btrfs' is not one of auto, kernel, fuse"), std::string::npos) << r;
}

}  // namespace
}  // namespace skiff::test
