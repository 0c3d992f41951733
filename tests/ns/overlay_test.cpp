// The writable layer: kernel overlayfs where the kernel allows it, fuse-overlayfs otherwise
// (forced here with SKIFF_OVERLAY=fuse, as on kernels that refuse overlayfs in a user
// namespace). Writes vanish at exit and the image never changes.
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

TEST_F(Overlay, UnknownDriverIsAnError) {
    auto r = sh(image("musl.sqsh"), "true", {}, with_overlay("btrfs"));
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_NE(r.err.find("SKIFF_OVERLAY='btrfs' is not one of auto, kernel, fuse"), std::string::npos) << r;
}

}  // namespace
}  // namespace skiff::test
