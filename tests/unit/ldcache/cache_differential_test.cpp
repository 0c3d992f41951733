// Differential tests against glibc's ldconfig (ldcache.md §6): for the same directories,
// skiff's scanner + writer must give the same `ldconfig -p` listing, in order, and the same
// bytes (the generator text is taken from ldconfig's file so that the whole file compares).
#include <gtest/gtest.h>

#include <sstream>

#include "libfabric-bind/cache_reader.hpp"
#include "libfabric-bind/cache_sort.hpp"
#include "libfabric-bind/cache_writer.hpp"
#include "libfabric-bind/dir_scan.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

using ldtest::copy_file;
using ldtest::make_dirs;
using ldtest::make_symlink;
using ldtest::write_file;

using ldtest::x86;

std::string synthetic(std::optional<std::string> soname, std::uint16_t machine = 62,
                      std::optional<std::uint32_t> isa = {}, std::uint16_t type = 3) {
    ldtest::ElfSpec s;
    s.soname = std::move(soname);
    s.machine = machine;
    s.type = type;
    s.x86_isa_needed = isa;
    return ldtest::build_elf(s);
}

// Two library directories exercising ldconfig's naming rules (see dir_scan.hpp).
void populate(const std::string& a, const std::string& b) {
    const std::string host = "/usr/lib/x86_64-linux-gnu/";
    make_dirs(a + "/glibc-hwcaps/x86-64-v2");
    make_dirs(a + "/glibc-hwcaps/x86-64-v3");
    make_dirs(b);
    copy_file(host + "libz.so.1", a + "/libz.so.1.2.13");
    make_symlink("libz.so.1.2.13", a + "/libz.so.1");
    make_symlink("libz.so.1", a + "/libz.so");                // development link: own entry
    make_symlink("libz.so.1.2.13", a + "/libother.so.5");      // not its soname: a plain file
    write_file(a + "/libfoo.so.9", synthetic("libfoo.so.9"));
    write_file(a + "/libfoo.so.10", synthetic("libfoo.so.10"));
    write_file(a + "/libbar.so.01", synthetic("libbar.so.01"));
    write_file(a + "/libnoso.so.2", synthetic(std::nullopt));  // key = file name
    write_file(a + "/lib\xc3\xa9.so.1", synthetic("lib\xc3\xa9.so.1"));
    write_file(a + "/libdup.so.1.0", synthetic("libdup.so.1"));
    write_file(a + "/libdup.so.1.1", synthetic("libdup.so.1"));
    write_file(a + "/libc.so", "/* GNU ld script */\nGROUP ( /lib/libc.so.6 )\n");
    write_file(a + "/notalib.so.1", synthetic("notalib.so.1"));
    write_file(a + "/libexe.so.1", synthetic("libexe.so.1", 62, {}, 2));
    make_symlink("libmissing.so.1.0", a + "/libmissing.so.1");  // dangling
    copy_file(host + "libz.so.1", a + "/glibc-hwcaps/x86-64-v2/libz.so.1.2.13");
    make_symlink("libz.so.1.2.13", a + "/glibc-hwcaps/x86-64-v2/libz.so.1");
    write_file(a + "/glibc-hwcaps/x86-64-v3/libisa.so.1", synthetic("libisa.so.1", 62, 0x5));
    copy_file(host + "libz.so.1", b + "/libz.so.1");           // same soname, later directory
    write_file(b + "/libbar.so.1", synthetic("libbar.so.1"));  // libcmp-equal to libbar.so.01
    write_file(b + "/libfoo.so.9", synthetic("libfoo.so.9"));
}

// Directories ldconfig -v reports processing, in order (glibc-hwcaps subdirectories excluded:
// the scanner finds those itself).
std::vector<std::string> processed_dirs(const std::string& verbose) {
    std::vector<std::string> dirs;
    std::stringstream in(verbose);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("/") || line.find(" (from ") == std::string::npos) continue;
        if (line.find("(hwcap: ") != std::string::npos) continue;
        dirs.push_back(line.substr(0, line.find(": ")));
    }
    return dirs;
}

void expect_same(const std::string& ldconfig, const std::string& theirs_path,
                 const std::vector<ScanDir>& dirs) {
    std::string theirs = ldtest::read_file(theirs_path);
    auto parsed = read_cache(theirs, std::endian::little, theirs_path);
    ASSERT_TRUE(parsed) << parsed.error().message;
    auto scanned = scan_directories(dirs, x86(), {.foreign_32bit = true});
    ASSERT_TRUE(scanned) << scanned.error().message;
    auto ours = write_cache(scanned->entries, x86(), {.generator = parsed->generator.value_or("")});
    ASSERT_TRUE(ours) << ours.error().message;
    ldtest::TempDir tmp;
    write_file(tmp / "ours", *ours);
    auto want = ldtest::ldconfig_listing(ldconfig, theirs_path);
    auto got = ldtest::ldconfig_listing(ldconfig, tmp / "ours");
    ASSERT_FALSE(want.lines.empty()) << want.raw;
    EXPECT_EQ(ldtest::first_difference(got.lines, want.lines), "");
    EXPECT_EQ(got.generator, want.generator);
    std::uint32_t ext = parsed->extension_offset;
    ASSERT_GE(ours->size(), ext);
    EXPECT_TRUE(ours->compare(0, ext, theirs, 0, ext) == 0) << "bytes before the extension differ";
    EXPECT_TRUE(*ours == theirs) << "whole files differ";
    EXPECT_EQ(first_unsorted(parsed->entries, true), std::nullopt);
}

