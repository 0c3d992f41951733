// The image record of an --overlay DIR: its text, what it refuses, which images it takes for
// the same one, and the error lines.
#include "launcher/gather/overlay_record.hpp"

#include <gtest/gtest.h>

namespace skiff::gather {
namespace {

image::ImageSource recorded_squashfs(const std::string& path) {
    image::ImageSource image;
    image.path = path;
    image.device = 2049;
    image.inode = 77;
    image.size = 4096;
    image.mtime_ns = 1700000000123456789;
    return image;
}

TEST(OverlayRecord, TextNamesTheImageAndReadsBack) {
    auto image = recorded_squashfs("/store/my app.sqsh");
    auto text = format_image_record(image);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, "skiff-overlay-image 1\nkind squashfs\nfile 2049 77 4096 1700000000123456789\n"
                     "path /store/my app.sqsh\n");
    auto parsed = parse_image_record(*text);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, image);
    image.kind = image::ImageSource::Kind::directory;
    EXPECT_EQ(parse_image_record(*format_image_record(image)), image);
}

TEST(OverlayRecord, APathWithANewlineCannotBeRecorded) {
    auto text = format_image_record(recorded_squashfs("/store/a\nb.sqsh"));
    ASSERT_FALSE(text);
    EXPECT_NE(text.error().message.find("cannot record an image path with a newline"), std::string::npos);
}

TEST(OverlayRecord, DamagedOrForeignTextIsRefused) {
    const std::string good = *format_image_record(recorded_squashfs("/a.sqsh"));
    EXPECT_TRUE(parse_image_record(good));
    for (std::size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(parse_image_record(good.substr(0, n))) << n;
    for (const char* bad : {"skiff-overlay-image 2\nkind squashfs\nfile 1 2 3 4\npath /a\n",
                            "skiff-overlay-image 1\nkind tarball\nfile 1 2 3 4\npath /a\n",
                            "skiff-overlay-image 1\nkind squashfs\nfile 1 2 3\npath /a\n",
                            "skiff-overlay-image 1\nkind squashfs\nfile 1 2 3 x\npath /a\n",
                            "skiff-overlay-image 1\nkind squashfs\nfile -1 2 3 4\npath /a\n",
                            "skiff-overlay-image 1\nkind squashfs\nfile 1 2 3 4\npath a\n",
                            "skiff-overlay-image 1\nkind squashfs\nfile 1 2 3 4\npath /a\nmore\n",
                            "skiff-overlay-image 1\nfile 1 2 3 4\nkind squashfs\npath /a\n", ""})
        EXPECT_FALSE(parse_image_record(bad)) << bad;
}

TEST(OverlayRecord, TheSameImageIsTheSameFileUnchanged) {
    auto recorded = recorded_squashfs("/a.sqsh");
    EXPECT_TRUE(same_image(recorded, recorded));
    auto other = recorded;
    other.path = "/b.sqsh";
    EXPECT_FALSE(same_image(recorded, other)) << "another path";
    other = recorded;
    other.inode = 78;
    EXPECT_FALSE(same_image(recorded, other)) << "replaced (a new pull of its tag)";
    other = recorded;
    other.mtime_ns += 1;
    EXPECT_FALSE(same_image(recorded, other)) << "modified in place";
    other.kind = recorded.kind = image::ImageSource::Kind::directory;
    other.size = 8192;
    EXPECT_TRUE(same_image(recorded, other)) << "a directory changes with its entries";
}

TEST(OverlayRecord, MismatchLinesSayWhichImage) {
    auto image = recorded_squashfs("/b.sqsh");
    EXPECT_EQ(image_mismatch(recorded_squashfs("/a.sqsh"), image), "it holds changes to image '/a.sqsh', not '/b.sqsh'");
    EXPECT_EQ(image_mismatch(recorded_squashfs("/b.sqsh"), image),
              "it holds changes to image '/b.sqsh' as it was before it was replaced or modified");
    EXPECT_EQ(image_mismatch(std::nullopt, image),
              "its image record is damaged, so it may hold changes to another image than '/b.sqsh'");
}

}  // namespace
}  // namespace skiff::gather
