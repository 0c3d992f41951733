// ENROOT_MOUNTS lines: fields, types, the option table, destinations relative to the rootfs.
#include "hooks/external/fstab_line.hpp"

#include <gtest/gtest.h>

namespace skiff::hooks::external {
namespace {

const std::string rootfs = "/tmp/root";

HookMount parsed(const std::string& line) {
    auto m = parse_fstab_line(line, rootfs);
    EXPECT_TRUE(m) << line << ": " << m.error().message;
    EXPECT_TRUE(m && *m) << line;
    return m && *m ? **m : HookMount{};
}

std::string problem(const std::string& line) {
    auto m = parse_fstab_line(line, rootfs);
    EXPECT_FALSE(m) << line;
    return m ? "" : m.error().message;
}

TEST(FstabLine, BlankAndCommentLinesAreNothing) {
    for (const char* line : {"", "   ", "# a comment", "  # indented"}) {
        auto m = parse_fstab_line(line, rootfs);
        ASSERT_TRUE(m) << line;
        EXPECT_FALSE(*m) << line;
    }
}

TEST(FstabLine, BindWithEnrootsUsualOptions) {
    auto m = parsed("/etc/site.conf /etc/site.conf none x-create=file,bind,ro,nosuid,nodev,private");
    EXPECT_EQ(m.op.kind, plan::MountKind::bind);
    EXPECT_EQ(m.op.source, "/etc/site.conf");
    EXPECT_EQ(m.op.destination, "/etc/site.conf");
    EXPECT_EQ(m.op.create, plan::CreatePolicy::file);
    EXPECT_FALSE(m.op.recursive);
    EXPECT_TRUE(m.op.read_only && m.op.nosuid && m.op.nodev);
    EXPECT_FALSE(m.op.noexec);
    EXPECT_EQ(m.op.propagation, plan::Propagation::private_);
    EXPECT_FALSE(m.nofail);
}

TEST(FstabLine, DefaultsAreBindWithoutCreatingTheDestination) {
    auto m = parsed("/opt/site /opt/site");
    EXPECT_EQ(m.op.kind, plan::MountKind::bind);
    EXPECT_EQ(m.op.create, plan::CreatePolicy::none) << "without x-create the destination must exist, as in enroot";
    EXPECT_FALSE(m.op.read_only);
    EXPECT_EQ(m.op.propagation, plan::Propagation::rprivate);
}

TEST(FstabLine, DestinationIsRelativeToTheRootfs) {
    EXPECT_EQ(parsed("/a /tmp/root/etc/x").op.destination, "/etc/x") << "$ENROOT_ROOTFS prefix stripped";
    EXPECT_EQ(parsed("/a etc/x").op.destination, "/etc/x");
    EXPECT_EQ(parsed("/a /tmp/rootfs/x").op.destination, "/tmp/rootfs/x") << "only a whole-component prefix";
}

TEST(FstabLine, RbindCreateNofailAndTabs) {
    auto m = parsed("/data\t/data  none\trbind,x-create=dir,nofail,silent,rslave 0 0");
    EXPECT_TRUE(m.op.recursive);
    EXPECT_EQ(m.op.create, plan::CreatePolicy::directory);
    EXPECT_TRUE(m.nofail);
    EXPECT_EQ(m.op.propagation, plan::Propagation::rslave);
    EXPECT_EQ(parsed("/d /d none x-create=auto").op.create, plan::CreatePolicy::like_source);
}

TEST(FstabLine, OctalEscapesInPaths) {
    auto m = parsed("/host/my\\040dir /in\\040here none bind");
    EXPECT_EQ(m.op.source, "/host/my dir");
    EXPECT_EQ(m.op.destination, "/in here");
}

TEST(FstabLine, TmpfsTakesSizeAndMode) {
    auto m = parsed("tmpfs /scratch tmpfs x-create=dir,rw,nosuid,nodev,noexec,mode=1777,size=64m");
    EXPECT_EQ(m.op.kind, plan::MountKind::tmpfs);
    EXPECT_EQ(m.op.source, "");
    EXPECT_EQ(m.op.options, "mode=1777,size=64m");
    EXPECT_TRUE(m.op.noexec);
}

TEST(FstabLine, RefusedLinesSayWhy) {
    EXPECT_EQ(problem("/a /b none bind,x-move"), "unknown option 'x-move'");
    EXPECT_EQ(problem("/a /b none x-detach"), "unknown option 'x-detach'");
    EXPECT_EQ(problem("/a /b none size=1m"), "unknown option 'size=1m'") << "tmpfs data only for tmpfs";
    EXPECT_EQ(problem("/dev/sda1 /mnt ext4 ro"), "unknown type 'ext4'; skiff applies bind mounts (none) and tmpfs");
    EXPECT_EQ(problem("/a /b none x-create=link"), "x-create must be dir, file or auto, not 'link'");
    EXPECT_EQ(problem("relative /b"), "the source 'relative' is not an absolute path");
    EXPECT_EQ(problem("/only-source"), "expected SRC DST [TYPE [OPTIONS]]");
    EXPECT_EQ(problem("/a b c d e f g"), "more than 6 fields (a space in a path is written \\040)");
}

}  // namespace
}  // namespace skiff::hooks::external
