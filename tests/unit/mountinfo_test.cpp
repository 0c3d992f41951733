#include "common/mountinfo.hpp"

#include <gtest/gtest.h>

namespace skiff {
namespace {

TEST(Mountinfo, ParsesPointTypeAndOptionsPastTheOptionalFields) {
    auto mounts = parse_mountinfo(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
        "41 22 0:35 / /root/rootfs rw,relatime - overlay overlay rw,lowerdir=/root/lower,userxattr\n"
        "42 41 0:36 / /root/rootfs/my\\040dir rw master:3 shared:4 - tmpfs tmpfs rw\n");
    ASSERT_EQ(mounts.size(), 3u);
    EXPECT_EQ(mounts[0].point, "/");
    EXPECT_EQ(mounts[0].type, "ext4");
    EXPECT_EQ(mounts[0].options, "rw,relatime,rw,errors=remount-ro");
    EXPECT_EQ(mounts[1].type, "overlay");
    EXPECT_EQ(mounts[2].point, "/root/rootfs/my dir");
}

TEST(Mountinfo, MalformedLinesAreSkipped) {
    auto mounts = parse_mountinfo("garbage\n1 2 3 4\n5 6 7:8 / /x rw no-dash-here\n9 1 0:1 / /ok rw - tmpfs tmpfs rw\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0].point, "/ok");
}

TEST(Mountinfo, UnescapesOnlyWholeOctalEscapes) {
    EXPECT_EQ(unescape_mountinfo("a\\011b\\134c"), "a\tb\\c");
    EXPECT_EQ(unescape_mountinfo("end\\04"), "end\\04");
    EXPECT_EQ(unescape_mountinfo("not\\089"), "not\\089");
}

}  // namespace
}  // namespace skiff
