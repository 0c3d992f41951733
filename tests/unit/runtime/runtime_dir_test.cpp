#include "launcher/runtime/runtime_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/temp_dir.hpp"

namespace skiff::runtime {
namespace {

TEST(RuntimeDir, UsesXdgRuntimeDirWhenItIsTheUsersDirectory) {
    test::TempDir xdg("xdg");
    EXPECT_EQ(runtime_dir_path({{"XDG_RUNTIME_DIR", xdg.path()}}, ::getuid()), xdg.path() + "/skiff");
}

TEST(RuntimeDir, FallsBackToTmpWhenXdgRuntimeDirIsMissingOrForeign) {
    std::string fallback = "/tmp/skiff-" + std::to_string(::getuid());
    EXPECT_EQ(runtime_dir_path({}, ::getuid()), fallback);
    EXPECT_EQ(runtime_dir_path({{"XDG_RUNTIME_DIR", "/nonexistent/run/user/1"}}, ::getuid()), fallback);
    EXPECT_EQ(runtime_dir_path({{"XDG_RUNTIME_DIR", "relative"}}, ::getuid()), fallback);
    test::TempDir xdg("xdg");
    EXPECT_EQ(runtime_dir_path({{"XDG_RUNTIME_DIR", xdg.path()}}, ::getuid() + 1), "/tmp/skiff-" + std::to_string(::getuid() + 1));
}

TEST(RuntimeDir, CreatesAPrivateDirectory) {
    test::TempDir parent("rt");
    auto dir = private_subdir(parent.path(), "state", ::getuid());
    ASSERT_TRUE(dir) << dir.error().message;
    struct stat st {};
    ASSERT_EQ(::stat(dir->c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_TRUE(private_subdir(parent.path(), "state", ::getuid())) << "an existing private directory is reused";
}

TEST(RuntimeDir, RefusesADirectoryOthersCanEnter) {
    test::TempDir parent("rt");
    ASSERT_EQ(::mkdir((parent / "open").c_str(), 0755), 0);
    auto dir = private_subdir(parent.path(), "open", ::getuid());
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.error().message.find(parent / "open"), std::string::npos) << dir.error().message;
    EXPECT_NE(dir.error().message.find("mode 0700"), std::string::npos) << dir.error().message;
}

TEST(RuntimeDir, RefusesASymlinkPlantedInItsPlace) {
    test::TempDir parent("rt");
    test::TempDir elsewhere("elsewhere");
    ASSERT_EQ(::symlink(elsewhere.path().c_str(), (parent / "link").c_str()), 0);
    EXPECT_FALSE(private_subdir(parent.path(), "link", ::getuid()));
}

TEST(RuntimeDir, RefusesAnotherUsersDirectory) {
    test::TempDir parent("rt");
    ASSERT_TRUE(private_subdir(parent.path(), "mine", ::getuid()));
    EXPECT_FALSE(private_subdir(parent.path(), "mine", ::getuid() + 1));
}

}  // namespace
}  // namespace skiff::runtime
