// External hooks (hooks.d): the enroot contract (ENROOT_ROOTFS, ENROOT_PID, ENROOT_ENVIRON,
// ENROOT_MOUNTS, OCI_ANNOTATION_*), their order, confinement of their mounts, failures that
// leave nothing behind, and -v timings.
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "tests/ns/hook_site.hpp"
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Hooks : public NsTest {};

TEST_F(Hooks, MountAFileAddEnvironmentReadAnAnnotation) {
    HookSite site;
    TempDir data("hookdata");
    auto source = data.write_file("site.conf", "from the site\n");
    site.hook("system", "10-site.sh", "set -e\n"
              "echo '" + source + " /etc/site.conf none x-create=file,bind,ro' >> \"$ENROOT_MOUNTS\"\n"
              R"SH(echo "SITE_VAR=from-hook" >> "$ENROOT_ENVIRON"
echo "DCGM=$OCI_ANNOTATION_com__site__dcgm_enabled" >> "$ENROOT_ENVIRON"
echo "HOOK_ROOTFS=$ENROOT_ROOTFS" >> "$ENROOT_ENVIRON"
echo "HOOK_PID=$ENROOT_PID" >> "$ENROOT_ENVIRON"
echo "FIXTURE=$(cat "$ENROOT_ROOTFS/skiff-fixture")" >> "$ENROOT_ENVIRON"
)SH");
    auto r = sh(image("musl.sqsh"),
                R"SH(cat /etc/site.conf; echo "$SITE_VAR $DCGM $HOOK_ROOTFS $FIXTURE"; [ "$HOOK_PID" = "$$" ] && echo same-pid;
! touch /etc/site.conf 2>/dev/null && echo ro)SH",
                {"--annotation", "com.site.dcgm-enabled=yes"}, site.options());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "from the site\nfrom-hook yes /root/rootfs musl\nsame-pid\nro\n")
        << "ENROOT_PID is skiff's pid, which becomes the command";
}

TEST_F(Hooks, SeeTheHostsTmp) {
    HookSite site;
    TempDir data("hookdata", "/tmp");
    auto source = data.write_file("site.conf", "from the host's /tmp\n");
    site.hook("system", "10-tmp.sh", "set -e\n"
              "cp '" + source + "' \"$ENROOT_ROOTFS/copied.conf\"\n"
              "echo '" + source + " /etc/site.conf none x-create=file,bind,ro' >> \"$ENROOT_MOUNTS\"\n"
              "echo written > '" + data.path() + "/from-hook'\n");
    auto r = sh(image("musl.sqsh"), "cat /copied.conf /etc/site.conf", {}, site.options());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "from the host's /tmp\nfrom the host's /tmp\n") << "read by the hook, then mounted by skiff";
    std::string written;
    std::getline(std::ifstream(data / "from-hook"), written);
    EXPECT_EQ(written, "written") << "the hook's write reaches the host's /tmp";
}

TEST_F(Hooks, RunInByteOrderSystemDirectoryFirstAndOnlyExecutableShFiles) {
    HookSite site;
    site.hook("system", "20-b.sh", "echo 20-b >> \"$ENROOT_ROOTFS/hook-order\"\n");
    site.hook("system", "10-a.sh", "echo 10-a >> \"$ENROOT_ROOTFS/hook-order\"\n");
    site.hook("system", "15-x.sh.disabled", "echo disabled >> \"$ENROOT_ROOTFS/hook-order\"\n");
    site.hook("system", "16-noexec.sh", "echo noexec >> \"$ENROOT_ROOTFS/hook-order\"\n", 0644);
    site.hook("user", "05-c.sh", "echo 05-c >> \"$ENROOT_ROOTFS/hook-order\"\n");
    auto r = sh(image("musl.sqsh"), "cat /hook-order", {}, site.options());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "10-a\n20-b\n05-c\n");
}

TEST_F(Hooks, ScriptsRunByTheirPath) {
    HookSite site;
    auto path = site.hook("user", "10-name.sh", R"SH(echo "HOOK_NAME=$0" >> "$ENROOT_ENVIRON")SH" "\n");
    auto r = sh(image("musl.sqsh"), "echo $HOOK_NAME", {}, site.options());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, path + "\n") << "$0 is the hook's own path, as under enroot";
}

TEST_F(Hooks, FailingHookStopsTheLaunchWithOneLineAndLeavesNothing) {
    HookSite site;
    auto path = site.hook("system", "10-fail.sh", R"SH(sleep 3131 &
echo first >&2; echo second >&2; echo third >&2; echo "mount: permission denied" >&2
exit 3
)SH");
    site.hook("system", "20-never.sh", "echo ran > \"$ENROOT_ROOTFS/never\"\n");
    auto r = sh(image("musl.sqsh"), "echo command-ran", {}, site.options());
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: hook " + path +
                         " exited with status 3; stderr ends: second | third | mount: permission denied\n");
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(processes_with_cmdline_containing("sleep 3131").empty()) << "the hook's background child survived";
    EXPECT_TRUE(mounts_under(site.dir().path()).empty());
}

TEST_F(Hooks, HookThatHangsIsStoppedAtTheTimeout) {
    HookSite site;
    auto path = site.hook("system", "10-hang.sh", "echo waiting >&2\nexec sleep 3132\n");
    // The timeout's own message proves the hook was stopped by it; without it the 52-minute
    // sleep would run into run_process's timeout and fail the status check.
    auto r = sh(image("musl.sqsh"), "true", {}, site.options("timeout_s = 1\n"));
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: hook " + path +
                         " did not finish within 1 s ([hooks.external] timeout_s); stderr ends: waiting\n");
    EXPECT_TRUE(processes_with_cmdline_containing("sleep 3132").empty());
}

