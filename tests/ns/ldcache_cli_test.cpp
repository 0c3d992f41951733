// `skiff ldcache print` and `skiff ldcache build --root/--add-dir` on the Debian fixture root,
// with glibc's ldconfig as the oracle (ldcache.md §6): the fixture differential builds skiff's
// cache for the directories ldconfig processes and expects the same entries in the same order.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/launch_fixture.hpp"

namespace skiff::test {
namespace {

const std::string kLdconfig = "/sbin/ldconfig";

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// The entry lines of `ldconfig -p -C file`, in file order.
std::vector<std::string> ldconfig_entries(const std::string& file) {
    auto r = run_process({kLdconfig, "-p", "-C", file});
    EXPECT_EQ(r.status, 0) << r;
    std::vector<std::string> out;
    for (auto& line : lines(r.out))
        if (line.starts_with("\t")) out.push_back(line);
    return out;
}

class LdcacheCli : public NsTest {
protected:
    void SetUp() override {
        NsTest::SetUp();
        if (IsSkipped()) return;
        SKIFF_REQUIRE(::access(kLdconfig.c_str(), X_OK) == 0, kLdconfig + " (libc-bin) is missing: it is the oracle");
        root_ = image("debian-rootfs");
    }
    std::string root_;
};

TEST_F(LdcacheCli, PrintListsTheFixtureCacheAsLdconfigDoes) {
    std::string cache = root_ + "/etc/ld.so.cache";
    auto want = run_process({kLdconfig, "-p", "-C", cache});
    ASSERT_EQ(want.status, 0) << want;
    auto file = run_process({skiff_binary(), "ldcache", "print", cache});
    ASSERT_EQ(file.status, 0) << file;
    EXPECT_EQ(file.out, want.out) << "same entries, same order, same layout";
    EXPECT_EQ(file.err, "");
    auto root = run_process({skiff_binary(), "ldcache", "print", "--root", root_});
    ASSERT_EQ(root.status, 0) << root;
    EXPECT_EQ(root.out, want.out);
    EXPECT_GT(lines(want.out).size(), 50u);
}

TEST_F(LdcacheCli, PrintRefusesACorruptFileInOneLine) {
    TempDir tmp("ldprint");
    std::string bytes;
    {
        std::ifstream in(root_ + "/etc/ld.so.cache", std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_GT(bytes.size(), 1000u);
    std::string cut = tmp.write_file("cut.cache", bytes.substr(0, 1000));
    auto r = run_process({skiff_binary(), "ldcache", "print", cut});
    EXPECT_EQ(r.status, 1) << r;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(lines(r.err).size(), 1u) << r;
    EXPECT_EQ(r.err.find("skiff: error: " + cut + ": truncated: header says "), 0u) << r;
    std::string junk = tmp.write_file("junk.cache", "not a cache at all\n");
    auto j = run_process({skiff_binary(), "ldcache", "print", junk});
    EXPECT_EQ(j.status, 1) << j;
    EXPECT_EQ(j.err, "skiff: error: " + junk + ": not an ld.so.cache (no known magic)\n");
    auto missing = run_process({skiff_binary(), "ldcache", "print", tmp / "none"});
    EXPECT_EQ(missing.status, 1) << missing;
    EXPECT_NE(missing.err.find(tmp / "none"), std::string::npos) << missing;
}

// --add-dir DIR is --inject ROOT/DIR:DIR, with DIR's symlinks resolved inside the root
// (/lib -> usr/lib in the fixture).
TEST_F(LdcacheCli, AddDirEqualsInjectFromTheRoot) {
    TempDir tmp("ldbuild");
    auto add = run_process({skiff_binary(), "ldcache", "build", "--root", root_, "--add-dir", "/lib/x86_64-linux-gnu",
                            "-o", tmp / "add.cache"});
    ASSERT_EQ(add.status, 0) << add;
    auto inject = run_process({skiff_binary(), "ldcache", "build", "--image", root_, "--inject",
                               root_ + "/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu", "-o", tmp / "inject.cache"});
    ASSERT_EQ(inject.status, 0) << inject;
    EXPECT_EQ(ldconfig_entries(tmp / "add.cache"), ldconfig_entries(tmp / "inject.cache"));
    auto relative = run_process({skiff_binary(), "ldcache", "build", "--root", root_, "--add-dir", "lib", "-o",
                                 tmp / "x.cache"});
    EXPECT_EQ(relative.status, 125) << relative;
    EXPECT_NE(relative.err.find("--add-dir 'lib' must be an absolute path inside the root"), std::string::npos)
        << relative;
}

// A directory that is not there is a typo, not an empty directory: one line and 125, no file.
TEST_F(LdcacheCli, AMissingDirectoryIsAnError) {
    TempDir tmp("ldmissing");
    auto inject = run_process({skiff_binary(), "ldcache", "build", "--root", root_, "--inject",
                               tmp / "nope" + ":/opt/lib", "-o", tmp / "i.cache"});
    EXPECT_EQ(inject.status, 125) << inject;
    EXPECT_EQ(inject.err, "skiff: error: ldcache build: --inject " + (tmp / "nope") + ":/opt/lib: stat '" +
                              (tmp / "nope") + "': No such file or directory\n");
    auto add = run_process({skiff_binary(), "ldcache", "build", "--root", root_, "--add-dir", "/no/such/dir", "-o",
                            tmp / "a.cache"});
    EXPECT_EQ(add.status, 125) << add;
    EXPECT_EQ(add.err, "skiff: error: ldcache build: --add-dir /no/such/dir: stat '" + root_ +
                           "/no/such/dir': No such file or directory\n");
    std::string file = tmp.write_file("plain", "x");
    auto not_dir = run_process({skiff_binary(), "ldcache", "build", "--root", root_, "--inject", file + ":/opt/lib",
                                "-o", tmp / "f.cache"});
    EXPECT_EQ(not_dir.status, 125) << not_dir;
    EXPECT_NE(not_dir.err.find("'" + file + "' is not a directory"), std::string::npos) << not_dir;
    for (const char* name : {"i.cache", "a.cache", "f.cache"}) EXPECT_FALSE(std::filesystem::exists(tmp / name));
}

// Directories `ldconfig -v` reports processing, in order ("DIR: (from FILE:LINE)").
std::vector<std::string> processed_dirs(const std::string& verbose) {
    std::vector<std::string> dirs;
    for (const auto& line : lines(verbose))
        if (line.starts_with("/") && line.find(": (from ") != std::string::npos &&
            line.find("(hwcap: ") == std::string::npos)
            dirs.push_back(line.substr(0, line.find(": (from ")));
    return dirs;
}

std::uint32_t extension_offset(const std::string& bytes) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes.at(32 + static_cast<std::size_t>(i)));
    return v;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// The second build finds every library in the memo the first one wrote (probe_memo.hpp) and
// must write the same bytes as a build that reads them all.
TEST_F(LdcacheCli, ABuildFromRememberedProbesWritesTheSameCache) {
    TempDir tmp("ldmemo");
    auto build = [&](const std::string& memo, const std::string& out) {
        return run_process({skiff_binary(), "ldcache", "build", "--image", root_, "--inject",
                            root_ + "/usr/lib/x86_64-linux-gnu:/opt/lib", "--probe-memo", memo, "-o", tmp / out});
    };
    auto first = build(tmp / "memo", "first.cache");
    ASSERT_EQ(first.status, 0) << first;
    ASSERT_TRUE(read_all(tmp / "memo").starts_with("skiff-elf-probes 1\n"));
    auto second = build(tmp / "memo", "second.cache");
    ASSERT_EQ(second.status, 0) << second;
    auto unremembered = build("none", "none.cache");
    ASSERT_EQ(unremembered.status, 0) << unremembered;
    EXPECT_EQ(read_all(tmp / "second.cache"), read_all(tmp / "none.cache"));
    EXPECT_EQ(read_all(tmp / "first.cache"), read_all(tmp / "none.cache"));

    // A memo entry for a library's identity is believed without reading the library.
    std::string lib;
    for (const auto& e : std::filesystem::directory_iterator(root_ + "/usr/lib/x86_64-linux-gnu"))
        if (e.is_regular_file() && e.path().filename().string().starts_with("libz.so.")) lib = e.path();
    ASSERT_FALSE(lib.empty()) << "the fixture has no libz";
    struct stat st {};
    ASSERT_EQ(::stat(lib.c_str(), &st), 0);
    auto ns = [](const timespec& t) { return std::to_string(t.tv_sec * 1'000'000'000LL + t.tv_nsec); };
    std::ofstream(tmp / "forged") << "skiff-elf-probes 1\n"
                                  << st.st_dev << " " << st.st_ino << " " << st.st_size << " " << ns(st.st_mtim) << " "
                                  << ns(st.st_ctim) << " E 3 62 1 1 l - 14 libforged.so.1\n";
    auto forged = build(tmp / "forged", "forged.cache");
    ASSERT_EQ(forged.status, 0) << forged;
    auto listing = run_process({skiff_binary(), "ldcache", "print", tmp / "forged.cache"});
    EXPECT_NE(listing.out.find("libforged.so.1"), std::string::npos) << listing;
}

// ldcache.md §6: ldconfig -r ROOT -X -i on the fixture (in a user and mount namespace, its
// output going to a private directory bound over ROOT/tmp), then skiff's cache for the
// directories ldconfig processed: same entries in the same order, same bytes up to the
// extension (only the generator text differs).
TEST_F(LdcacheCli, FixtureRootMatchesLdconfig) {
    TempDir out("lddiff");
    auto ref = run_process({"/usr/bin/unshare", "-rm", "/bin/sh", "-c",
                            "mount --bind \"$1\" \"$2/tmp\" && exec \"$3\" -v -r \"$2\" -X -i -C /tmp/ref.cache",
                            "sh", out.path(), root_, kLdconfig});
    ASSERT_EQ(ref.status, 0) << ref;
    auto dirs = processed_dirs(ref.out);
    ASSERT_GE(dirs.size(), 2u) << ref;
    std::vector<std::string> argv{skiff_binary(), "ldcache", "build", "--root", root_, "-o", out / "skiff.cache"};
    for (const auto& d : dirs) argv.insert(argv.end(), {"--add-dir", d});
    auto ours = run_process(argv);
    ASSERT_EQ(ours.status, 0) << ours;
    auto want = ldconfig_entries(out / "ref.cache");
    ASSERT_GT(want.size(), 50u);
    EXPECT_EQ(ldconfig_entries(out / "skiff.cache"), want);
    std::string theirs = read_all(out / "ref.cache"), mine = read_all(out / "skiff.cache");
    std::uint32_t ext = extension_offset(theirs);
    ASSERT_GE(mine.size(), ext);
    EXPECT_EQ(mine.compare(0, ext, theirs, 0, ext), 0) << "bytes before the extension differ";
    auto printed = run_process({skiff_binary(), "ldcache", "print", out / "skiff.cache"});
    auto listed = run_process({kLdconfig, "-p", "-C", out / "skiff.cache"});
    EXPECT_EQ(printed.out, listed.out);
}

}  // namespace
}  // namespace skiff::test
