// Layer semantics of the merged tree: whiteouts, opaque directories, hard links, symlinks,
// and paths that would leave the image.
#include "launcher/image/convert/layer_tree.hpp"

#include <gtest/gtest.h>

namespace skiff::image::convert {
namespace {

LayerEntry file(const std::string& path, std::size_t ordinal = 0) {
    LayerEntry e;
    e.path = path;
    e.type = LayerEntry::Type::file;
    e.mode = 0644;
    e.data.kind = DataRef::Kind::layer_entry;
    e.data.ordinal = ordinal;
    return e;
}
LayerEntry dir(const std::string& path) {
    LayerEntry e;
    e.path = path;
    e.type = LayerEntry::Type::directory;
    e.mode = 0755;
    return e;
}
LayerEntry link(const std::string& path, const std::string& target, LayerEntry::Type type) {
    LayerEntry e;
    e.path = path;
    e.type = type;
    e.link = target;
    return e;
}

const Inode* find(const LayerTree& tree, const std::vector<std::string>& parts) {
    const Inode* node = tree.root().get();
    for (const auto& p : parts) {
        auto it = node->children.find(p);
        if (it == node->children.end()) return nullptr;
        node = it->second.inode.get();
    }
    return node;
}

void apply(LayerTree& tree, const LayerEntry& e, std::size_t layer, bool whiteouts = true) {
    auto r = tree.apply(e, layer, whiteouts);
    ASSERT_TRUE(r) << r.error().message;
}

TEST(LayerTree, WhiteoutRemovesLowerFileOnly) {
    LayerTree tree;
    apply(tree, file("etc/old"), 0);
    apply(tree, file("etc/keep"), 0);
    apply(tree, file("etc/.wh.old"), 1);
    apply(tree, file("etc/.wh.missing"), 1);
    EXPECT_EQ(find(tree, {"etc", "old"}), nullptr);
    EXPECT_NE(find(tree, {"etc", "keep"}), nullptr);
    EXPECT_EQ(find(tree, {"etc", ".wh.old"}), nullptr);  // markers are never files
}

TEST(LayerTree, WhiteoutRemovesWholeLowerDirectory) {
    LayerTree tree;
    apply(tree, file("opt/app/bin/tool"), 0);
    apply(tree, file(".wh.opt"), 1);
    EXPECT_EQ(find(tree, {"opt"}), nullptr);
}

TEST(LayerTree, OpaqueDirectoryHidesLowerContentInEitherOrder) {
    for (bool marker_first : {true, false}) {
        LayerTree tree;
        apply(tree, file("data/lower1"), 0);
        apply(tree, file("data/sub/lower2"), 0);
        if (marker_first) apply(tree, file("data/.wh..wh..opq"), 1);
        apply(tree, file("data/sub/upper"), 1);
        if (!marker_first) apply(tree, file("data/.wh..wh..opq"), 1);
        EXPECT_EQ(find(tree, {"data", "lower1"}), nullptr) << marker_first;
        EXPECT_EQ(find(tree, {"data", "sub", "lower2"}), nullptr) << marker_first;
        EXPECT_NE(find(tree, {"data", "sub", "upper"}), nullptr) << marker_first;
    }
}

TEST(LayerTree, PlainRootFileSystemKeepsWhiteoutNames) {
    LayerTree tree;
    apply(tree, file("a/.wh.b"), 0, false);
    EXPECT_NE(find(tree, {"a", ".wh.b"}), nullptr);
}

TEST(LayerTree, HardLinkSharesTheInodeAndSurvivesRemovalOfTheOther) {
    LayerTree tree;
    apply(tree, file("usr/bin/perl", 7), 0);
    apply(tree, link("usr/bin/perl5", "usr/bin/perl", LayerEntry::Type::hardlink), 0);
    EXPECT_EQ(find(tree, {"usr", "bin", "perl"}), find(tree, {"usr", "bin", "perl5"}));
    apply(tree, file("usr/bin/.wh.perl"), 1);
    ASSERT_NE(find(tree, {"usr", "bin", "perl5"}), nullptr);
    EXPECT_EQ(find(tree, {"usr", "bin", "perl5"})->data.ordinal, 7u);
}

TEST(LayerTree, HardLinkToMissingOrDirectoryIsAnError) {
    LayerTree tree;
    apply(tree, dir("d"), 0);
    EXPECT_FALSE(tree.apply(link("x", "nope", LayerEntry::Type::hardlink), 0, true));
    EXPECT_FALSE(tree.apply(link("x", "d", LayerEntry::Type::hardlink), 0, true));
    EXPECT_FALSE(tree.apply(link("x", "../etc/shadow", LayerEntry::Type::hardlink), 0, true));
}

TEST(LayerTree, FileReplacesDirectoryAndDirectoryOverDirectoryMerges) {
    LayerTree tree;
    apply(tree, file("a/inner"), 0);
    apply(tree, dir("a"), 1);
    EXPECT_NE(find(tree, {"a", "inner"}), nullptr);
    apply(tree, file("a"), 2);
    ASSERT_NE(find(tree, {"a"}), nullptr);
    EXPECT_EQ(find(tree, {"a"})->type, Inode::Type::file);
}

TEST(LayerTree, ParentSymlinksResolveInsideTheImage) {
    LayerTree tree;
    apply(tree, dir("usr/lib"), 0);
    apply(tree, link("lib", "usr/lib", LayerEntry::Type::symlink), 0);
    apply(tree, link("evil", "/../../../host", LayerEntry::Type::symlink), 0);
    apply(tree, file("lib/libc.so"), 1);
    EXPECT_NE(find(tree, {"usr", "lib", "libc.so"}), nullptr);
    EXPECT_EQ(find(tree, {"lib"})->type, Inode::Type::symlink);
    apply(tree, file("evil/x"), 1);  // ".." stops at the image root
    EXPECT_NE(find(tree, {"host", "x"}), nullptr);
}

TEST(LayerTree, PathsOutsideTheImageAreRejected) {
    LayerTree tree;
    for (const char* bad : {"../etc/passwd", "a/../../x", "/etc/passwd", "./a/../../../b"}) {
        auto r = tree.apply(file(bad), 0, true);
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
    }
    EXPECT_TRUE(find(tree, {"etc"}) == nullptr);
}

// umoci writes the root directory as "/"; it is the root, not an absolute path.
TEST(LayerTree, SlashEntryIsTheRootDirectory) {
    LayerTree tree;
    for (const char* root : {"/", "./", "//", "/."}) {
        LayerEntry e = dir(root);
        e.mode = 0750;
        e.mtime = 42;
        apply(tree, e, 0);
        EXPECT_EQ(tree.root()->permissions, 0750u) << root;
        EXPECT_EQ(tree.root()->mtime, 42) << root;
    }
    EXPECT_TRUE(tree.root()->children.empty());
    for (const char* bad : {"/..", "/x", "//etc"}) EXPECT_FALSE(tree.apply(dir(bad), 0, true)) << bad;
    EXPECT_FALSE(tree.apply(file("/"), 0, true)) << "the root must be a directory";
}

TEST(LayerTree, SpecialFilesAreCountedAndSkipped) {
    LayerTree tree;
    LayerEntry fifo = file("dev/fifo");
    fifo.type = LayerEntry::Type::other;
    apply(tree, fifo, 0);
    EXPECT_EQ(tree.skipped_special_files(), 1u);
    EXPECT_EQ(find(tree, {"dev", "fifo"}), nullptr);
}

TEST(LayerTree, SetIdBitsAreDropped) {
    LayerTree tree;
    LayerEntry su = file("bin/su");
    su.mode = 04755;
    apply(tree, su, 0);
    EXPECT_EQ(find(tree, {"bin", "su"})->permissions, 0755u);
}

}  // namespace
}  // namespace skiff::image::convert
