// The EDF's `devices` and `--device`: host device nodes bound at their paths, usable, and never
// exec or setuid; a device the node lacks is one error line naming where it was asked for.
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Devices : public NsTest {};

// /dev/fuse: a real character device every CI node has (test-all.sh makes it 0666), and not
// one of the container's /dev by default.
TEST_F(Devices, ADevPathIsBoundUsableAndNoexecNosuid) {
    std::string script = "grep -c ' /dev/fuse ' /proc/self/mountinfo; test -c /dev/fuse && exec 3<>/dev/fuse && echo opened";
    auto without = sh(image("musl.sqsh"), script);
    EXPECT_TRUE(without.out.starts_with("0\n")) << without;
    EXPECT_EQ(without.out.find("opened"), std::string::npos) << without;
    auto r = sh(image("musl.sqsh"), script + "; grep ' /dev/fuse ' /proc/self/mountinfo", {"--device", "/dev/fuse"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_TRUE(r.out.starts_with("1\nopened\n")) << r;
    auto mountinfo = r.out.substr(r.out.find("opened\n") + 7);
    EXPECT_NE(mountinfo.find(" rw,nosuid,noexec"), std::string::npos) << mountinfo;
}

TEST_F(Devices, AnEdfDeviceTheNodeLacksIsOneLineNamingTheFileAndLine) {
    TempDir dir("devices");
    std::string edf = dir.write_file("gpu.toml", "image = \"" + image("musl.sqsh") + "\"\ndevices = [\n  \"/dev/skiff-none\",\n]\n");
    auto r = run_process({skiff_binary(), "run", "-e", edf, "--", "true"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: " + edf + ":3: device '/dev/skiff-none': stat '/dev/skiff-none': No such file or "
                     "directory; on a node without it, remove it from 'devices'\n");
}

TEST_F(Devices, ANonDeviceUnderDevIsRefused) {
    auto r = sh(image("musl.sqsh"), "true", {"--device", "/dev/shm"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: command line: device '/dev/shm' is not a device node on this node\n");
}

TEST_F(Devices, ABadNameOnTheCommandLineIsRefusedBeforeAnythingHappens) {
    auto r = sh(image("musl.sqsh"), "true", {"--device", "gpu0"});
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: command line: --device: 'gpu0' is neither a CDI device name (vendor/class=name, "
                     "e.g. nvidia.com/gpu=0) nor a /dev path\n");
}

TEST_F(Devices, DryRunShowsTheBind) {
    auto r = run_in(image("musl.sqsh"), {"--dry-run", "--device", "/dev/fuse"}, {"true"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("hook     devices: device /dev/fuse (command line)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mount    bind  /dev/fuse -> /dev/fuse [rw,bind,nosuid,noexec,rprivate]"), std::string::npos)
        << r.out;
}

}  // namespace
}  // namespace skiff::test
