// A real distribution image (Debian bookworm minbase, glibc), from squashfs and from a
// directory: dynamic programs run, the user is known by name, the root is writable or
// read-only as asked, and the image never changes.
#include <sys/stat.h>

#include "tests/support/fresh_dirs.hpp"
#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

class Debian : public NsTest {
protected:
    static std::string squashfs() { return image("debian.sqsh"); }
    static std::string directory() { return image("debian-rootfs"); }
};

TEST_F(Debian, GlibcProgramsRunFromSquashfs) {
    auto r = sh(squashfs(), "cat /etc/debian_version >/dev/null && ls -ld /usr/bin && id -un && echo ok");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("ok"), std::string::npos) << r;
}

TEST_F(Debian, GlibcProgramsRunFromADirectory) {
    auto r = sh(directory(), "cat /skiff-fixture; dpkg-query -W -f='${Package}\\n' libc6");
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "debian\nlibc6\n");
}

TEST_F(Debian, WritableSquashfsRootKeepsTheImageUnchanged) {
    struct stat before {};
    ASSERT_EQ(::stat(squashfs().c_str(), &before), 0);
    auto r = sh(squashfs(), "echo x > /etc/new-file && rm /etc/debian_version && mkdir -p /opt/a/b && "
                            "ls /etc/new-file && ! test -e /etc/debian_version && echo ok");
    ASSERT_EQ(r.status, 0) << r;
    struct stat after {};
    ASSERT_EQ(::stat(squashfs().c_str(), &after), 0);
    EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
    EXPECT_EQ(before.st_size, after.st_size);
    auto again = sh(squashfs(), "test -e /etc/debian_version && ! test -e /etc/new-file && echo fresh");
    EXPECT_EQ(again.out, "fresh\n") << again;
}

TEST_F(Debian, ReadOnlyRoot) {
    auto r = sh(squashfs(), "touch /etc/x 2>&1; touch /tmp/x && echo tmp-ok", {"--read-only"});
    EXPECT_EQ(r.status, 0) << r;
    EXPECT_NE(r.out.find("Read-only file system"), std::string::npos) << r;
    EXPECT_NE(r.out.find("tmp-ok"), std::string::npos) << r;
}

TEST_F(Debian, RootInsideCanUseAptDatabaseFiles) {
    auto r = sh(squashfs(), "id -u && touch /var/lib/dpkg/status && echo ok", {"--root"});
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(r.out, "0\nok\n");
}

TEST_F(Debian, DryRunChangesNothingAndShowsThePlan) {
    FreshDirs dirs;
    struct stat before {};
    ASSERT_EQ(::stat(squashfs().c_str(), &before), 0);
    auto r = run_process({skiff_binary(), "run", "--dry-run", "--image", squashfs(), "--", "true"}, dirs.options());
    ASSERT_EQ(r.status, 0) << r;
    EXPECT_EQ(dirs.leftovers(), std::vector<std::string>{}) << "no runtime directory, server, facts or store";
    struct stat after {};
    ASSERT_EQ(::stat(squashfs().c_str(), &after), 0);
    EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
    EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    EXPECT_NE(r.out.find("image    squashfs " + squashfs()), std::string::npos) << r;
    EXPECT_NE(r.out.find("argv     \"true\""), std::string::npos) << r;
}

}  // namespace
}  // namespace skiff::test
