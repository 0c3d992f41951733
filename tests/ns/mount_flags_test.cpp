// Mount flags on the real mounts: each --mount flag as the kernel reports it in the
// container's /proc/self/mountinfo, and by its effect (a refused exec, a device that cannot be
// opened, a write refused as read-only, a host mount that does or does not propagate); the
// same for the container's own /dev/shm and /sys. nosuid has no effect of its own to see:
// every command runs with no_new_privs (Launch.NoCapabilitiesAndNoNewPrivileges), which the
// kernel checks beside MNT_NOSUID on each exec, so the flag is checked on the mount only.
#include <map>
#include <sstream>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

// One line of mountinfo: the mount options (field 6) and the optional fields (shared:N, master:N).
struct MountLine {
    std::string options;
    std::string optional;
    int count = 0;  // how many mounts have this mount point
};

MountLine mount_at(const std::string& mountinfo, const std::string& point) {
    MountLine found;
    std::istringstream lines(mountinfo);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string id, parent, dev, root, mount_point, options, field, optional;
        fields >> id >> parent >> dev >> root >> mount_point >> options;
        if (mount_point != point) continue;
        while (fields >> field && field != "-") optional += (optional.empty() ? "" : " ") + field;
        found = {options, optional, found.count + 1};
    }
    return found;
}

bool has_option(const MountLine& m, const std::string& option) {
    return ("," + m.options + ",").find("," + option + ",") != std::string::npos;
}

class MountFlags : public NsTest {
protected:
    // The mountinfo line of /x, with `host` bound there with `flags` ("" for none).
    MountLine x_with(const std::string& flags) {
        std::string spec = host_.path() + ":/x" + (flags.empty() ? "" : ":" + flags);
        auto r = run_in(image("musl.sqsh"), {"--mount", spec}, {"cat", "/proc/self/mountinfo"});
        EXPECT_EQ(r.status, 0) << r;
        return mount_at(r.out, "/x");
    }

    // Under /var/tmp: the host's / has none of nosuid, nodev, noexec, so a flag seen on /x is skiff's.
    TempDir host_{"flags", "/var/tmp"};
};

TEST_F(MountFlags, EachFlagIsOnTheRealMountAndOnlyThere) {
    MountLine plain = x_with("");
    ASSERT_EQ(plain.count, 1);
    for (const char* flag : {"nosuid", "nodev", "noexec"}) {
        EXPECT_FALSE(has_option(plain, flag)) << "the host's mount already has " << flag << ": " << plain.options;
        MountLine with = x_with(flag);
        EXPECT_EQ(with.count, 1) << flag;
        EXPECT_TRUE(has_option(with, flag)) << flag << ": " << with.options;
        EXPECT_TRUE(has_option(with, "rw")) << flag << ": " << with.options;
    }
    EXPECT_TRUE(has_option(x_with("ro"), "ro"));
    MountLine all = x_with("ro+nosuid+nodev+noexec");
    for (const char* flag : {"ro", "nosuid", "nodev", "noexec"}) EXPECT_TRUE(has_option(all, flag)) << all.options;
}

TEST_F(MountFlags, NoexecRefusesToRunAProgram) {
    host_.write_file("hello.sh", "#!/bin/sh\necho ran\n");
    ASSERT_EQ(run_process({"chmod", "0755", host_ / "hello.sh"}).status, 0);
    const std::string script = "/x/hello.sh; echo \"status $?\"";
    auto plain = sh(image("musl.sqsh"), script, {"--mount", host_.path() + ":/x"});
    EXPECT_EQ(plain.out, "ran\nstatus 0\n") << plain;
    auto noexec = sh(image("musl.sqsh"), script, {"--mount", host_.path() + ":/x:noexec"});
    EXPECT_EQ(noexec.out, "status 126\n") << noexec;
    EXPECT_EQ(noexec.err, "/bin/sh: /x/hello.sh: Permission denied\n") << noexec;
}

