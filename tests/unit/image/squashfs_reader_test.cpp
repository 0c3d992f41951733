#include "launcher/image/squashfs_reader.hpp"

#include <gtest/gtest.h>

#include "tests/unit/image/image_test_util.hpp"

namespace skiff::image {
namespace {

using test::make_symlink;
using test::TempDir;
using test::write_file;

// A tree with files, nested directories and every kind of symlink, built once per test.
class ImageSquashfs : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(tree.path().empty());
        ASSERT_FALSE(host.path().empty());
        write_file(host / "secret", "host secret\n");
        write_file(tree / "etc/env.real", "A=1\n");
        make_symlink("/etc/env.real", tree / "etc/environment");         // absolute, inside
        make_symlink("../../../../etc/env.real", tree / "a/b/up");       // climbs above the root
        make_symlink(host / "secret", tree / "etc/escape");              // absolute host path
        make_symlink("/a/b", tree / "dirlink");                          // symlinked directory
        make_symlink("loop2", tree / "loop1");
        make_symlink("loop1", tree / "loop2");
        write_file(tree / "a/b/file", "in b");
        big.resize(300 * 1024 + 7);  // several 128 KiB blocks plus a fragment
        for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 7919) % 26);
        write_file(tree / "usr/lib/big", big);
        image = work / "image.sqsh";
        if (std::string why = test::make_squashfs(tree.path(), image); !why.empty()) SKIFF_IMAGE_SKIP(why);
    }

    std::optional<std::string> read(const std::string& path) {
        auto data = read_file(image, path);
        EXPECT_TRUE(data) << data.error().message;
        return data ? *data : std::nullopt;
    }

    TempDir tree, host, work;
    std::string image, big;
};

TEST_F(ImageSquashfs, ReadsRegularFiles) {
    EXPECT_EQ(read("/etc/env.real"), "A=1\n");
    EXPECT_EQ(read("a/b/file"), "in b");  // relative paths start at the image root
    EXPECT_EQ(read("/usr/lib/big"), big);
}

TEST_F(ImageSquashfs, LimitReturnsAPrefix) {
    auto head = read_file(image, "/usr/lib/big", 4);
    ASSERT_TRUE(head && *head);
    EXPECT_EQ(**head, big.substr(0, 4));
}

TEST_F(ImageSquashfs, MissingPathsAreNullopt) {
    EXPECT_EQ(read("/etc/nope"), std::nullopt);
    EXPECT_EQ(read("/nope/x"), std::nullopt);
    EXPECT_EQ(read("/etc/env.real/x"), std::nullopt);  // ENOTDIR
}

TEST_F(ImageSquashfs, SymlinksResolveInsideTheImage) {
    EXPECT_EQ(read("/etc/environment"), "A=1\n");
    EXPECT_EQ(read("/a/b/up"), "A=1\n");
    EXPECT_EQ(read("/dirlink/file"), "in b");
    EXPECT_EQ(read("/dirlink/../b/file"), "in b");  // ".." of the link target, like the kernel
    EXPECT_EQ(read("/../../etc/env.real"), "A=1\n");
}

TEST_F(ImageSquashfs, SymlinkToAHostPathNeverReadsTheHost) {
    EXPECT_EQ(read("/etc/escape"), std::nullopt);
}

TEST_F(ImageSquashfs, SymlinkLoopIsAnError) {
    auto data = read_file(image, "/loop1");
    ASSERT_FALSE(data);
    EXPECT_EQ(data.error().message, "image '" + image + "': '/loop1': too many levels of symbolic links");
}

TEST_F(ImageSquashfs, DirectoryIsNotReadable) {
    auto data = read_file(image, "/etc");
    ASSERT_FALSE(data);
    EXPECT_EQ(data.error().message, "image '" + image + "': '/etc': not a regular file");
}

TEST_F(ImageSquashfs, StatAndReadLink) {
    auto opened = SquashfsImage::open(image);
    ASSERT_TRUE(opened) << opened.error().message;
    SquashfsImage& img = *opened;
    EXPECT_EQ(*img.stat_path("/"), FileKind::directory);
    EXPECT_EQ(*img.stat_path("/etc/environment"), FileKind::regular);
    EXPECT_EQ(*img.stat_path("/etc/environment", FollowLast::no), FileKind::symlink);
    EXPECT_EQ(*img.stat_path("/dirlink"), FileKind::directory);
    EXPECT_EQ(*img.stat_path("/etc/escape", FollowLast::no), FileKind::symlink);
    EXPECT_EQ(*img.stat_path("/etc/escape"), std::nullopt);
    EXPECT_EQ(*img.read_link("/etc/environment"), "/etc/env.real");
    EXPECT_EQ(*img.read_link("/nope"), std::nullopt);
    EXPECT_FALSE(img.read_link("/etc/env.real"));
    EXPECT_EQ(*stat_path(image, "/a/b/file"), FileKind::regular);
}

TEST_F(ImageSquashfs, OpenErrors) {
    write_file(work / "plain", std::string(4096, 'x'));
    auto plain = SquashfsImage::open(work / "plain");
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error().message, "image '" + (work / "plain") + "': not a squashfs file");
    auto missing = SquashfsImage::open(work / "missing");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message,
              "image '" + (work / "missing") + "': open '" + (work / "missing") + "': No such file or directory");
    auto directory = SquashfsImage::open(work.path());
    ASSERT_FALSE(directory);
    EXPECT_EQ(directory.error().message, "image '" + work.path() + "': not a squashfs file");
}

}  // namespace
}  // namespace skiff::image
