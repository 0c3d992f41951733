#include "launcher/image/local.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/unit/image/image_test_util.hpp"

namespace skiff::image {
namespace {

using test::TempDir;
using test::write_file;

const std::string where = "/u/a.toml:2";
const std::string not_local =
    " is a registry reference; this command takes a local squashfs file or directory (a path that starts with /, ./ or ../)";

class ImageClassify : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(dir.path().empty());
        write_file(dir / "app.sqsh", std::string("hsqs") + std::string(60, '\0'));
        write_file(dir / "app.tar", "ustar archive");
        write_file(dir / "tiny", "hs");
        std::filesystem::create_directories(dir / "rootfs/etc");
    }
    std::string message(const Result<ImageSource>& r) { return r ? "ok" : r.error().message; }

    TempDir dir;
};

TEST_F(ImageClassify, SquashfsFileByAbsolutePath) {
    auto source = classify(dir / "app.sqsh", where, "/");
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ(source->kind, ImageSource::Kind::squashfs);
    EXPECT_EQ(source->path, dir / "app.sqsh");
    struct stat st {};
    ASSERT_EQ(::stat((dir / "app.sqsh").c_str(), &st), 0);
    EXPECT_EQ(source->device, st.st_dev);
    EXPECT_EQ(source->inode, st.st_ino);
    EXPECT_EQ(source->size, 64);
    EXPECT_EQ(source->mtime_ns, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec);
}

TEST_F(ImageClassify, RelativePathsAreNormalisedAgainstCwd) {
    auto source = classify("./rootfs/../app.sqsh", where, dir.path());
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ(source->path, dir / "app.sqsh");
    auto up = classify("../rootfs/etc/..//", where, dir / "rootfs");
    ASSERT_TRUE(up) << up.error().message;
    EXPECT_EQ(up->path, dir / "rootfs");
}

TEST_F(ImageClassify, DirectoryWithTrailingSlash) {
    auto source = classify(dir / "rootfs/", where, "/");
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ(source->kind, ImageSource::Kind::directory);
    EXPECT_EQ(source->path, dir / "rootfs");
    EXPECT_NE(source->inode, 0u);
}

TEST_F(ImageClassify, SymlinkToSquashfsIsFollowed) {
    test::make_symlink(dir / "app.sqsh", dir / "link.sqsh");
    auto source = classify(dir / "link.sqsh", where, "/");
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ(source->kind, ImageSource::Kind::squashfs);
    EXPECT_EQ(source->path, dir / "link.sqsh");  // the path as given; only its identity follows
}

TEST_F(ImageClassify, MissingImage) {
    std::string missing = dir / "nope.sqsh";
    EXPECT_EQ(message(classify(missing, where, "/")), where + ": image '" + missing + "' does not exist");
    std::string below_file = dir / "app.tar/x";
    EXPECT_EQ(message(classify(below_file, where, "/")), where + ": image '" + below_file + "' does not exist");
    EXPECT_EQ(message(classify("./nope", "command line", dir.path())), "command line: image './nope' does not exist");
}

TEST_F(ImageClassify, NeitherSquashfsNorDirectory) {
    for (std::string name : {"app.tar", "tiny"}) {
        std::string path = dir / name;
        EXPECT_EQ(message(classify(path, where, "/")),
                  where + ": image '" + path + "' is neither a squashfs file nor a directory");
    }
}

TEST_F(ImageClassify, FifoIsRefusedWithoutBlocking) {
    ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
    EXPECT_EQ(message(classify(dir / "fifo", where, "/")),
              where + ": image '" + (dir / "fifo") + "' is neither a squashfs file nor a directory");
}

std::string did_you_mean(const std::string& name) {
    return "image '" + name + "' is read as a registry name: did you mean ./" + name + "? (docker://" + name +
           " names the registry image)";
}

// A file or directory of the working directory is what a bare name means far more often than
// a Docker Hub image: the hint comes at once, before any registry is asked.
TEST_F(ImageClassify, FileLikeNamesAndLocalDirectoriesGetTheHint) {
    for (std::string name : {"app.sqsh", "data.squashfs", "missing.sqsh", "tiny", "rootfs"})
        EXPECT_EQ(message(classify(name, where, dir.path())), where + ": " + did_you_mean(name));
    EXPECT_EQ(message(classify("nothere", where, dir.path())), where + ": image 'nothere'" + not_local);
}

TEST_F(ImageClassify, AnExplicitSchemeGetsNoHint) {
    EXPECT_EQ(message(classify("docker://rootfs", where, dir.path())), where + ": image 'docker://rootfs'" + not_local);
    EXPECT_EQ(message(classify("docker://tiny", where, dir.path())), where + ": image 'docker://tiny'" + not_local);
    EXPECT_EQ(message(classify("docker://app.sqsh", where, dir.path())),
              where + ": image 'docker://app.sqsh'" + not_local);
}

TEST_F(ImageClassify, RegistryReferencesAreNotLocalImages) {
    EXPECT_EQ(message(classify("ubuntu:24.04", where, dir.path())), where + ": image 'ubuntu:24.04'" + not_local);
    EXPECT_EQ(message(classify("nvcr.io#nvidia/pytorch:25.01-py3", "command line", dir.path())),
              "command line: image 'nvcr.io#nvidia/pytorch:25.01-py3'" + not_local);
}

TEST_F(ImageClassify, BadReferencesKeepTheParserMessage) {
    EXPECT_EQ(message(classify("Ubuntu:24.04", where, dir.path())),
              where + ": image 'Ubuntu:24.04': repository names must be lowercase");
    EXPECT_EQ(message(classify("podman://x", where, dir.path())),
              where + ": image 'podman://x': only registry references and local paths are supported");
    EXPECT_EQ(message(classify("dockerd://x.sqsh", where, dir.path())),
              where + ": image 'dockerd://x.sqsh': only registry references and local paths are supported");
}

TEST_F(ImageClassify, RegistryHalfReturnsTheReference) {
    auto ref = classify_registry("alice@nvcr.io#nvidia/pytorch:25.01-py3", where, dir.path());
    ASSERT_TRUE(ref) << ref.error().message;
    EXPECT_EQ(ref->user, "alice");
    EXPECT_EQ(ref->canonical(), "nvcr.io/nvidia/pytorch:25.01-py3");
    auto hinted = classify_registry("app.sqsh", where, dir.path());
    ASSERT_FALSE(hinted);
    EXPECT_EQ(hinted.error().message, where + ": " + did_you_mean("app.sqsh"));
}

TEST(ImageLocalPath, Rule1) {
    for (const char* local : {"/s/app.sqsh", "./app.sqsh", "../x", ".", ".."}) EXPECT_TRUE(is_local_path(local)) << local;
    for (const char* remote : {"app.sqsh", "ubuntu", ".hidden", "..x", "docker:///x", ""})
        EXPECT_FALSE(is_local_path(remote)) << remote;
}

}  // namespace
}  // namespace skiff::image
