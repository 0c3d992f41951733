// musl path-file rules (ldcache.md §5) and the musl plan over injected directories.
#include <gtest/gtest.h>

#include "libfabric-bind/linker_config.hpp"
#include "libfabric-bind/musl_path.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

using ldtest::x86;
using State = MuslExisting::State;

TEST(LdcacheMusl, PathFileLocation) {
    EXPECT_EQ(musl_path_file("/lib/ld-musl-x86_64.so.1", x86()), "/etc/ld-musl-x86_64.path");
    EXPECT_EQ(musl_path_file("/usr/lib/ld-musl-x86_64.so.1", x86()), "/usr/etc/ld-musl-x86_64.path");
    EXPECT_EQ(musl_path_file("/a/b/c/ld-musl-armhf.so.1", x86()), "/a/b/etc/ld-musl-armhf.path");
    EXPECT_EQ(musl_path_file("/ld-musl-aarch64.so.1", x86()), "/etc/ld-musl-aarch64.path");
    // Not named like musl's loader: the architecture table supplies <ARCH>.
    EXPECT_EQ(musl_path_file("/lib/libc.so", *arch_by_uname("aarch64")), "/etc/ld-musl-aarch64.path");
}

TEST(LdcacheMusl, InjectedFirstThenTheCurrentPath) {
    // No file: musl's defaults follow the injected directories.
    EXPECT_EQ(musl_path_content({"/opt/skiff/lib"}, {State::absent, ""}),
              "/opt/skiff/lib\n/lib\n/usr/local/lib\n/usr/lib\n");
    // A file: its entries verbatim, split on ':' and newlines, empties dropped, no trimming.
    EXPECT_EQ(musl_path_content({"/opt/a", "/opt/b"}, {State::present, "/usr/lib:/opt/a\n\n/x y \r\n::/z"}),
              "/opt/a\n/opt/b\n/usr/lib\n/x y \r\n/z\n");
    // An empty file means "no system directories"; so does an unreadable one.
    EXPECT_EQ(musl_path_content({"/opt/a"}, {State::present, ""}), "/opt/a\n");
    EXPECT_EQ(musl_path_content({"/opt/a"}, {State::unreadable, ""}), "/opt/a\n");
    // Duplicates among the injected directories collapse.
    EXPECT_EQ(musl_path_content({"/opt/a", "/opt/a"}, {State::present, "/lib"}), "/opt/a\n/lib\n");
    EXPECT_EQ(musl_effective_path({State::absent, ""}),
              (std::vector<std::string>{"/lib", "/usr/local/lib", "/usr/lib"}));
}

TEST(LdcacheMusl, SonameLinks) {
    std::vector<MuslLibrary> libs = {
        {"/opt/l", "libfabric.so.1.21.0", "libfabric.so.1", {"libfabric.so"}},
        {"/opt/l", "libcxi.so.1", "libcxi.so.1", {}},             // file already has the name
        {"/opt/l", "libfoo.so.2.0", "libfoo.so.2", {}},
        {"/opt/l", "libfoo.so.2", "libfoo.so.2", {}},             // a link of that name exists
        {"/opt/m", "libplug.so", "libnccl-net.so", {"libnccl-net-ofi.so", "bad/alias"}},
    };
    std::vector<SonameLink> want = {
        {"/opt/l/libfabric.so.1", "libfabric.so.1.21.0"},
        {"/opt/l/libfabric.so", "libfabric.so.1.21.0"},
        {"/opt/m/libnccl-net.so", "libplug.so"},
        {"/opt/m/libnccl-net-ofi.so", "libplug.so"},
    };
    EXPECT_EQ(musl_soname_links(libs), want);
}

TEST(LdcacheMusl, GlibcLinkedLibrariesAreRecognised) {
    elf::ElfInfo glibc;
    glibc.needed = {"libfabric.so.1", "libc.so.6"};
    EXPECT_TRUE(is_glibc_linked(glibc));
    elf::ElfInfo loader;
    loader.needed = {"ld-linux-x86-64.so.2"};
    EXPECT_TRUE(is_glibc_linked(loader));
    elf::ElfInfo musl;
    musl.needed = {"libc.so"};
    EXPECT_FALSE(is_glibc_linked(musl));
}

TEST(LdcacheMusl, PlanSkipsGlibcLinkedLibraries) {
    ldtest::TempDir tmp;
    ldtest::make_dirs(tmp / "musl");
    ldtest::make_dirs(tmp / "glibc");
    ldtest::ElfSpec musl_lib;
    musl_lib.soname = "libmdemo.so.1";
    musl_lib.needed = {"libc.so"};
    ldtest::write_file(tmp / "musl/libmdemo.so.1.0", ldtest::build_elf(musl_lib));
    ldtest::copy_file("/usr/lib/x86_64-linux-gnu/libz.so.1", tmp / "glibc/libz.so.1");  // needs libc.so.6
    ldtest::MemorySource image;
    image.files["/etc/ld-musl-x86_64.path"] = "/lib\n/usr/lib\n";
    LibcInfo libc;
    libc.musl = true;
    libc.arch = &x86();
    libc.musl_loader = "/lib/ld-musl-x86_64.so.1";
    auto plan = plan_musl_path(image, libc, {{tmp / "musl", "/opt/musl"}, {tmp / "glibc", "/opt/glibc"}},
                               {{"libmdemo.so", "libmdemo.so.1"}});
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->path, "/etc/ld-musl-x86_64.path");
    EXPECT_EQ(plan->content, "/opt/musl\n/lib\n/usr/lib\n");
    EXPECT_EQ(plan->injected, std::vector<std::string>{"/opt/musl"});
    EXPECT_EQ(plan->links, (std::vector<SonameLink>{{"/opt/musl/libmdemo.so.1", "libmdemo.so.1.0"},
                                                    {"/opt/musl/libmdemo.so", "libmdemo.so.1.0"}}));
    ASSERT_EQ(plan->warnings.size(), 1u);
    EXPECT_NE(plan->warnings[0].find("linked against glibc"), std::string::npos);
    // An unreadable path file: musl searches nothing else, and a warning says so.
    image.errors["/etc/ld-musl-x86_64.path"] = EACCES;
    auto locked = plan_musl_path(image, libc, {{tmp / "musl", "/opt/musl"}});
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked->content, "/opt/musl\n");
    EXPECT_EQ(locked->warnings.size(), 1u);
    // Not a musl image.
    LibcInfo glibc_image;
    glibc_image.glibc = true;
    EXPECT_FALSE(plan_musl_path(image, glibc_image, {}));
}

}  // namespace
}  // namespace skiff::ldcache