// /dev/fuse: a character device every test node has (0666), on a host /dev without nodev.
TEST_F(MountFlags, NodevMakesADeviceNodeUnopenable) {
    const std::string script = "exec 3<>/mnt/fuse && echo opened";
    auto plain = sh(image("musl.sqsh"), script, {"--mount", "/dev/fuse:/mnt/fuse"});
    EXPECT_EQ(plain.out, "opened\n") << plain;
    auto nodev = sh(image("musl.sqsh"), script, {"--mount", "/dev/fuse:/mnt/fuse:nodev"});
    EXPECT_EQ(nodev.out, "") << nodev;
    EXPECT_EQ(nodev.err, "/bin/sh: can't create /mnt/fuse: Permission denied\n") << nodev;
}

TEST_F(MountFlags, RoRefusesAWriteAsReadOnly) {
    auto r = sh(image("musl.sqsh"), "touch /x/new 2>&1; echo \"status $?\"", {"--mount", host_.path() + ":/x:ro"});
    EXPECT_NE(r.out.find("Read-only file system\nstatus 1\n"), std::string::npos) << r;
}

// The container's /dev/shm: one mount, nosuid and nodev, shared with the host or private.
// (A host may stack several tmpfs on its /dev/shm; the container sees only the top one.)
TEST_F(MountFlags, DevShmIsOneNosuidNodevMount) {
    for (const char* hook_on : {"true", "false"}) {
        TempDir site("site");
        auto config = site.write_file("site.toml", std::string("[hooks.standard]\nshm = ") + hook_on + "\n");
        RunOptions o;
        o.env = current_environment();
        (*o.env)["SKIFF_CONFIG"] = config;
        auto r = run_in(image("musl.sqsh"), {}, {"cat", "/proc/self/mountinfo"}, o);
        ASSERT_EQ(r.status, 0) << r;
        MountLine shm = mount_at(r.out, "/dev/shm");
        EXPECT_EQ(shm.count, 1) << "shm = " << hook_on << ":\n" << r.out;
        EXPECT_TRUE(has_option(shm, "nosuid") && has_option(shm, "nodev")) << hook_on << ": " << shm.options;
    }
}

// mkdir checks the mount's read-only flag before any permission: EROFS proves the flag.
TEST_F(MountFlags, SysIsReadOnly) {
    auto r = sh(image("musl.sqsh"), "grep ' /sys ' /proc/self/mountinfo; mkdir /sys/skiff-x 2>&1");
    MountLine sys = mount_at(r.out, "/sys");
    EXPECT_EQ(sys.count, 1) << r;
    EXPECT_TRUE(has_option(sys, "ro")) << r;
    EXPECT_NE(r.out.find("Read-only file system"), std::string::npos) << r;
}

// Propagation needs a host mount that is shared: the test makes its own user and mount
// namespace with shared propagation, binds DIR (a tmpfs there) into the container, then mounts
// a tmpfs on DIR/sub once the container runs. Slave mounts see it; private ones do not.
TEST_F(MountFlags, PropagationDecidesWhetherALaterHostMountReachesTheContainer) {
    SKIFF_REQUIRE(run_process({"unshare", "-rm", "true"}).status == 0, "unprivileged user namespaces are off here");
    const std::string script = R"SH(D=$1 SKIFF=$2 IMAGE=$3 FLAG=$4
mount -t tmpfs tmpfs "$D" && mkdir "$D/sub" || exit 99
"$SKIFF" run --image "$IMAGE" --mount "$D:/x:$FLAG" -- /bin/sh -c '
  grep " /x " /proc/self/mountinfo | grep -o "master:[0-9]*" | sed "s/:.*//"; touch /x/started
  i=0; while [ ! -e /x/sub/marker ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done; ls /x/sub' &
while [ ! -e "$D/started" ]; do sleep 0.05; done
mount -t tmpfs tmpfs "$D/sub" && touch "$D/sub/marker"
wait $!
)SH";
    const std::map<std::string, std::string> expected{
        {"private", ""}, {"rprivate", ""}, {"slave", "master\nmarker\n"}, {"rslave", "master\nmarker\n"}};
    for (const auto& [flag, out] : expected) {
        TempDir dir(flag, "/var/tmp");
        auto r = run_process({"unshare", "-rm", "--propagation", "shared", "/bin/sh", "-c", script, "sh", dir.path(),
                              skiff_binary(), image("musl.sqsh"), flag});
        EXPECT_EQ(r.status, 0) << flag << ": " << r;
        EXPECT_EQ(r.out, out) << flag << ": " << r;
    }
}

}  // namespace
}  // namespace skiff::test
