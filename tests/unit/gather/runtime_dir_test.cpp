#include "launcher/gather/runtime_dir.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace skiff::gather {
namespace {

HeldDir held(const std::string& path) { return {path, UniqueFd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC))}; }

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

TEST(RuntimeDir, UsesXdgRuntimeDirWhenItIsTheUsersDirectory) {
    test::TempDir xdg("xdg");
    auto dir = private_runtime_dir({{"XDG_RUNTIME_DIR", xdg.path()}}, ::getuid());
    ASSERT_TRUE(dir) << dir.error().message;
    EXPECT_EQ(dir->path, xdg / "skiff");
    EXPECT_EQ(mode_of(xdg / "skiff"), 0700u);
}

TEST(RuntimeDir, FallsBackWhenXdgRuntimeDirIsMissingRelativeOrASymlink) {
    test::TempDir fallback("fallback");
    test::TempDir xdg("xdg");
    ASSERT_EQ(::symlink(xdg.path().c_str(), (fallback / "link").c_str()), 0);
    const std::string expected = fallback / ("skiff-" + std::to_string(::getuid()));
    for (const EnvMap& env : {EnvMap{}, EnvMap{{"XDG_RUNTIME_DIR", "/nonexistent/run/user/1"}},
                              EnvMap{{"XDG_RUNTIME_DIR", "relative"}}, EnvMap{{"XDG_RUNTIME_DIR", fallback / "link"}}}) {
        auto dir = private_runtime_dir(env, ::getuid(), fallback.path());
        ASSERT_TRUE(dir) << dir.error().message;
        EXPECT_EQ(dir->path, expected);
    }
    EXPECT_FALSE(std::filesystem::exists(xdg / "skiff")) << "the symlink was followed";
}

TEST(RuntimeDir, FallsBackWhenXdgRuntimeDirIsAnotherUsers) {
    test::TempDir fallback("fallback");
    test::TempDir xdg("xdg");
    uid_t other = ::getuid() + 1;
    auto dir = private_runtime_dir({{"XDG_RUNTIME_DIR", xdg.path()}}, other, fallback.path());
    // The fallback, made by this test's user, is not `other`'s either.
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.error().message.find(fallback / ("skiff-" + std::to_string(other))), std::string::npos)
        << dir.error().message;
    EXPECT_FALSE(std::filesystem::exists(xdg / "skiff"));
}

// Whoever may rename entries in XDG_RUNTIME_DIR could put a directory of theirs in the place of
// skiff's before skiff opens it: such a directory is not used, and nothing is left in it.
TEST(RuntimeDir, RefusesAnXdgRuntimeDirOthersMayWriteWithoutTheStickyBit) {
    for (mode_t mode : {0777u, 0770u, 0730u, 0703u}) {
        test::TempDir xdg("xdg");
        ASSERT_EQ(::chmod(xdg.path().c_str(), mode), 0);
        auto dir = private_runtime_dir({{"XDG_RUNTIME_DIR", xdg.path()}}, ::getuid(), "/nonexistent");
        ASSERT_FALSE(dir) << std::oct << mode;
        char shown[8];
        std::snprintf(shown, sizeof shown, "%04o", mode);
        EXPECT_NE(dir.error().message.find("XDG_RUNTIME_DIR '" + xdg.path() + "' (mode " + shown +
                                           ") is writable by others and has no sticky bit"),
                  std::string::npos)
            << dir.error().message;
        EXPECT_NE(dir.error().message.find("chmod 0700 '" + xdg.path() + "'"), std::string::npos) << dir.error().message;
        EXPECT_FALSE(std::filesystem::exists(xdg / "skiff")) << std::oct << mode;
    }
}

TEST(RuntimeDir, UsesAnXdgRuntimeDirWithTheStickyBit) {
    test::TempDir xdg("xdg");
    ASSERT_EQ(::chmod(xdg.path().c_str(), 01777), 0);
    auto dir = private_runtime_dir({{"XDG_RUNTIME_DIR", xdg.path()}}, ::getuid(), "/nonexistent");
    ASSERT_TRUE(dir) << dir.error().message;
    EXPECT_EQ(dir->path, xdg / "skiff");
}

