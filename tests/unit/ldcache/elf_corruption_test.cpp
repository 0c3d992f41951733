// Truncated and corrupted ELF files must give errors naming the file, never a crash or an
// out-of-bounds read (run under the ASan/UBSan CI job for the latter).
#include <gtest/gtest.h>

#include <cstring>

#include "libfabric-bind/elf_probe.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff {
namespace {

using ldtest::build_elf;
using ldtest::ElfMap;
using ldtest::ElfSpec;

ElfSpec full_spec() {
    ElfSpec s;
    s.interp = "/lib64/ld-linux-x86-64.so.2";
    s.soname = "libfuzz.so.1";
    s.needed = {"libc.so.6"};
    s.version_needs = {{"libc.so.6", {"GLIBC_2.2.5", "GLIBC_2.34"}}};
    s.version_defs = {"libfuzz.so.1", "FUZZ_1"};
    s.x86_isa_needed = 1;
    return s;
}

void put_le(std::string& s, std::size_t at, std::uint64_t v, int size) {
    for (int i = 0; i < size; ++i) s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

void expect_error(const std::string& bytes, const std::string& what) {
    auto info = elf::probe(bytes, "/t/libfuzz.so.1");
    ASSERT_FALSE(info) << what;
    EXPECT_NE(info.error().message.find("/t/libfuzz.so.1"), std::string::npos) << what;
}

TEST(ElfCorrupt, EveryTruncationOfASyntheticFileFails) {
    std::string good = build_elf(full_spec());
    ASSERT_TRUE(elf::probe(good, "good"));
    for (std::size_t len = 0; len < good.size(); ++len)
        expect_error(good.substr(0, len), "truncated at " + std::to_string(len));
}

TEST(ElfCorrupt, TargetedCorruptions) {
    ElfMap map;
    std::string good = build_elf(full_spec(), &map);
    auto mutate = [&](auto&& change) {
        std::string bad = good;
        change(bad);
        return bad;
    };
    expect_error(mutate([](std::string& s) { put_le(s, 56, 0xfffe, 2); }), "huge e_phnum");
    expect_error(mutate([](std::string& s) { put_le(s, 56, 0xffff, 2); }), "PN_XNUM");
    expect_error(mutate([](std::string& s) { put_le(s, 54, 40, 2); }), "bad e_phentsize");
    expect_error(mutate([](std::string& s) { put_le(s, 32, ~0ULL, 8); }), "e_phoff overflow");
    expect_error(mutate([&](std::string& s) { s[map.interp + 27] = 'X'; }), "unterminated PT_INTERP");
    // The dynamic array: {NEEDED, SONAME, STRTAB, STRSZ, VERNEED, VERNEEDNUM, ...}.
    expect_error(mutate([&](std::string& s) { put_le(s, map.dynamic + 8, 1u << 30, 8); }),
                 "DT_NEEDED offset past the string table");
    expect_error(mutate([&](std::string& s) { put_le(s, map.dynamic + 2 * 16 + 8, 0x10, 8); }),
                 "DT_STRTAB outside every PT_LOAD");
    expect_error(mutate([&](std::string& s) { put_le(s, map.dynamic + 4 * 16 + 8, ~0ULL - 4, 8); }),
                 "DT_VERNEED outside every PT_LOAD");
    expect_error(mutate([&](std::string& s) {
                     put_le(s, map.verneed + 12, 0x7ffffff0, 4);
                     put_le(s, map.dynamic + 5 * 16 + 8, 2, 8);  // DT_VERNEEDNUM
                 }),
                 "vn_next past the end");
    expect_error(mutate([&](std::string& s) { put_le(s, map.verneed + 8, 0x7ffffff0, 4); }),
                 "vn_aux past the end");
    expect_error(mutate([&](std::string& s) { put_le(s, map.verdef, 7, 2); }), "vd_version 7");
    // The string table's last byte is its NUL; without it SONAME would run off the table.
    expect_error(mutate([&](std::string& s) {
                     for (std::size_t i = map.dynstr; i < map.dynamic; ++i)
                         if (s[i] == '\0') s[i] = 'x';
                 }),
                 "unterminated strings");
}

TEST(ElfCorrupt, MutationLoopOverARealLibrary) {
    std::string path = "/usr/lib/x86_64-linux-gnu/libz.so.1";
    std::string good = ldtest::read_file(path);
    if (good.empty()) LDCACHE_SKIP(path + " is not present");
    ASSERT_TRUE(elf::probe(good, path));
    std::size_t step = good.size() / 512 + 1;
    int errors = 0;
    for (std::size_t len = 0; len < good.size(); len += step) {
        auto r = elf::probe(good.substr(0, len), path);
        if (!r) {
            ++errors;
            EXPECT_NE(r.error().message.find(path), std::string::npos);
        }
    }
    EXPECT_GT(errors, 0);
    ldtest::Lcg rng{42};
    // Mutations concentrated where the prober looks (headers, dynamic data) and spread out.
    for (int round = 0; round < 4000; ++round) {
        std::string bad = good;
        std::size_t window = round % 2 ? bad.size() : std::min<std::size_t>(bad.size(), 8192);
        int flips = 1 + static_cast<int>(rng.next() % 8);
        for (int i = 0; i < flips; ++i)
            bad[rng.next() % window] = static_cast<char>(rng.next() & 0xff);
        auto r = elf::probe(bad, path);
        if (!r) {
            EXPECT_FALSE(r.error().message.empty());
        }
    }
}

TEST(ElfCorrupt, MutationLoopOverASyntheticFile) {
    std::string good = build_elf(full_spec());
    ldtest::Lcg rng{7};
    for (int round = 0; round < 20000; ++round) {
        std::string bad = good;
        int flips = 1 + static_cast<int>(rng.next() % 4);
        for (int i = 0; i < flips; ++i) bad[rng.next() % bad.size()] = static_cast<char>(rng.next() & 0xff);
        if (rng.next() % 4 == 0) bad.resize(rng.next() % bad.size());
        (void)elf::probe(bad, "synthetic");
        (void)elf::probe_header(bad, "synthetic");
    }
    SUCCEED();
}

}  // namespace
}  // namespace skiff
