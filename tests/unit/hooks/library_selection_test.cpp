// The library part of the network hooks: the DT_NEEDED closure of configured host libraries,
// the glibc family left out, the ABI checks on glibc images, and musl images skipping
// glibc-linked libraries (hooks.md §1, ldcache.md §5.4).
#include <gtest/gtest.h>

#include <filesystem>

#include "hooks/host_libraries.hpp"
#include "libfabric-bind/injection_checks.hpp"
#include "tests/unit/hooks/fake_host.hpp"

namespace skiff::hooks {
namespace {

using testing::ContextParts;
using testing::write_library;

std::vector<std::string> names(const std::vector<InjectedLibrary>& libs) {
    std::vector<std::string> out;
    for (const auto& lib : libs) out.push_back(lib.name + " <- " + lib.reason);
    return out;
}

TEST(HookLibraries, ClosureFollowsTheHostCacheThenTheLibrarysOwnDirectory) {
    test::TempDir site("site"), elsewhere("cached");
    auto fabric = write_library(site, "libfabric.so.1.20.0", "libfabric.so.1", {"libcxi.so.1", "libnl-3.so.200", "libc.so.6", "libm.so.6"});
    write_library(site, "libcxi.so.1", "libcxi.so.1", {"libc.so.6"});
    auto nl = write_library(elsewhere, "libnl-3.so.200", "libnl-3.so.200", {"libpthread.so.0"});
    ContextParts parts;
    parts.host.add("libnl-3.so.200", nl);
    auto selection = select_libraries(parts.context(), "cxi", {fabric});
    ASSERT_TRUE(selection) << selection.error().message;
    EXPECT_EQ(names(selection->libraries),
              (std::vector<std::string>{"libfabric.so.1 <- site library", "libcxi.so.1 <- needed by libfabric.so.1",
                                        "libnl-3.so.200 <- needed by libfabric.so.1"}));
    EXPECT_EQ(selection->libraries[0].host_path, fabric) << "the real file is bound";
    EXPECT_EQ(selection->libraries[2].host_path, nl);
    EXPECT_EQ(selection->libraries[0].container_path(), "/.skiff/lib/libfabric.so.1");
    ASSERT_FALSE(selection->notes.empty());
    EXPECT_EQ(selection->notes[0], "left out, the image provides them: libc.so.6 libm.so.6 libpthread.so.0");
}

TEST(HookLibraries, AMissingDependencyNamesTheLibraryThatNeedsIt) {
    test::TempDir site("site");
    auto fabric = write_library(site, "libfabric.so.1", "libfabric.so.1", {"libnowhere-skiff.so.7"});
    ContextParts parts;
    auto selection = select_libraries(parts.context(), "cxi", {fabric});
    ASSERT_FALSE(selection);
    EXPECT_EQ(selection.error().message, fabric + " needs libnowhere-skiff.so.7, which is neither in the host's "
                                                  "ld.so.cache nor in " + site.path() + " or the default directories");
}

TEST(HookLibraries, ANewerGlibcThanTheImageHasIsNamedWithBothVersions) {
    test::TempDir site("site");
    auto fabric = write_library(site, "libfabric.so.1", "libfabric.so.1", {"libc.so.6"}, "GLIBC_2.38");
    ContextParts parts;
    auto selection = select_libraries(parts.context(), "cxi", {fabric});
    ASSERT_FALSE(selection);
    EXPECT_EQ(selection.error().message,
              "libfabric.so.1 (" + fabric + ") needs GLIBC_2.38 (libc.so.6), the image has glibc 2.36");
    parts.libc = testing::glibc_image("GLIBC_2.38");
    EXPECT_TRUE(select_libraries(parts.context(), "cxi", {fabric})) << "2.38 satisfies 2.38";
}

TEST(HookLibraries, ASonameMajorDifferentFromTheImagesCopyIsRefused) {
    test::TempDir site("site");
    auto fabric = write_library(site, "libfabric.so.1", "libfabric.so.1", {"libc.so.6"});
    ContextParts parts;
    parts.image_cache = {ldtest::cache_entry("libfabric.so.2", "/usr/lib64/libfabric.so.2")};
    auto selection = select_libraries(parts.context(), "cxi", {fabric});
    ASSERT_FALSE(selection);
    EXPECT_EQ(selection.error().message, "libfabric.so.1 (" + fabric +
                                             "): the image has libfabric.so.2 (/usr/lib64/libfabric.so.2); the soname majors differ");
    parts.image_cache.push_back(ldtest::cache_entry("libfabric.so.1", "/usr/lib64/libfabric.so.1"));
    EXPECT_TRUE(select_libraries(parts.context(), "cxi", {fabric})) << "the image's own .so.1 is simply replaced";
}

TEST(HookLibraries, MuslImagesSkipGlibcLinkedLibrariesWithOneWarning) {
    test::TempDir site("site");
    auto fabric = write_library(site, "libfabric.so.1", "libfabric.so.1", {"libcxi.so.1", "libc.so.6"});
    write_library(site, "libcxi.so.1", "libcxi.so.1", {"libc.so.6"});
    ContextParts parts;
    parts.libc = testing::musl_image();
    auto selection = select_libraries(parts.context(), "cxi", {fabric});
    ASSERT_TRUE(selection) << selection.error().message;
    EXPECT_TRUE(selection->libraries.empty());
    EXPECT_EQ(selection->musl_warning.value_or(""),
              "cxi hook: the image uses musl; 2 glibc-linked host libraries are not injected (libfabric.so.1 libcxi.so.1)");
}

TEST(HookLibraries, WhatAnEarlierHookInjectedIsNotInjectedAgain) {
    test::TempDir site("site");
    auto plugin = write_library(site, "libnccl-net.so", "libnccl-net.so", {"libfabric.so.1"});
    write_library(site, "libfabric.so.1", "libfabric.so.1", {});
    ContextParts parts;
    parts.earlier.push_back({"cxi", {{"/h/libfabric.so.1", "libfabric.so.1", {}, "site library"}}, {}, {}, {}, {}});
    auto selection = select_libraries(parts.context(), "aws_ofi_nccl", {plugin});
    ASSERT_TRUE(selection);
    EXPECT_EQ(names(selection->libraries), std::vector<std::string>{"libnccl-net.so <- site library"});
    EXPECT_EQ(selection->notes.back(), "libfabric.so.1: already injected by the cxi hook");
}

TEST(HookLibraries, GlobsExpandSortedAndAPatternMatchingNothingIsAnError) {
    test::TempDir site("site");
    write_library(site, "libb.so.1", "libb.so.1", {});
    write_library(site, "liba.so.1", "liba.so.1", {});
    auto found = expand_library_globs({site / "lib*.so.1"}, "skiff.toml:3: hooks.cxi.libraries");
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, (std::vector<std::string>{site / "liba.so.1", site / "libb.so.1"}));
    auto none = expand_library_globs({site / "libcxi*"}, "skiff.toml:3: hooks.cxi.libraries");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message, "skiff.toml:3: hooks.cxi.libraries: '" + site.path() + "/libcxi*' matches no file on this node");
}

