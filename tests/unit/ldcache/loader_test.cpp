// The real loaders accept what skiff writes. glibc's loader only reads /etc/ld.so.cache and
// musl's only /etc/ld-musl-x86_64.path, so each run happens in a user + mount namespace with the
// generated file bind-mounted over the system one (unprivileged where user namespaces are on).
#include <gtest/gtest.h>

#include "libfabric-bind/cache_writer.hpp"
#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/linker_config.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

using ldtest::make_dirs;
using ldtest::make_symlink;
using ldtest::run;
using ldtest::run_in_userns;
using ldtest::write_file;

const std::string kLdso = "/lib64/ld-linux-x86-64.so.2";

std::string demo_source(const std::string& message) {
    return "const char *skiff_demo(void) { return \"" + message + "\"; }\n";
}

const char* kMain =
    "#include <stdio.h>\nconst char *skiff_demo(void);\nint main(void) { puts(skiff_demo()); return 0; }\n";

// Builds lib<name>.so.1 (file <dir>/<file>) printing `message`; false on compiler failure.
bool build_lib(const std::string& cc, const ldtest::TempDir& tmp, const std::string& soname,
               const std::string& out, const std::string& message, std::string& log) {
    std::string src = tmp / ("src-" + std::to_string(std::hash<std::string>{}(out)) + ".c");
    write_file(src, demo_source(message));
    auto r = run({cc, "-shared", "-fPIC", "-Wl,-soname," + soname, "-o", out, src});
    log += r.err;
    return r.status == 0;
}

bool build_prog(const std::string& cc, const ldtest::TempDir& tmp, const std::string& linkdir,
                const std::string& lib, const std::string& out, std::string& log) {
    write_file(tmp / "main.c", kMain);
    auto r = run({cc, "-o", out, tmp / "main.c", "-L" + linkdir, "-l" + lib});
    log += r.err;
    return r.status == 0;
}

bool cpu_supports(const std::string& hwcaps) {
    auto r = run({kLdso, "--help"});
    return r.out.find("  " + hwcaps + " (supported, searched)") != std::string::npos;
}

TEST(LdcacheLoader, GlibcLoaderUsesTheMergedCache) {
    auto cc = ldtest::find_tool("gcc");
    if (!cc) LDCACHE_SKIP("gcc is not installed");
    if (!ldtest::userns_available()) LDCACHE_SKIP("user namespaces are not available");
    if (::access(kLdso.c_str(), X_OK) != 0) LDCACHE_SKIP("no x86-64 glibc loader on this host");
    ldtest::TempDir tmp;
    make_dirs(tmp / "inj/glibc-hwcaps/x86-64-v2");
    make_dirs(tmp / "old");
    make_dirs(tmp / "link");
    std::string log;
    // No soname link in the injected directory: the entry names the real file (§0.5).
    ASSERT_TRUE(build_lib(*cc, tmp, "libskiffdemo.so.1", tmp / "inj/libskiffdemo.so.1.0.0", "injected", log)) << log;
    ASSERT_TRUE(build_lib(*cc, tmp, "libskiffdemo.so.1", tmp / "inj/glibc-hwcaps/x86-64-v2/libskiffdemo.so.1.0.0", "hwcaps-v2", log)) << log;
    ASSERT_TRUE(build_lib(*cc, tmp, "libskiffdemo.so.1", tmp / "old/libskiffdemo.so.1", "image", log)) << log;
    make_symlink(tmp / "inj/libskiffdemo.so.1.0.0", tmp / "link/libskiffdemo.so");
    ASSERT_TRUE(build_prog(*cc, tmp, tmp / "link", "skiffdemo", tmp / "prog", log)) << log;

    // The "image": the host's cache plus its own copy of the library.
    auto host = read_cache(ldtest::read_file("/etc/ld.so.cache"), std::endian::little);
    ASSERT_TRUE(host) << host.error().message;
    auto image_entries = host->entries;
    CacheEntry old;
    old.key = "libskiffdemo.so.1";
    old.value = tmp / "old/libskiffdemo.so.1";
    old.flags = 0x0303;
    image_entries.push_back(old);
    std::string image_cache = *write_cache(image_entries, *arch_by_uname("x86_64"));
    write_file(tmp / "image.cache", image_cache);
    ldtest::MemorySource image;
    image.files["/etc/ld.so.cache"] = image_cache;

    auto plan = plan_glibc_cache(image, {{tmp / "inj", tmp / "inj"}}, *arch_by_uname("x86_64"));
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->image_entries_replaced, 1u);
    write_file(tmp / "new.cache", plan->bytes);

    // Without a cache entry the library is not found at all.
    auto bare = run({tmp / "prog"});
    EXPECT_NE(bare.status, 0);
    // The image's own cache finds the image's copy.
    auto before = run_in_userns({{tmp / "image.cache", "/etc/ld.so.cache"}}, {tmp / "prog"});
    EXPECT_EQ(before.status, 0) << before.err;
    EXPECT_EQ(before.out, "image\n");
    // skiff's merged cache: the injected copy wins (its hwcaps variant where the CPU allows).
    auto after = run_in_userns({{tmp / "new.cache", "/etc/ld.so.cache"}}, {tmp / "prog"});
    EXPECT_EQ(after.status, 0) << after.err;
    EXPECT_EQ(after.out, cpu_supports("x86-64-v2") ? "hwcaps-v2\n" : "injected\n");
    // ld.so --list shows the path from the cache; --inhibit-cache proves the cache did it.
    auto list = run_in_userns({{tmp / "new.cache", "/etc/ld.so.cache"}}, {kLdso, "--list", tmp / "prog"});
    std::string chosen = cpu_supports("x86-64-v2") ? tmp / "inj/glibc-hwcaps/x86-64-v2/libskiffdemo.so.1.0.0"
                                                   : tmp / "inj/libskiffdemo.so.1.0.0";
    EXPECT_NE(list.out.find("libskiffdemo.so.1 => " + chosen), std::string::npos) << list.out << list.err;
    auto inhibit = run_in_userns({{tmp / "new.cache", "/etc/ld.so.cache"}},
                                 {kLdso, "--inhibit-cache", "--list", tmp / "prog"});
    EXPECT_NE(inhibit.status, 0);
    EXPECT_NE(inhibit.err.find("libskiffdemo.so.1: cannot open shared object file"), std::string::npos)
        << inhibit.out << inhibit.err;
}

