// The hostile-image corpus (tests/support/hostile_squashfs.hpp) against skiff's squashfs
// readers, in process: the launcher's SquashfsImage and the servers' open, which checks the
// superblock and lists the root. A refused image is one error that names it; no image crashes
// a reader (the ASan+UBSan run of this tier checks every access too). tests/ns/
// hostile_images_test.cpp launches the same corpus.
#include <unistd.h>

#include <gtest/gtest.h>

#include "launcher/image/squashfs_reader.hpp"
#include "namespaces/squashfs/squashfs_fuse.hpp"
#include "tests/support/hostile_squashfs.hpp"
#include "tests/unit/image/image_test_util.hpp"

namespace skiff::test {
namespace {

using image::test::TempDir;
using image::test::write_file;
using Expect = HostileImage::Expect;

class HostileSquashfs : public ::testing::Test {
protected:
    void SetUp() override {
        write_file(tree / "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        write_file(tree / "etc/group", "root:x:0:\n");
        write_file(tree / "bin/tool", std::string(10000, 't'));
        add_long_names(tree.path());
        auto mksquashfs = image::test::find_program("mksquashfs");
        if (!mksquashfs) SKIFF_IMAGE_SKIP("mksquashfs not found (install squashfs-tools)");
        base = work / "base.sqsh";
        std::vector<std::string> argv{*mksquashfs, tree.path(), base};
        for (const auto& option : plain_metadata_options()) argv.push_back(option);
        ASSERT_EQ(image::test::run_quietly(argv), 0);
        std::string why;
        corpus = write_hostile_corpus(base, work.path(), why);
        ASSERT_FALSE(corpus.empty()) << why;
    }

    // What the launcher reads first: the image's passwd. The error, or "" if it read.
    static std::string launcher_error(const std::string& path) {
        auto opened = image::SquashfsImage::open(path);
        if (!opened) return opened.error().message;
        auto passwd = opened->read_file("/etc/passwd");
        return passwd ? std::string() : passwd.error().message;
    }

    // Why a server refuses the image, or "" if it would serve it.
    static std::string server_problem(const std::string& path) {
        std::string problem;
        ns::close_squashfs_fuse(ns::open_squashfs_fuse(path, ::getuid(), ::getgid(), ns::ServeLimits{}, problem));
        return problem;
    }

    TempDir tree, work;
    std::string base;
    std::vector<HostileImage> corpus;
};

TEST_F(HostileSquashfs, TheBaseImageReads) {
    EXPECT_EQ(launcher_error(base), "");
    EXPECT_EQ(server_problem(base), "");
}

TEST_F(HostileSquashfs, TheLauncherRefusesEachDamageWithOneErrorNamingTheImage) {
    for (const auto& hostile : corpus) {
        std::string error = launcher_error(hostile.path);
        if (hostile.expect == Expect::no_crash && error.empty()) continue;
        EXPECT_FALSE(error.empty()) << hostile.what;
        EXPECT_TRUE(error.starts_with("image '" + hostile.path + "': ")) << hostile.what << ": " << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << hostile.what << ": " << error;
    }
}

TEST_F(HostileSquashfs, ServersRefuseImagesWhoseRootTheyCannotRead) {
    for (const auto& hostile : corpus) {
        std::string problem = server_problem(hostile.path);
        if (hostile.expect == Expect::refused) {
            EXPECT_NE(problem, "") << hostile.what;
        } else if (hostile.expect == Expect::refused_as_image) {
            EXPECT_EQ(problem, "") << hostile.what;
        }
    }
}

TEST_F(HostileSquashfs, ProblemsAreNamed) {
    auto named = [&](const std::string& what) {
        for (const auto& hostile : corpus)
            if (hostile.what == what) return server_problem(hostile.path);
        return std::string("no such image in the corpus");
    };
    EXPECT_EQ(named("superblock: block_size = 0"), "block size 0 is not a power of two from 4 KiB to 1 MiB");
    EXPECT_EQ(named("superblock: block_size = 1 GiB"), "block size 1073741824 is not a power of two from 4 KiB to 1 MiB");
    EXPECT_EQ(named("superblock: version 3.0"), "unsupported squashfs version 3.0 (only 4.0 is read)");
    EXPECT_EQ(named("superblock: fragments > inodes"), "it claims more fragments than inodes");
    EXPECT_EQ(named("superblock: root inode outside the inode table"), "the root inode lies outside the inode table");
    EXPECT_EQ(named("truncated to 50 bytes"), "not a squashfs file");
    EXPECT_EQ(named("a directory entry's name is 4096 bytes long"), "its root directory is damaged");
}

TEST_F(HostileSquashfs, ACraftedNameLengthIsADamagedDirectoryNotACopy) {
    std::string error = launcher_error(corpus.front().path);
    EXPECT_EQ(error, "image '" + corpus.front().path + "': '/etc/passwd': damaged directory");
}

}  // namespace
}  // namespace skiff::test