// The plan memory's inputs: each file read, and each place a dependency was looked for in vain
// (a library that appeared there would be found instead), in the order tried.
TEST(HookLibraries, TheSelectionNamesEachFileItReadAndEachPlaceItLookedInVain) {
    test::TempDir site("site"), real("real"), stale("stale");
    auto fabric = write_library(real, "libfabric.so.1.20.0", "libfabric.so.1", {"libcxi.so.1", "libskiffnl.so.1", "libc.so.6"});
    auto cxi = write_library(real, "libcxi.so.1", "libcxi.so.1", {});
    auto nl = write_library(real, "libskiffnl.so.1", "libskiffnl.so.1", {});
    std::filesystem::create_symlink(fabric, site / "libfabric.so.1");
    ContextParts parts;
    parts.host.add("libskiffnl.so.1", stale / "libskiffnl.so.1");  // a cache entry whose file is gone
    auto selection = select_libraries(parts.context(), "cxi", {site / "libfabric.so.1"});
    ASSERT_TRUE(selection) << selection.error().message;
    EXPECT_EQ(testing::described(selection->inputs),
              (std::vector<std::string>{site / "libfabric.so.1", cxi, nl, "presence " + site / "libcxi.so.1",
                                        "presence " + stale / "libskiffnl.so.1", "presence " + site / "libskiffnl.so.1"}));
}

// "/T/a*/lib/x*" lists /T, each /T/aN and each /T/aN/lib; a path without wildcards is only
// looked at.
TEST(HookLibraries, AGlobDependsOnEveryDirectoryItLists) {
    test::TempDir top("globs");
    top.write_file("a1/lib/x1", "");
    top.write_file("a2/lib/y", "");
    top.write_file("b/file", "");
    std::vector<plan::HostInput> inputs;
    add_glob_inputs({top / "a*/lib/x*", top / "b/file", top / "none*/x"}, inputs);
    EXPECT_EQ(testing::described(inputs),
              (std::vector<std::string>{top.path(), top / "a1", top / "a2", top / "a1/lib", top / "a2/lib",
                                        "presence " + top / "b/file", top.path()}));
    inputs.clear();
    add_glob_inputs({"/skiff*"}, inputs);
    EXPECT_EQ(testing::described(inputs), std::vector<std::string>{"/"});
}

TEST(HookLibraries, GlibcPrivateIsNeverSatisfiable) {
    elf::ElfInfo lib;
    lib.version_needs = {{"libc.so.6", {"GLIBC_2.2.5", "GLIBC_PRIVATE"}}};
    EXPECT_EQ(ldcache::glibc_problem(lib, {"GLIBC_2.2.5", "GLIBC_2.99"}).value_or(""),
              "needs GLIBC_PRIVATE, which only the host's own glibc build provides");
    EXPECT_FALSE(ldcache::glibc_problem(lib, {})) << "an image whose libc.so.6 was not found cannot be checked";
}

TEST(HookLibraries, SonameParts) {
    EXPECT_EQ(ldcache::split_soname("libfabric.so.1")->stem, "libfabric.so");
    EXPECT_EQ(ldcache::split_soname("libnl-3.so.200.26.0")->major, "200");
    EXPECT_FALSE(ldcache::split_soname("libnccl-net.so"));
    EXPECT_FALSE(ldcache::split_soname("libx.so.a"));
}

}  // namespace
}  // namespace skiff::hooks
