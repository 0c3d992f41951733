#include "libfabric-bind/probe_memo.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "libfabric-bind/dir_scan.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff::ldcache {
namespace {

elf::ElfInfo facts(std::optional<std::string> soname, std::optional<std::uint32_t> isa = {}) {
    elf::ElfInfo info;
    info.type = elf::kEtDyn;
    info.machine = 62;
    info.has_dynamic = true;
    info.soname = std::move(soname);
    info.x86_isa_needed = isa;
    return info;
}

void expect_same_facts(const RememberedProbe* found, const elf::ElfInfo& want) {
    ASSERT_NE(found, nullptr);
    ASSERT_TRUE(found->has_value());
    const elf::ElfInfo& got = **found;
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.machine, want.machine);
    EXPECT_EQ(got.has_dynamic, want.has_dynamic);
    EXPECT_EQ(got.is_64bit, want.is_64bit);
    EXPECT_EQ(got.byte_order, want.byte_order);
    EXPECT_EQ(got.soname, want.soname);
    EXPECT_EQ(got.x86_isa_needed, want.x86_isa_needed);
}

TEST(LdcacheProbeMemo, EveryRememberedFieldReadsBack) {
    elf::ElfInfo odd = facts("lib odd\nname.so.1", 0x5);
    elf::ElfInfo other = facts(std::nullopt);
    other.type = elf::kEtExec;
    other.machine = 183;
    other.has_dynamic = false;
    other.is_64bit = false;
    other.byte_order = std::endian::big;
    ProbeMemo memo;
    memo.remember({1, 2, 3, 4, 5}, odd);
    memo.remember({1, 3, 3, 4, 5}, other);
    memo.remember({1, 4, 0, -4, 5}, std::nullopt);
    ProbeMemo back = ProbeMemo::decode(memo.encode());
    expect_same_facts(back.find({1, 2, 3, 4, 5}), odd);
    expect_same_facts(back.find({1, 3, 3, 4, 5}), other);
    const RememberedProbe* not_elf = back.find({1, 4, 0, -4, 5});
    ASSERT_NE(not_elf, nullptr);
    EXPECT_FALSE(not_elf->has_value());
    // Any other identity is unknown: one differing field is enough.
    EXPECT_EQ(back.find({1, 2, 3, 4, 6}), nullptr);
    EXPECT_EQ(back.find({1, 2, 4, 4, 5}), nullptr);
    EXPECT_EQ(back.find({2, 2, 3, 4, 5}), nullptr);
}

TEST(LdcacheProbeMemo, AnythingButAWholeMemoIsAnEmptyOne) {
    ProbeMemo memo;
    memo.remember({1, 2, 3, 4, 5}, facts("libz.so.1", 2));
    memo.remember({1, 9, 3, 4, 5}, std::nullopt);
    std::string whole = memo.encode();
    for (std::size_t cut = 0; cut < whole.size(); ++cut) {
        ProbeMemo part = ProbeMemo::decode(whole.substr(0, cut));
        std::size_t known = (part.find({1, 2, 3, 4, 5}) ? 1u : 0u) + (part.find({1, 9, 3, 4, 5}) ? 1u : 0u);
        // A prefix that ends after a whole line is a shorter memo; any other prefix is none.
        bool line_end = cut > 0 && whole[cut - 1] == '\n';
        EXPECT_EQ(known, line_end && whole.find('\n') < cut - 1 ? 1u : 0u) << "prefix of " << cut << " bytes";
    }
    std::string header = "skiff-elf-probes 1\n";
    for (const std::string& bad : {std::string("skiff-elf-probes 2\n1 2 3 4 5 -\n"), header + "1 2 3 4 5 x\n",
                            header + "1 2 3 4 5 E 3 62 1 1 l - 99 libz.so.1\n", header + "-1 2 3 4 5 -\n",
                            header + "1 2 3 4 5 E 3 62 2 1 l - -\n", header + "1 2 3 4 5 -\nrest"})
        EXPECT_EQ(ProbeMemo::decode(bad).find({1, 2, 3, 4, 5}), nullptr) << bad;
}

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

