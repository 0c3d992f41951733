// ELF probing against real system libraries (readelf as the oracle) and synthetic files.
#include <gnu/libc-version.h>

#include <gtest/gtest.h>

#include <sstream>

#include "libfabric-bind/elf_probe.hpp"
#include "libfabric-bind/glibc_version.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff {
namespace {

using elf::ElfInfo;
using ldtest::build_elf;
using ldtest::ElfSpec;

const std::string kLibDir = "/usr/lib/x86_64-linux-gnu";

std::string host_lib(const std::string& name) { return kLibDir + "/" + name; }

bool exists(const std::string& p) { return ::access(p.c_str(), R_OK) == 0; }

// What readelf says about a file: NEEDED, SONAME, version definitions and needs.
struct Oracle {
    std::vector<std::string> needed;
    std::optional<std::string> soname;
    std::optional<std::string> base;
    std::vector<std::string> defs;
    std::vector<elf::VersionNeed> needs;
};

std::string bracketed(const std::string& line) {
    auto a = line.find('['), b = line.rfind(']');
    return line.substr(a + 1, b - a - 1);
}

std::string field(const std::string& line, const std::string& key) {
    auto at = line.find(key);
    auto start = at + key.size();
    auto end = line.find(' ', start);
    return line.substr(start, end == std::string::npos ? end : end - start);
}

Oracle readelf_oracle(const std::string& readelf, const std::string& path) {
    Oracle o;
    std::stringstream d(ldtest::run({readelf, "-dW", path}).out);
    for (std::string line; std::getline(d, line);) {
        if (line.find("(NEEDED)") != std::string::npos) o.needed.push_back(bracketed(line));
        if (line.find("(SONAME)") != std::string::npos) o.soname = bracketed(line);
    }
    std::stringstream v(ldtest::run({readelf, "-VW", path}).out);
    enum { none, defs, needs } section = none;
    for (std::string line; std::getline(v, line);) {
        if (line.starts_with("Version definition")) section = defs;
        else if (line.starts_with("Version needs")) section = needs;
        else if (line.starts_with("Version symbols")) section = none;
        else if (section == defs && line.find("Rev: ") != std::string::npos) {
            if (line.find("Flags: BASE") != std::string::npos) o.base = field(line, "Name: ");
            else o.defs.push_back(field(line, "Name: "));
        } else if (section == needs && line.find("File: ") != std::string::npos) {
            o.needs.push_back({field(line, "File: "), {}});
        } else if (section == needs && line.find("  Name: ") != std::string::npos) {
            o.needs.back().versions.push_back(field(line, "Name: "));
        }
    }
    return o;
}

TEST(ElfProbe, RealLibrariesMatchReadelf) {
    auto readelf = ldtest::find_tool("readelf");
    if (!readelf) LDCACHE_SKIP("readelf (binutils) is not installed");
    std::vector<std::string> libs = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libz.so.1",
                                     "libgcc_s.so.1", "libpthread.so.0", "libdl.so.2"};
    int checked = 0;
    for (const auto& name : libs) {
        std::string path = host_lib(name);
        if (!exists(path)) continue;
        SCOPED_TRACE(path);
        auto info = elf::probe_file(path);
        ASSERT_TRUE(info) << info.error().message;
        Oracle o = readelf_oracle(*readelf, path);
        EXPECT_EQ(info->soname, o.soname);
        EXPECT_EQ(info->needed, o.needed);
        EXPECT_EQ(info->version_base, o.base);
        EXPECT_EQ(info->version_defs, o.defs);
        ASSERT_EQ(info->version_needs.size(), o.needs.size());
        for (std::size_t i = 0; i < o.needs.size(); ++i) {
            EXPECT_EQ(info->version_needs[i].file, o.needs[i].file);
            EXPECT_EQ(info->version_needs[i].versions, o.needs[i].versions);
        }
        EXPECT_EQ(info->type, elf::kEtDyn);
        EXPECT_EQ(info->machine, 62);
        EXPECT_TRUE(info->is_64bit);
        ++checked;
    }
    EXPECT_GE(checked, 3);
}

TEST(ElfProbe, LibcDefinesTheRunningGlibcVersion) {
    auto info = elf::probe_file(host_lib("libc.so.6"));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->soname, "libc.so.6");
    EXPECT_EQ(info->version_base, "libc.so.6");
    std::string running = std::string("GLIBC_") + gnu_get_libc_version();
    EXPECT_EQ(elf::highest_glibc_version(info->version_defs), running);
    EXPECT_NE(std::find(info->version_defs.begin(), info->version_defs.end(), "GLIBC_2.2.5"),
              info->version_defs.end());
}

