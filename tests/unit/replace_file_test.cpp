#include "common/replace_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace skiff {
namespace {

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::size_t entries(const std::string& dir) {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(WriteReplacing, CreatesTheFileWithTheModeWhenThereIsNone) {
    test::TempDir tmp("replace");
    std::string file = tmp / "out";
    mode_t old_mask = ::umask(022);
    auto written = write_replacing(file, "new bytes", 0644);
    ::umask(old_mask);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(read(file), "new bytes");
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    EXPECT_EQ(entries(tmp.path()), 1u);
}

// A reader that opened the old file keeps reading whole old bytes: the file is replaced by a
// new inode, never truncated and rewritten in place. A hard link stands in for that reader.
TEST(WriteReplacing, ReplacesTheOldFileByANewOneAndLeavesNoTemporary) {
    test::TempDir tmp("replace");
    std::string file = tmp.write_file("out", "old bytes");
    ASSERT_EQ(::link(file.c_str(), (tmp / "reader").c_str()), 0);
    auto written = write_replacing(file, "new", 0644);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(read(file), "new");
    EXPECT_EQ(read(tmp / "reader"), "old bytes");
    EXPECT_EQ(entries(tmp.path()), 2u);
}

TEST(WriteReplacing, ANewFileInAMissingDirectoryIsAnErrorNamingIt) {
    test::TempDir tmp("replace");
    std::string file = tmp / "missing/out";
    auto written = write_replacing(file, "bytes", 0644);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().message.find(file), std::string::npos) << written.error().message;
    EXPECT_EQ(entries(tmp.path()), 0u);
}

TEST(WriteReplacing, ADirectoryInTheWayIsAnErrorAndLeavesNoTemporary) {
    test::TempDir tmp("replace");
    std::filesystem::create_directories(tmp / "out/inside");
    auto written = write_replacing(tmp / "out", "bytes", 0644);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().message.find("cannot write '" + (tmp / "out") + "'"), std::string::npos)
        << written.error().message;
    EXPECT_EQ(entries(tmp.path()), 1u);
    EXPECT_TRUE(std::filesystem::is_directory(tmp / "out/inside"));
}

}  // namespace
}  // namespace skiff
