// The standard hooks on real images: passwd, localtime, home and shm, each switched in the
// site configuration's [hooks.standard].
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class StandardHooks : public NsTest {
protected:
    // Our environment plus SKIFF_CONFIG naming a site configuration with `table` as
    // [hooks.standard].
    RunOptions site(const std::string& table, const EnvMap& extra = {}) {
        auto config = dir_.write_file("skiff.toml", "[hooks.standard]\n" + table);
        RunOptions run;
        run.env = current_environment();
        (*run.env)["SKIFF_CONFIG"] = config;
        for (const auto& [k, v] : extra) (*run.env)[k] = v;
        return run;
    }
    TempDir dir_{"standard"};
};

std::string file_content(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST_F(StandardHooks, PasswdAddsTheUserUnlessSwitchedOff) {
    const std::string user = std::to_string(::getuid());
    auto on = sh(image("musl.sqsh"), "grep -c ':x:" + user + ":' /etc/passwd", {}, site(""));
    EXPECT_EQ(on.status, 0) << on;
    EXPECT_EQ(on.out, "1\n");
    auto off = sh(image("musl.sqsh"), "grep -c ':x:" + user + ":' /etc/passwd; cat /etc/passwd", {}, site("passwd = false\n"));
    EXPECT_EQ(off.out, "0\n" + file_content(test_images_dir().value_or("") + "/musl-rootfs/etc/passwd"))
        << "the image's own file" << off;
}

TEST_F(StandardHooks, LocaltimeIsTheHostsWithoutCoveringTheImagesZoneFile) {
    SKIFF_REQUIRE(::access("/etc/localtime", R_OK) == 0, "the host has no readable /etc/localtime");
    const std::string host = file_content("/etc/localtime");
    auto musl = sh(image("musl.sqsh"), "cat /etc/localtime", {}, site(""));
    ASSERT_EQ(musl.status, 0) << musl;
    EXPECT_EQ(musl.out, host) << "an image without /etc/localtime gets the host's";
    // The Debian image's /etc/localtime is a symlink into /usr/share/zoneinfo: it is replaced,
    // so the mount is on /etc/localtime itself and the zone file stays the image's.
    auto debian = sh(image("debian.sqsh"),
                     "test -L /etc/localtime && echo symlink; grep -c ' /etc/localtime ' /proc/self/mountinfo; "
                     "cut -d' ' -f5 /proc/self/mountinfo | grep -c zoneinfo", {}, site(""));
    EXPECT_EQ(debian.out, "1\n0\n") << debian;
    auto off = sh(image("debian.sqsh"), "test -L /etc/localtime && echo symlink", {}, site("localtime = false\n"));
    EXPECT_EQ(off.out, "symlink\n") << off;
}

TEST_F(StandardHooks, HomeIsOffByDefaultAndMountedReadWriteWhenSwitchedOn) {
    TempDir home("home");
    home.write_file("notes.txt", "mine\n");
    const std::string script = "cat " + home.path() + "/notes.txt 2>/dev/null || echo absent";
    auto off = sh(image("musl.sqsh"), script, {}, site("", {{"HOME", home.path()}}));
    EXPECT_EQ(off.out, "absent\n") << off;
    auto on = sh(image("musl.sqsh"), script + "; echo written > $HOME/new.txt", {}, site("home = true\n", {{"HOME", home.path()}}));
    EXPECT_EQ(on.status, 0) << on;
    EXPECT_EQ(on.out, "mine\n");
    EXPECT_EQ(file_content(home / "new.txt"), "written\n");
}

TEST_F(StandardHooks, ShmIsTheHostsUnlessSwitchedOff) {
    SKIFF_REQUIRE(::access("/dev/shm", W_OK) == 0, "the host's /dev/shm is not writable");
    const std::string name = "/dev/shm/skiff-test-shm-" + std::to_string(::getpid());
    std::ofstream(name) << "shared\n";
    auto on = sh(image("musl.sqsh"), "cat " + name, {}, site(""));
    EXPECT_EQ(on.out, "shared\n") << on;
    auto off = sh(image("musl.sqsh"), "cat " + name + " 2>/dev/null || echo private; touch /dev/shm/x && echo writable",
                  {}, site("shm = false\n"));
    EXPECT_EQ(off.out, "private\nwritable\n") << off;
    ::unlink(name.c_str());
}

}  // namespace
}  // namespace skiff::test
