// The image store: where it is (edf.md §7.2), file names, the pull lock, listing.
#include "launcher/image/store.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <fstream>

#include <gtest/gtest.h>

#include "tests/unit/image/image_test_util.hpp"

namespace skiff::image {
namespace {

TEST(ImageStore, ExplicitStoreMustBeAnAbsoluteDirectoryOrVoid) {
    test::TempDir tmp;
    auto v = locate_store({{"EDF_IMAGESTORE", "void"}, {"HOME", tmp.path()}});
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->is_void);
    auto ok = locate_store({{"EDF_IMAGESTORE", tmp.path()}});
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->dir, tmp.path());
    for (const std::string& bad : std::vector<std::string>{"relative/dir", tmp / "missing", ""}) {
        auto r = locate_store({{"EDF_IMAGESTORE", bad}});
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find("EDF_IMAGESTORE='" + bad + "' must be an existing absolute directory"),
                  std::string::npos);
    }
}

TEST(ImageStore, DefaultsScratchThenXdgThenHomeAndCreatesThem) {
    test::TempDir tmp;
    auto s = locate_store({{"SCRATCH", tmp / "scratch"}, {"XDG_CACHE_HOME", tmp / "xdg"}, {"HOME", tmp / "home"}});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->dir, tmp / "scratch/.edf_imagestore");
    auto x = locate_store({{"XDG_CACHE_HOME", tmp / "xdg"}, {"HOME", tmp / "home"}});
    EXPECT_EQ(x->dir, tmp / "xdg/skiff/images");
    auto h = locate_store({{"HOME", tmp / "home"}});
    EXPECT_EQ(h->dir, tmp / "home/.cache/skiff/images");
    EXPECT_TRUE(std::filesystem::is_directory(h->dir));
}

TEST(ImageStore, UncreatableDefaultIsVoidWithAWarning) {
    test::TempDir tmp;
    std::ofstream(tmp / "file") << "x";
    auto s = locate_store({{"SCRATCH", tmp / "file"}});
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->is_void);
    EXPECT_NE(s->warning.find("pulling into a temporary file"), std::string::npos) << s->warning;
}

TEST(ImageStore, FileNamesCarryTheArchitecture) {
    auto ref = parse_reference("nvcr.io#nvidia/pytorch:25.01-py3");
    ASSERT_TRUE(ref);
    StoreLocation store{false, "/s", ""};
    EXPECT_EQ(store_file(store, *ref, "aarch64"), "/s/nvcr.io+nvidia+pytorch+25.01-py3.aarch64.sqsh");
    EXPECT_FALSE(machine_architecture().empty());
}

TEST(ImageStore, LockIsExclusiveAcrossOpenFiles) {
    test::TempDir tmp;
    std::string file = tmp / "a.x86_64.sqsh";
    auto held = lock_store_file(file);
    ASSERT_TRUE(held) << held.error().message;
    UniqueFd other(::open((file + ".lock").c_str(), O_RDWR | O_CLOEXEC));
    ASSERT_TRUE(other.valid());
    EXPECT_NE(::flock(other.get(), LOCK_EX | LOCK_NB), 0);  // another open file: blocked
    held->reset();
    EXPECT_EQ(::flock(other.get(), LOCK_EX | LOCK_NB), 0);
}

TEST(ImageStore, ListsImagesOnly) {
    test::TempDir tmp;
    std::ofstream(tmp / "ubuntu+24.04.x86_64.sqsh") << "hsqs";
    std::ofstream(tmp / "ubuntu+24.04.x86_64.sqsh.lock") << "";
    std::ofstream(tmp / ".ubuntu+24.04.x86_64.sqsh.tmp-abc") << "";
    std::filesystem::create_directories(tmp / ".blobs/sha256");
    auto list = list_store(tmp.path());
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].name, "ubuntu+24.04.x86_64.sqsh");
    EXPECT_EQ((*list)[0].arch, "x86_64");
    EXPECT_EQ((*list)[0].size, 4u);
}

}  // namespace
}  // namespace skiff::image