// The escape image has /mnt/escape -> /tmp/skiff-escape-target and /mnt/rel -> ../../../.. :
// a hook's ENROOT_MOUNTS destinations through them must stay inside the container.
TEST_F(Hooks, MountThroughASymlinkIsConfinedToTheRootfs) {
    const std::string host_target = "/tmp/skiff-escape-target";
    struct stat st {};
    ASSERT_NE(::lstat(host_target.c_str(), &st), 0) << host_target << " must not exist before the test";
    HookSite site;
    TempDir data("hookdata");
    auto source = data.write_file("payload", "inside\n");
    site.hook("system", "10-escape.sh",
              "echo '" + source + " /mnt/escape/a none x-create=file,bind' >> \"$ENROOT_MOUNTS\"\n"
              "echo \"" + source + " $ENROOT_ROOTFS/mnt/rel/b none x-create=file,bind\" >> \"$ENROOT_MOUNTS\"\n");
    for (const char* img : {"escape.sqsh", "escape-rootfs"}) {
        auto r = sh(image(img), "cat /tmp/skiff-escape-target/a /tmp/skiff-escape-target/b", {}, site.options());
        EXPECT_EQ(r.status, 0) << img << r;
        EXPECT_EQ(r.out, "inside\ninside\n") << img;
        EXPECT_NE(::lstat(host_target.c_str(), &st), 0) << "the mount escaped to the host: " << host_target;
    }
}

TEST_F(Hooks, BadMountLineNamesTheHookAndTheLine) {
    HookSite site;
    site.hook("system", "10-good.sh", "echo 'tmpfs /scratch tmpfs x-create=dir' >> \"$ENROOT_MOUNTS\"\n");
    auto path = site.hook("system", "20-bad.sh", "echo '/etc /etc2 none bind,x-move' >> \"$ENROOT_MOUNTS\"\n");
    auto r = sh(image("musl.sqsh"), "true", {}, site.options());
    EXPECT_EQ(r.status, 125) << r;
    EXPECT_EQ(r.err, "skiff: error: hook " + path + ": ENROOT_MOUNTS line 2: unknown option 'x-move'\n");
}

TEST_F(Hooks, EnvironmentChangesRankBelowTheEdfsEnv) {
    HookSite site;
    site.hook("system", "10-env.sh", R"SH(grep -v '^FIXTURE_IMAGE_VAR=' "$ENROOT_ENVIRON" > "$ENROOT_ENVIRON.new"
echo 'PINNED=from-hook' >> "$ENROOT_ENVIRON.new"
echo 'QUOTED="a b"' >> "$ENROOT_ENVIRON.new"
mv "$ENROOT_ENVIRON.new" "$ENROOT_ENVIRON"
)SH");
    auto r = sh(image("musl.sqsh"), R"SH(echo "${FIXTURE_IMAGE_VAR:-unset} $PINNED $QUOTED")SH", {"--env", "PINNED=from-edf"},
                site.options());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "unset from-edf a b\n") << "a hook may unset an image variable but not change [env]";
}

TEST_F(Hooks, HookMountsWithTheNamespacesCapabilities) {
    HookSite site;
    site.hook("system", "10-mount.sh", R"SH(set -e
mount -t tmpfs -o size=1m tmpfs "$ENROOT_ROOTFS/mnt"
echo mounted-by-hook > "$ENROOT_ROOTFS/mnt/x"
)SH");
    auto r = sh(image("musl.sqsh"), "cat /mnt/x", {}, site.options());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "mounted-by-hook\n");
}

TEST_F(Hooks, VerboseListsEachHookInOrderWithItsTime) {
    HookSite site;
    auto a = site.hook("system", "10-a.sh", "true\n");
    auto b = site.hook("user", "10-b.sh", "true\n");
    auto r = sh(image("musl.sqsh"), "true", {"-v"}, site.options());
    ASSERT_EQ(r.status, 0) << r;
    std::smatch m;
    std::regex timed("skiff: \\[ *([0-9]+\\.[0-9]+) ms\\] hook (\\S+)\n");
    std::vector<std::pair<double, std::string>> hooks;
    for (auto it = std::sregex_iterator(r.err.begin(), r.err.end(), timed); it != std::sregex_iterator(); ++it)
        hooks.emplace_back(std::stod((*it)[1]), (*it)[2]);
    ASSERT_EQ(hooks.size(), 2u) << r;
    EXPECT_EQ(hooks[0].second, a);
    EXPECT_EQ(hooks[1].second, b);
    for (const char* hook : {"shm", "passwd", "localtime"})
        EXPECT_NE(r.err.find(std::string(hook) + ": standard hook, on ([hooks.standard])"), std::string::npos) << r;
}

TEST_F(Hooks, DryRunListsTheHooks) {
    HookSite site;
    auto a = site.hook("system", "10-a.sh", "true\n");
    auto r = run_in(image("musl.sqsh"), {"--dry-run", "--annotation", "com.site.x=1"}, {"true"}, site.options());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("hook     " + a + " (external, timeout 120 s)\nhookenv  OCI_ANNOTATION_com__site__x=\"1\"\n"),
              std::string::npos)
        << r;
}

}  // namespace
}  // namespace skiff::test