TEST(ElfProbe, ProgramInterpreter) {
    for (std::string prog : {"/bin/sh", "/usr/bin/env"}) {
        auto header = elf::probe_header(ldtest::read_file(prog), prog);
        ASSERT_TRUE(header) << header.error().message;
        EXPECT_EQ(header->interp, "/lib64/ld-linux-x86-64.so.2") << prog;
    }
    auto lib = elf::probe_file(host_lib("libz.so.1"));
    ASSERT_TRUE(lib);
    EXPECT_FALSE(lib->interp);
}

TEST(ElfProbe, LibstdcxxNeedsGlibcVersions) {
    auto info = elf::probe_file(host_lib("libstdc++.so.6"));
    ASSERT_TRUE(info) << info.error().message;
    bool found = false;
    for (const auto& need : info->version_needs)
        if (need.file == "libc.so.6") found = !need.versions.empty();
    EXPECT_TRUE(found);
    auto libc = elf::probe_file(host_lib("libc.so.6"));
    ASSERT_TRUE(libc);
    auto compat = elf::check_glibc_compat(*info, libc->version_defs);
    EXPECT_TRUE(compat.compatible) << ::testing::PrintToString(compat.missing);
    auto old = elf::check_glibc_compat(*info, {"GLIBC_2.2.5", "GLIBC_2.17"});
    EXPECT_FALSE(old.compatible);
}

TEST(ElfProbe, SyntheticEveryVariant) {
    for (bool is64 : {true, false}) {
        for (bool big : {false, true}) {
            SCOPED_TRACE(std::string(is64 ? "ELF64" : "ELF32") + (big ? " BE" : " LE"));
            ElfSpec spec;
            spec.is_64bit = is64;
            spec.big_endian = big;
            spec.machine = big ? 22 : 62;
            spec.interp = "/lib/ld-test.so.1";
            spec.soname = "libdemo.so.3";
            spec.needed = {"libc.so.6", "libm.so.6"};
            spec.version_needs = {{"libc.so.6", {"GLIBC_2.34", "GLIBC_2.2.5"}},
                                  {"libm.so.6", {"GLIBC_2.29"}}};
            spec.version_defs = {"libdemo.so.3", "DEMO_1.0", "DEMO_2.0"};
            spec.x86_isa_needed = 0x4;
            auto info = elf::probe(build_elf(spec), "synthetic");
            ASSERT_TRUE(info) << info.error().message;
            EXPECT_EQ(info->is_64bit, is64);
            EXPECT_EQ(info->byte_order, big ? std::endian::big : std::endian::little);
            EXPECT_EQ(info->machine, spec.machine);
            EXPECT_EQ(info->interp, spec.interp);
            EXPECT_EQ(info->soname, spec.soname);
            EXPECT_EQ(info->needed, spec.needed);
            ASSERT_EQ(info->version_needs.size(), 2u);
            EXPECT_EQ(info->version_needs[0].versions, spec.version_needs[0].versions);
            EXPECT_EQ(info->version_needs[1].file, "libm.so.6");
            EXPECT_EQ(info->version_base, "libdemo.so.3");
            EXPECT_EQ(info->version_defs, (std::vector<std::string>{"DEMO_1.0", "DEMO_2.0"}));
            EXPECT_EQ(info->x86_isa_needed, 0x4u);
        }
    }
}

TEST(ElfProbe, StaticAndMinimalFiles) {
    ElfSpec spec;
    spec.dynamic = false;
    spec.type = elf::kEtExec;
    auto info = elf::probe(build_elf(spec), "static");
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_FALSE(info->has_dynamic);
    EXPECT_FALSE(info->soname);
    EXPECT_EQ(info->type, elf::kEtExec);

    ElfSpec bare;  // dynamic, but no names at all
    auto b = elf::probe(build_elf(bare), "bare");
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_TRUE(b->has_dynamic);
    EXPECT_TRUE(b->needed.empty());
}

TEST(ElfProbe, RejectsNonElfWithTheFileName) {
    for (std::string bad : {std::string(), std::string("GROUP ( libc.so.6 )"),
                            std::string("\x7f" "ELF\x03\x01", 6) + std::string(60, '\0'),
                            std::string("\x7f" "ELF\x02\x07", 6) + std::string(60, '\0')}) {
        auto info = elf::probe(bad, "/x/libbad.so");
        ASSERT_FALSE(info);
        EXPECT_NE(info.error().message.find("/x/libbad.so"), std::string::npos);
    }
}

}  // namespace
}  // namespace skiff
