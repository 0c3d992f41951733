#include "launcher/image/metadata.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/unit/image/image_test_util.hpp"

namespace skiff::image {
namespace {

using test::make_symlink;
using test::TempDir;
using test::write_file;
using Env = std::vector<std::pair<std::string, std::string>>;

const std::string enroot_rc =
    "mkdir -p \"/workspace\" 2> /dev/null\n"
    "cd \"/workspace\" && unset OLDPWD || exit 1\n"
    "\n"
    "if [ $# -gt 0 ]; then\n"
    "    exec '/entry.sh' \"$@\"\n"
    "else\n"
    "    exec '/entry.sh' '/bin/bash'\n"
    "fi\n";

// The same trees are read as a directory image and, after mksquashfs, as a squashfs image.
class ImageMetadataTest : public ::testing::TestWithParam<ImageSource::Kind> {
protected:
    void SetUp() override {
        ASSERT_FALSE(tree.path().empty());
        ASSERT_FALSE(host.path().empty());
        write_file(host / "secret", "SECRET=host\n");
        std::filesystem::create_directories(tree / "etc");
    }

    // Turns `tree` into the image under test.
    Result<ImageMetadata> read() {
        ImageSource source;
        source.kind = GetParam();
        source.path = tree.path();
        if (GetParam() == ImageSource::Kind::squashfs) {
            source.path = work / "image.sqsh";
            if (std::string why = test::make_squashfs(tree.path(), source.path); !why.empty()) {
                skip_reason = why;
                return fail(why);
            }
        }
        return read_metadata(source);
    }

    TempDir tree, host, work;
    std::string skip_reason;
};

#define READ_OR_SKIP(md)                                 \
    auto md = read();                                    \
    if (!skip_reason.empty()) SKIFF_IMAGE_SKIP(skip_reason); \
    ASSERT_TRUE(md) << md.error().message

TEST_P(ImageMetadataTest, NoMetadata) {
    READ_OR_SKIP(md);
    EXPECT_EQ(*md, ImageMetadata{});
}

TEST_P(ImageMetadataTest, EnrootLayout) {
    write_file(tree / "etc/environment", "PATH=/usr/local/bin:/usr/bin\nLANG=C.UTF-8\n");
    write_file(tree / "etc/rc", enroot_rc);
    READ_OR_SKIP(md);
    EXPECT_EQ(md->source, ImageMetadata::Source::enroot);
    EXPECT_EQ(md->env, (Env{{"PATH", "/usr/local/bin:/usr/bin"}, {"LANG", "C.UTF-8"}}));
    EXPECT_EQ(md->workdir, "/workspace");
    EXPECT_TRUE(md->enroot_rc);
    EXPECT_TRUE(md->entrypoint.empty());
    EXPECT_TRUE(md->cmd.empty());
}

TEST_P(ImageMetadataTest, EnvironmentAloneHasNoRc) {
    write_file(tree / "etc/environment", "A=1\n");
    READ_OR_SKIP(md);
    EXPECT_EQ(md->source, ImageMetadata::Source::enroot);
    EXPECT_EQ(md->env, (Env{{"A", "1"}}));
    EXPECT_EQ(md->workdir, std::nullopt);
    EXPECT_FALSE(md->enroot_rc);
}

TEST_P(ImageMetadataTest, AbsoluteSymlinkResolvesInsideTheImage) {
    write_file(tree / "etc/env.real", "FROM=image\n");
    make_symlink("/etc/env.real", tree / "etc/environment");
    make_symlink("../../../../../../etc/rc.real", tree / "etc/rc");
    write_file(tree / "etc/rc.real", "cd \"/from/image\" && unset OLDPWD || exit 1\n");
    READ_OR_SKIP(md);
    EXPECT_EQ(md->env, (Env{{"FROM", "image"}}));
    EXPECT_EQ(md->workdir, "/from/image");
    EXPECT_TRUE(md->enroot_rc);
}

TEST_P(ImageMetadataTest, SymlinkToTheHostIsNotFollowedOut) {
    make_symlink(host / "secret", tree / "etc/environment");
    make_symlink("../../../../../../../../.." + (host / "secret"), tree / "etc/rc");
    READ_OR_SKIP(md);
    EXPECT_EQ(*md, ImageMetadata{});
}

TEST_P(ImageMetadataTest, SkiffMetadataWinsOverEnroot) {
    write_file(tree / ".skiff/image-metadata", "skiff-image-metadata 1\nenv A=skiff\nworkdir /w\ncmd /bin/true\n");
    write_file(tree / "etc/environment", "A=enroot\n");
    write_file(tree / "etc/rc", enroot_rc);
    READ_OR_SKIP(md);
    EXPECT_EQ(md->source, ImageMetadata::Source::skiff);
    EXPECT_EQ(md->env, (Env{{"A", "skiff"}}));
    EXPECT_EQ(md->workdir, "/w");
    EXPECT_EQ(md->cmd, std::vector<std::string>{"/bin/true"});
    EXPECT_FALSE(md->enroot_rc);
}

TEST_P(ImageMetadataTest, BadSkiffMetadataIsAnError) {
    write_file(tree / ".skiff/image-metadata", "skiff-image-metadata 9\n");
    auto md = read();
    if (!skip_reason.empty()) SKIFF_IMAGE_SKIP(skip_reason);
    ASSERT_FALSE(md);
    EXPECT_NE(md.error().message.find("/.skiff/image-metadata:1: format 9 is newer"), std::string::npos)
        << md.error().message;
}

TEST_P(ImageMetadataTest, NonRegularFilesCountAsAbsent) {
    std::filesystem::create_directories(tree / "etc/rc");
    ASSERT_EQ(::mkfifo((tree / "etc/environment").c_str(), 0600), 0);  // must not block
    READ_OR_SKIP(md);
    EXPECT_EQ(*md, ImageMetadata{});
}

TEST_P(ImageMetadataTest, HugeFileIsAnError) {
    write_file(tree / "etc/environment", std::string((1 << 20) + 1, '#'));
    auto md = read();
    if (!skip_reason.empty()) SKIFF_IMAGE_SKIP(skip_reason);
    ASSERT_FALSE(md);
    EXPECT_NE(md.error().message.find("'/etc/environment' is larger than 1 MiB"), std::string::npos)
        << md.error().message;
}

INSTANTIATE_TEST_SUITE_P(ImageKinds, ImageMetadataTest,
                         ::testing::Values(ImageSource::Kind::directory, ImageSource::Kind::squashfs),
                         [](const ::testing::TestParamInfo<ImageSource::Kind>& param_info) {
                             return param_info.param == ImageSource::Kind::directory ? std::string("directory")
                                                                                     : std::string("squashfs");
                         });

TEST(ImageMetadataErrors, MissingImage) {
    ImageSource source;
    source.kind = ImageSource::Kind::directory;
    source.path = "/nonexistent/skiff/rootfs";
    auto md = read_metadata(source);
    ASSERT_FALSE(md);
    EXPECT_EQ(md.error().message,
              "image '/nonexistent/skiff/rootfs': open '/nonexistent/skiff/rootfs': No such file or directory");
}

}  // namespace
}  // namespace skiff::image