TEST(LdcacheLoader, GlibcLoaderIgnoresAWrongEndianFile) {
    auto cc = ldtest::find_tool("gcc");
    if (!cc) LDCACHE_SKIP("gcc is not installed");
    if (!ldtest::userns_available()) LDCACHE_SKIP("user namespaces are not available");
    ldtest::TempDir tmp;
    make_dirs(tmp / "lib");
    make_dirs(tmp / "link");
    std::string log;
    ASSERT_TRUE(build_lib(*cc, tmp, "libskiffdemo.so.1", tmp / "lib/libskiffdemo.so.1", "found", log)) << log;
    make_symlink(tmp / "lib/libskiffdemo.so.1", tmp / "link/libskiffdemo.so");
    ASSERT_TRUE(build_prog(*cc, tmp, tmp / "link", "skiffdemo", tmp / "prog", log)) << log;
    CacheEntry e;
    e.key = "libskiffdemo.so.1";
    e.value = tmp / "lib/libskiffdemo.so.1";
    e.flags = 0x0303;
    std::string good = *write_cache({e}, *arch_by_uname("x86_64"));
    write_file(tmp / "good.cache", good);
    EXPECT_EQ(run_in_userns({{tmp / "good.cache", "/etc/ld.so.cache"}}, {tmp / "prog"}).out, "found\n");
    std::string wrong = good;
    wrong[28] = 3;  // declares big-endian
    write_file(tmp / "wrong.cache", wrong);
    EXPECT_NE(run_in_userns({{tmp / "wrong.cache", "/etc/ld.so.cache"}}, {tmp / "prog"}).status, 0);
    e.flags = 0x0a03;  // aarch64 flags: invisible to the x86-64 loader
    write_file(tmp / "flags.cache", *write_cache({e}, *arch_by_uname("x86_64")));
    EXPECT_NE(run_in_userns({{tmp / "flags.cache", "/etc/ld.so.cache"}}, {tmp / "prog"}).status, 0);
}

TEST(LdcacheLoader, MuslLoaderHonoursThePathFile) {
    auto cc = ldtest::find_tool("musl-gcc");
    if (!cc) LDCACHE_SKIP("musl-gcc (musl-tools) is not installed");
    if (!ldtest::userns_available()) LDCACHE_SKIP("user namespaces are not available");
    ldtest::TempDir tmp;
    make_dirs(tmp / "mlib");
    make_dirs(tmp / "mlink");
    make_dirs(tmp / "etc");
    std::string log;
    ASSERT_TRUE(build_lib(*cc, tmp, "libmdemo.so.1", tmp / "mlib/libmdemo.so.1.0", "musl ok", log)) << log;
    make_symlink(tmp / "mlib/libmdemo.so.1.0", tmp / "mlink/libmdemo.so");
    ASSERT_TRUE(build_prog(*cc, tmp, tmp / "mlink", "mdemo", tmp / "mprog", log)) << log;

    ldtest::RootDirSource host("/");
    DetectOptions options;
    options.programs = {tmp / "mprog"};
    auto libc = detect_libc(host, options);
    ASSERT_TRUE(libc) << libc.error().message;
    ASSERT_TRUE(libc->musl);
    EXPECT_EQ(libc->musl_path_file, "/etc/ld-musl-x86_64.path");
    auto plan = plan_musl_path(host, *libc, {{tmp / "mlib", tmp / "mlib"}});
    ASSERT_TRUE(plan) << plan.error().message;
    ASSERT_EQ(plan->links.size(), 1u);
    EXPECT_EQ(plan->links[0], (SonameLink{tmp / "mlib/libmdemo.so.1", "libmdemo.so.1.0"}));
    EXPECT_TRUE(plan->content.starts_with(tmp / "mlib\n")) << plan->content;

    write_file(tmp / "etc/ld-musl-x86_64.path", plan->content);
    std::vector<std::pair<std::string, std::string>> bind;
    if (::access("/etc/ld-musl-x86_64.path", F_OK) == 0)
        bind = {{tmp / "etc/ld-musl-x86_64.path", "/etc/ld-musl-x86_64.path"}};
    else
        bind = {{tmp / "etc", "/etc"}};
    // The directory alone is not enough: musl matches file names against DT_NEEDED.
    EXPECT_NE(run_in_userns(bind, {tmp / "mprog"}).status, 0);
    for (const auto& link : plan->links) make_symlink(link.target, link.link);
    auto with_links = run_in_userns(bind, {tmp / "mprog"});
    EXPECT_EQ(with_links.status, 0) << with_links.err;
    EXPECT_EQ(with_links.out, "musl ok\n");
    // And without skiff's path file the loader does not find it.
    EXPECT_NE(run({tmp / "mprog"}).status, 0);
}

}  // namespace
}  // namespace skiff::ldcache
