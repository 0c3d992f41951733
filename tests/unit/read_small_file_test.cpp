#include "common/read_small_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace skiff {
namespace {

TEST(ReadSmallFile, ReadsAWholeFileUpToTheLimit) {
    test::TempDir tmp("small");
    std::string file = tmp.write_file("cache", "0123456789");
    EXPECT_EQ(read_small_file(file, 10), "0123456789");
    EXPECT_EQ(read_small_file(tmp.write_file("empty", ""), 0), "");
    EXPECT_EQ(read_small_file(file, 9), std::nullopt);
    EXPECT_EQ(read_small_file(tmp / "missing", 100), std::nullopt);
}

// A cache that is not a plain file is no cache: a symlink is not followed, and neither a
// directory nor a FIFO (which would block a plain open) is read.
TEST(ReadSmallFile, OnlyARegularFileAtThePathIsRead) {
    test::TempDir tmp("small");
    std::string file = tmp.write_file("cache", "bytes");
    ASSERT_EQ(::symlink(file.c_str(), (tmp / "link").c_str()), 0);
    ASSERT_EQ(::mkfifo((tmp / "fifo").c_str(), 0600), 0);
    EXPECT_EQ(read_small_file(tmp / "link", 100), std::nullopt);
    EXPECT_EQ(read_small_file(tmp / "fifo", 100), std::nullopt);
    EXPECT_EQ(read_small_file(tmp.path(), 1 << 20), std::nullopt);
}

}  // namespace
}  // namespace skiff
