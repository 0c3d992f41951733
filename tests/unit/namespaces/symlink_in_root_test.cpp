// ns::symlink_in_root on a plain directory as the root (openat2 needs no privilege).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "namespaces/path_in_root.hpp"
#include "tests/support/temp_dir.hpp"

namespace skiff::ns {
namespace {

std::string link_text(const std::string& path) {
    char buffer[256];
    ssize_t n = ::readlink(path.c_str(), buffer, sizeof buffer);
    return n < 0 ? "" : std::string(buffer, static_cast<std::size_t>(n));
}

TEST(SymlinkInRoot, CreatesReplacesAndKeepsFiles) {
    test::TempDir root("symlink-root");
    auto fd = open_root(root.path());
    ASSERT_TRUE(fd);
    auto made = symlink_in_root(fd->get(), "/usr/lib64/libcuda.so", "libcuda.so.1");
    ASSERT_TRUE(made) << made.error().describe();
    EXPECT_EQ(*made, LinkResult::made);
    EXPECT_EQ(link_text(root / "usr/lib64/libcuda.so"), "libcuda.so.1");
    auto again = symlink_in_root(fd->get(), "/usr/lib64/libcuda.so", "libcuda.so.1");
    ASSERT_TRUE(again && *again == LinkResult::made);
    auto replaced = symlink_in_root(fd->get(), "/usr/lib64/libcuda.so", "libcuda.so.2");
    ASSERT_TRUE(replaced && *replaced == LinkResult::made);
    EXPECT_EQ(link_text(root / "usr/lib64/libcuda.so"), "libcuda.so.2");
    root.write_file("etc/file", "keep");
    auto kept = symlink_in_root(fd->get(), "/etc/file", "x");
    ASSERT_TRUE(kept);
    EXPECT_EQ(*kept, LinkResult::file_in_the_way);
    EXPECT_EQ(link_text(root / "etc/file"), "");
}

TEST(SymlinkInRoot, AnEscapingParentStaysInsideTheRoot) {
    test::TempDir outside("symlink-outside");
    test::TempDir root("symlink-root");
    ASSERT_EQ(::symlink(outside.path().c_str(), (root / "escape").c_str()), 0);
    auto fd = open_root(root.path());
    ASSERT_TRUE(fd);
    auto made = symlink_in_root(fd->get(), "/escape/link", "target");
    ASSERT_TRUE(made) << made.error().describe();
    EXPECT_EQ(*made, LinkResult::made);
    struct stat st {};
    EXPECT_NE(::lstat((outside / "link").c_str(), &st), 0) << "the link landed outside the root";
    EXPECT_EQ(link_text(root / outside.path().substr(1) + "/link"), "target");
}

// With / as the root, /proc is a mount of its own, as a bound /dev is in a container: nothing is
// made under it, not even the missing directories.
TEST(SymlinkInRoot, NothingIsMadeOnAnotherMount) {
    auto fd = open_root("/");
    ASSERT_TRUE(fd);
    auto made = symlink_in_root(fd->get(), "/proc/skiff-test-link", "x");
    ASSERT_TRUE(made) << made.error().describe();
    EXPECT_EQ(*made, LinkResult::other_mount);
    auto deeper = symlink_in_root(fd->get(), "/proc/no/such/dir/link", "x");
    ASSERT_TRUE(deeper) << deeper.error().describe();
    EXPECT_EQ(*deeper, LinkResult::other_mount);
}

}  // namespace
}  // namespace skiff::ns