struct Tools {
    std::string ldconfig;
};

std::optional<Tools> tools() {
    auto ldconfig = ldtest::find_tool("ldconfig");
    if (!ldconfig || !ldtest::userns_available()) return std::nullopt;
    return Tools{*ldconfig};
}

// ldcache.md §6 step 1: `ldconfig -r ROOT -X -i -C ...` on a fixture root (chroot: needs a
// user namespace when unprivileged).
TEST(LdcacheDifferential, FixtureRootMatchesLdconfig) {
    auto t = tools();
    if (!t) LDCACHE_SKIP("needs ldconfig and unprivileged user namespaces");
    ldtest::TempDir root;
    make_dirs(root / "etc");
    make_dirs(root / "var/cache/ldconfig");
    write_file(root / "etc/ld.so.conf", "/opt/a\n/opt/b/\n");
    populate(root / "opt/a", root / "opt/b");
    auto r = ldtest::run_in_userns({}, {t->ldconfig, "-r", root.path(), "-X", "-i", "-C",
                                        "/etc/ld.so.cache.ref"});
    ASSERT_EQ(r.status, 0) << r.err;
    expect_same(t->ldconfig, root / "etc/ld.so.cache.ref",
                {{root / "opt/a", "/opt/a"}, {root / "opt/b", "/opt/b"}});
}

// The host's own library directories (ldconfig's built-in trusted directories) after two
// fixture directories, as `ldconfig -C OUT -f CONF` processes them. The host's aux cache is
// shielded by an empty bind mount.
TEST(LdcacheDifferential, HostLibrariesMatchLdconfig) {
    auto t = tools();
    if (!t) LDCACHE_SKIP("needs ldconfig and unprivileged user namespaces");
    ldtest::TempDir tmp;
    populate(tmp / "a", tmp / "b");
    write_file(tmp / "ld.so.conf", tmp / "a\n" + tmp / "b\n");
    make_dirs(tmp / "empty");
    std::vector<std::pair<std::string, std::string>> binds;
    if (::access("/var/cache/ldconfig", F_OK) == 0) binds.push_back({tmp / "empty", "/var/cache/ldconfig"});
    auto r = ldtest::run_in_userns(binds, {t->ldconfig, "-v", "-X", "-i", "-C", tmp / "ref.cache",
                                           "-f", tmp / "ld.so.conf"});
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<ScanDir> dirs;
    for (const auto& d : processed_dirs(r.out)) dirs.push_back({d, d});
    ASSERT_GE(dirs.size(), 3u) << r.out;
    EXPECT_EQ(dirs[0].host_path, tmp / "a");
    expect_same(t->ldconfig, tmp / "ref.cache", dirs);
    auto parsed = read_cache(ldtest::read_file(tmp / "ref.cache"), std::endian::little);
    ASSERT_TRUE(parsed);
    EXPECT_GT(parsed->entries.size(), 100u);
}

TEST(LdcacheDifferential, ScannerRules) {
    ldtest::TempDir tmp;
    populate(tmp / "a", tmp / "b");
    auto scanned = scan_directories({{tmp / "a", "/opt/a"}, {tmp / "b", "/opt/b"}, {tmp / "a/", "/dup"}}, x86());
    ASSERT_TRUE(scanned) << scanned.error().message;
    std::map<std::string, std::vector<std::string>> by_key;
    for (const auto& e : scanned->entries)
        by_key[e.key + (e.hwcaps ? "@" + *e.hwcaps : "")].push_back(e.value);
    EXPECT_EQ(by_key["libz.so.1"], (std::vector<std::string>{"/opt/a/libz.so.1", "/opt/b/libz.so.1"}));
    EXPECT_EQ(by_key["libz.so"], std::vector<std::string>{"/opt/a/libz.so"});
    EXPECT_EQ(by_key["libnoso.so.2"], std::vector<std::string>{"/opt/a/libnoso.so.2"});
    EXPECT_EQ(by_key["libdup.so.1"], std::vector<std::string>{"/opt/a/libdup.so.1"});
    EXPECT_EQ(by_key["libz.so.1@x86-64-v2"],
              std::vector<std::string>{"/opt/a/glibc-hwcaps/x86-64-v2/libz.so.1.2.13"});
    EXPECT_EQ(by_key.count("libother.so.5"), 0u);
    EXPECT_EQ(by_key.count("notalib.so.1"), 0u);
    EXPECT_EQ(by_key.count("libexe.so.1"), 0u);
    EXPECT_EQ(by_key.count("libc.so"), 0u);
    for (const auto& e : scanned->entries)
        if (e.key == "libisa.so.1") {
            EXPECT_EQ(e.isa_level, 2u);  // bsr(0x5)
        }
    // real_file_values: without a soname link the value names the newest real file.
    auto real = scan_directories({{tmp / "a", "/opt/a"}}, x86(), {.real_file_values = true});
    ASSERT_TRUE(real);
    for (const auto& e : real->entries) {
        if (e.key == "libdup.so.1") {
            EXPECT_EQ(e.value, "/opt/a/libdup.so.1.1");
        }
        if (e.key == "libz.so.1" && !e.hwcaps) {
            EXPECT_EQ(e.value, "/opt/a/libz.so.1");
        }
    }
    EXPECT_FALSE(scan_directories({{tmp / "a", "relative"}}, x86()));
}

}  // namespace
}  // namespace skiff::ldcache