TEST(LdcacheProbeMemo, SavingKeepsWhatThisRunUsedFirstUpToTheLimit) {
    ProbeMemo many;
    for (std::uint64_t inode = 1; inode <= ProbeMemo::max_entries + 10; ++inode)
        many.remember({1, inode, 3, 4, 5}, std::nullopt);
    std::string stored = many.encode();
    ASSERT_EQ(lines(stored), ProbeMemo::max_entries + 1);  // the header, then the limit
    ProbeMemo look = ProbeMemo::decode(stored);
    std::uint64_t kept = 0;
    for (std::uint64_t inode = 1; inode <= ProbeMemo::max_entries + 10 && kept == 0; ++inode)
        if (look.find({1, inode, 3, 4, 5})) kept = inode;
    ASSERT_NE(kept, 0u);

    // This run uses one stored entry and learns max_entries - 1 new ones: the other stored
    // entries make way for them.
    ProbeMemo memo = ProbeMemo::decode(stored);
    ASSERT_NE(memo.find({1, kept, 3, 4, 5}), nullptr);
    memo.remember({1, 0, 3, 4, 5}, facts("libnew.so.1"));
    for (std::uint64_t inode = 1; inode < ProbeMemo::max_entries - 1; ++inode)
        memo.remember({2, inode, 3, 4, 5}, std::nullopt);
    ProbeMemo saved = ProbeMemo::decode(memo.encode());
    EXPECT_EQ(lines(memo.encode()), ProbeMemo::max_entries + 1);
    expect_same_facts(saved.find({1, 0, 3, 4, 5}), facts("libnew.so.1"));
    EXPECT_NE(saved.find({1, kept, 3, 4, 5}), nullptr);
    EXPECT_NE(saved.find({2, 1, 3, 4, 5}), nullptr);
    std::size_t old_kept = 0;
    for (std::uint64_t inode = 1; inode <= ProbeMemo::max_entries + 10; ++inode)
        old_kept += saved.find({1, inode, 3, 4, 5}) ? 1u : 0u;
    EXPECT_EQ(old_kept, 1u);
}

TEST(LdcacheProbeMemo, OnlyAChangedMemoIsWritten) {
    ldtest::TempDir tmp;
    std::string file = tmp / "memo";
    ProbeMemo::load(file).save();
    EXPECT_NE(::access(file.c_str(), F_OK), 0) << "nothing was learned, nothing is written";
    ProbeMemo memo = ProbeMemo::load(file);
    memo.remember({1, 2, 3, 4, 5}, facts("libz.so.1"));
    memo.save();
    expect_same_facts(ProbeMemo::load(file).find({1, 2, 3, 4, 5}), facts("libz.so.1"));
    ProbeMemo::load("").save();  // no file: neither read nor written
}

FileIdentity identity(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return identity_of(st);
}

std::vector<std::string> keys(ProbeMemo& memo, const std::string& dir, bool foreign_32bit = false) {
    auto scanned = scan_directories({{dir, "/opt/lib"}}, *arch_by_uname("x86_64"),
                                    {.foreign_32bit = foreign_32bit, .memo = &memo});
    EXPECT_TRUE(scanned) << scanned.error().message;
    std::vector<std::string> out;
    if (scanned)
        for (const auto& e : scanned->entries) out.push_back(e.key);
    return out;
}

// What the memo says wins while the file is the same file, and only then: a fake memo entry
// shows that the scan did not read the library.
TEST(LdcacheProbeMemo, AScanReadsOnlyLibrariesItDoesNotKnow) {
    ldtest::TempDir tmp;
    std::string lib = tmp / "lib/libfoo.so.1.2";
    ldtest::make_dirs(tmp / "lib");
    ldtest::ElfSpec spec;
    spec.soname = "libfoo.so.1";
    ldtest::write_file(lib, ldtest::build_elf(spec));
    ProbeMemo memo;
    EXPECT_EQ(keys(memo, tmp / "lib"), std::vector<std::string>{"libfoo.so.1"});
    expect_same_facts(memo.find(identity(lib)), facts("libfoo.so.1"));

    memo.remember(identity(lib), facts("libremembered.so.7"));
    EXPECT_EQ(keys(memo, tmp / "lib"), std::vector<std::string>{"libremembered.so.7"});
    EXPECT_EQ(keys(memo, tmp / "lib", true), std::vector<std::string>{"libfoo.so.1"})
        << "a foreign_32bit scan needs more than the memo keeps";

    std::ofstream(lib, std::ios::app) << '\0';  // written in place: same inode, new identity
    EXPECT_EQ(keys(memo, tmp / "lib"), std::vector<std::string>{"libfoo.so.1"});
}

}  // namespace
}  // namespace skiff::ldcache