TEST(RuntimeDir, CreatesAPrivateDirectory) {
    test::TempDir parent("rt");
    auto dir = private_subdir(held(parent.path()), "state", ::getuid());
    ASSERT_TRUE(dir) << dir.error().message;
    EXPECT_EQ(dir->path, parent / "state");
    EXPECT_EQ(mode_of(parent / "state"), 0700u);
    EXPECT_TRUE(private_subdir(held(parent.path()), "state", ::getuid())) << "an existing private directory is reused";
}

TEST(RuntimeDir, RefusesADirectoryOthersCanEnter) {
    test::TempDir parent("rt");
    ASSERT_EQ(::mkdir((parent / "open").c_str(), 0755), 0);
    auto dir = private_subdir(held(parent.path()), "open", ::getuid());
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.error().message.find(parent / "open"), std::string::npos) << dir.error().message;
    EXPECT_NE(dir.error().message.find("mode 0700"), std::string::npos) << dir.error().message;
}

TEST(RuntimeDir, RefusesASymlinkPlantedInItsPlace) {
    test::TempDir parent("rt");
    test::TempDir elsewhere("elsewhere");
    ASSERT_EQ(::chmod(elsewhere.path().c_str(), 0700), 0);
    ASSERT_EQ(::symlink(elsewhere.path().c_str(), (parent / "link").c_str()), 0);
    auto dir = private_subdir(held(parent.path()), "link", ::getuid());
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.error().message.find("is not a private directory of yours"), std::string::npos) << dir.error().message;
}

TEST(RuntimeDir, RefusesAnotherUsersDirectory) {
    test::TempDir parent("rt");
    ASSERT_TRUE(private_subdir(held(parent.path()), "mine", ::getuid()));
    EXPECT_FALSE(private_subdir(held(parent.path()), "mine", ::getuid() + 1));
}

// Once opened, a directory is reached through its descriptor: putting another one in its place
// afterwards changes nothing for the holder.
TEST(RuntimeDir, KeepsUsingTheDirectoriesItOpenedWhenTheirPathsAreSwapped) {
    test::TempDir xdg("xdg");
    auto dirs = state_dirs({{"XDG_RUNTIME_DIR", xdg.path()}}, ::getuid());
    ASSERT_EQ(dirs.problem, "");
    EXPECT_EQ(dirs.image_servers.path, xdg / "skiff/servers");
    EXPECT_EQ(dirs.image_facts.path, xdg / "skiff/image-facts");
    ASSERT_EQ(::rename((xdg / "skiff").c_str(), (xdg / "moved").c_str()), 0);
    std::filesystem::create_directories(xdg / "skiff/servers");
    std::filesystem::create_directories(xdg / "skiff/image-facts");
    std::ofstream(dirs.image_servers.via() + "/a") << "a";
    std::ofstream(dirs.elf_probes()) << "b";
    EXPECT_TRUE(std::filesystem::exists(xdg / "moved/servers/a"));
    EXPECT_TRUE(std::filesystem::exists(xdg / "moved/image-facts/elf-probes"));
    EXPECT_FALSE(std::filesystem::exists(xdg / "skiff/servers/a"));
    EXPECT_FALSE(std::filesystem::exists(xdg / "skiff/image-facts/elf-probes"));
}

TEST(RuntimeDir, StateDirsSayWhyThereAreNone) {
    test::TempDir xdg("xdg");
    ASSERT_EQ(::chmod(xdg.path().c_str(), 0777), 0);
    auto dirs = state_dirs({{"XDG_RUNTIME_DIR", xdg.path()}}, ::getuid());
    EXPECT_NE(dirs.problem.find("XDG_RUNTIME_DIR '" + xdg.path() + "'"), std::string::npos) << dirs.problem;
    EXPECT_FALSE(dirs.image_servers.valid());
    EXPECT_FALSE(dirs.image_facts.valid());
    EXPECT_EQ(dirs.elf_probes(), "");
}

}  // namespace
}  // namespace skiff::gather
