// Detecting an image's C library, architecture and glibc version (ldcache.md §1.1).
#include <gnu/libc-version.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "libfabric-bind/cache_writer.hpp"
#include "libfabric-bind/libc_detect.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

using ldtest::copy_file;
using ldtest::make_dirs;
using ldtest::make_symlink;

const std::string kHostLibs = "/usr/lib/x86_64-linux-gnu/";

std::string running_glibc() { return std::string("GLIBC_") + gnu_get_libc_version(); }

std::string program(const std::string& interp, std::uint16_t machine = 62) {
    ldtest::ElfSpec s;
    s.interp = interp;
    s.machine = machine;
    s.needed = {"libc.so.6"};
    return ldtest::build_elf(s);
}

std::string loader(const std::string& soname, std::uint16_t machine = 62) {
    ldtest::ElfSpec s;
    s.soname = soname;
    s.machine = machine;
    return ldtest::build_elf(s);
}

std::string static_program() {
    ldtest::ElfSpec s;
    s.type = 2;
    s.dynamic = false;
    return ldtest::build_elf(s);
}

// A glibc root whose loader and libc live where the host has nothing, reached through an
// absolute symlink: resolving it outside the root would fail.
TEST(LdcacheDetect, GlibcRootThroughConfinedSymlinksAndTheImageCache) {
    ldtest::TempDir root;
    make_dirs(root / "bin");
    make_dirs(root / "lib64");
    make_dirs(root / "opt/glibc/lib");
    make_dirs(root / "etc");
    copy_file(std::filesystem::canonical("/bin/sh").string(), root / "bin/shell");
    make_symlink("shell", root / "bin/sh");
    copy_file(kHostLibs + "ld-linux-x86-64.so.2", root / "opt/glibc/lib/ld-linux-x86-64.so.2");
    copy_file(kHostLibs + "libc.so.6", root / "opt/glibc/lib/libc.so.6");
    make_symlink("/opt/glibc/lib/ld-linux-x86-64.so.2", root / "lib64/ld-linux-x86-64.so.2");
    CacheEntry libc;
    libc.key = "libc.so.6";
    libc.value = "/opt/glibc/lib/libc.so.6";
    libc.flags = 0x0303;
    ldtest::write_file(root / "etc/ld.so.cache", *write_cache({libc}, *arch_by_uname("x86_64")));

    ldtest::RootDirSource image(root.path());
    auto info = detect_libc(image);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_TRUE(info->glibc);
    EXPECT_FALSE(info->musl);
    EXPECT_EQ(info->arch, arch_by_uname("x86_64"));
    EXPECT_EQ(info->program, "/bin/sh");
    EXPECT_EQ(info->interpreter, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_EQ(info->interpreter_target, "/opt/glibc/lib/ld-linux-x86-64.so.2");
    EXPECT_EQ(info->libc_so, "/opt/glibc/lib/libc.so.6");
    EXPECT_EQ(info->glibc_version, running_glibc());
    EXPECT_GT(info->glibc_versions.size(), 10u);
}

TEST(LdcacheDetect, GlibcVersionFromTheDefaultDirectories) {
    ldtest::MemorySource image;
    image.files["/usr/bin/env"] = program("/lib64/ld-linux-x86-64.so.2");
    image.files["/usr/lib64/ld-linux-x86-64.so.2"] = loader("ld-linux-x86-64.so.2");
    image.links["/lib64"] = "usr/lib64";
    ldtest::ElfSpec libc;
    libc.soname = "libc.so.6";
    libc.version_defs = {"libc.so.6", "GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.28", "GLIBC_PRIVATE"};
    image.files["/usr/lib64/libc.so.6"] = ldtest::build_elf(libc);
    auto info = detect_libc(image);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_TRUE(info->glibc);
    EXPECT_EQ(info->program, "/usr/bin/env");
    EXPECT_EQ(info->libc_so, "/lib64/libc.so.6");
    EXPECT_EQ(info->glibc_version, "GLIBC_2.28");
    EXPECT_EQ(info->glibc_versions, (std::vector<std::string>{"GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.28"}));
}

TEST(LdcacheDetect, MuslLayouts) {
    // Alpine: the loader is the real file.
    ldtest::MemorySource alpine;
    alpine.files["/bin/busybox"] = program("/lib/ld-musl-x86_64.so.1");
    alpine.links["/bin/sh"] = "/bin/busybox";
    alpine.files["/lib/ld-musl-x86_64.so.1"] = loader("libc.musl-x86_64.so.1");
    alpine.links["/lib/libc.musl-x86_64.so.1"] = "ld-musl-x86_64.so.1";
    auto a = detect_libc(alpine);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_TRUE(a->musl);
    EXPECT_FALSE(a->glibc);
    EXPECT_EQ(a->musl_path_file, "/etc/ld-musl-x86_64.path");
    EXPECT_TRUE(a->glibc_versions.empty());

    // Alpine's libc6-compat: the glibc loader name links to musl.
    alpine.files["/app"] = program("/lib64/ld-linux-x86-64.so.2");
    alpine.links["/lib64/ld-linux-x86-64.so.2"] = "/lib/libc.musl-x86_64.so.1";
    DetectOptions app;
    app.programs = {"/app"};
    auto compat = detect_libc(alpine, app);
    ASSERT_TRUE(compat) << compat.error().message;
    EXPECT_TRUE(compat->musl);
    EXPECT_EQ(compat->interpreter_target, "/lib/ld-musl-x86_64.so.1");
    EXPECT_EQ(compat->musl_path_file, "/etc/ld-musl-x86_64.path");  // from the name as written

    // Debian's musl: the loader name links to x86_64-linux-musl/libc.so (no musl soname).
    ldtest::MemorySource debian;
    debian.files["/bin/sh"] = program("/lib/ld-musl-x86_64.so.1");
    debian.links["/lib/ld-musl-x86_64.so.1"] = "x86_64-linux-musl/libc.so";
    debian.files["/lib/x86_64-linux-musl/libc.so"] = loader("libc.so");
    auto d = detect_libc(debian);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_TRUE(d->musl);
}

TEST(LdcacheDetect, ReferenceProgramOrder) {
    ldtest::MemorySource image;
    image.files["/bin/sh"] = program("/lib64/ld-linux-x86-64.so.2");
    image.files["/lib64/ld-linux-x86-64.so.2"] = loader("ld-linux-x86-64.so.2");
    image.files["/opt/app/bin/tool"] = program("/lib/ld-musl-x86_64.so.1");
    image.files["/lib/ld-musl-x86_64.so.1"] = loader("libc.musl-x86_64.so.1");
    image.files["/opt/app/run.sh"] = "#!/opt/app/bin/tool --flag\necho hi\n";
    image.files["/opt/app/data.txt"] = "not a program";
    // The user's command comes first; a script contributes its interpreter.
    DetectOptions script;
    script.programs = {"/opt/app/run.sh"};
    auto cmd = detect_libc(image, script);
    ASSERT_TRUE(cmd) << cmd.error().message;
    EXPECT_TRUE(cmd->musl);
    EXPECT_EQ(cmd->program, "/opt/app/bin/tool");
    // A bare command name is looked up in the image's PATH.
    DetectOptions by_name;
    by_name.command = "tool";
    by_name.search_path = "/usr/bin:/opt/app/bin";
    auto named = detect_libc(image, by_name);
    ASSERT_TRUE(named) << named.error().message;
    EXPECT_EQ(named->program, "/opt/app/bin/tool");
    by_name.command = "missing-tool";
    auto unnamed = detect_libc(image, by_name);
    ASSERT_TRUE(unnamed);
    EXPECT_EQ(unnamed->program, "/bin/sh");
    // Non-ELF or missing commands fall through to /bin/sh.
    DetectOptions junk;
    junk.programs = {"/opt/app/data.txt", "/nope"};
    auto fallback = detect_libc(image, junk);
    ASSERT_TRUE(fallback);
    EXPECT_TRUE(fallback->glibc);
    EXPECT_EQ(fallback->program, "/bin/sh");
}

TEST(LdcacheDetect, NoInterpreterAnywhere) {
    ldtest::MemorySource distroless;
    distroless.files["/bin/sh"] = static_program();
    auto none = detect_libc(distroless);
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_FALSE(none->glibc);
    EXPECT_FALSE(none->musl);
    EXPECT_EQ(none->arch, nullptr);

    distroless.files["/lib/ld-musl-x86_64.so.1"] = loader("libc.musl-x86_64.so.1");
    auto musl = detect_libc(distroless);
    ASSERT_TRUE(musl);
    EXPECT_TRUE(musl->musl);
    EXPECT_FALSE(musl->glibc);
    EXPECT_EQ(musl->musl_path_file, "/etc/ld-musl-x86_64.path");

    distroless.files["/lib64/ld-linux-x86-64.so.2"] = loader("ld-linux-x86-64.so.2");
    auto both = detect_libc(distroless);
    ASSERT_TRUE(both);
    EXPECT_TRUE(both->musl);
    EXPECT_TRUE(both->glibc);
}

TEST(LdcacheDetect, Errors) {
    ldtest::MemorySource arm;
    arm.files["/bin/sh"] = program("/lib/ld-linux-aarch64.so.1", 183);
    arm.files["/lib/ld-linux-aarch64.so.1"] = loader("ld-linux-aarch64.so.1", 183);
    auto foreign = detect_libc(arm);
    ASSERT_FALSE(foreign);
    EXPECT_NE(foreign.error().message.find("image is aarch64, node is x86_64"), std::string::npos);
    // ... which is fine on an aarch64 node.
    DetectOptions on_arm;
    on_arm.node = arch_by_uname("aarch64");
    auto native = detect_libc(arm, on_arm);
    ASSERT_TRUE(native) << native.error().message;
    EXPECT_TRUE(native->glibc);

    ldtest::MemorySource missing;
    missing.files["/bin/sh"] = program("/lib64/ld-linux-x86-64.so.2");
    auto m = detect_libc(missing);
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message.find("does not exist"), std::string::npos);

    ldtest::MemorySource odd;
    odd.files["/bin/sh"] = program("/lib/ld-weird.so");
    odd.files["/lib/ld-weird.so"] = loader("libweird.so");
    EXPECT_FALSE(detect_libc(odd));

    ldtest::MemorySource loop;
    loop.files["/bin/sh"] = program("/lib/a");
    loop.links["/lib/a"] = "b";
    loop.links["/lib/b"] = "a";
    auto l = detect_libc(loop);
    ASSERT_FALSE(l);
    EXPECT_NE(l.error().message.find("symbolic links"), std::string::npos);
}

}  // namespace
}  // namespace skiff::ldcache
