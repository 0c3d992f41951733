// probe_fd() reads only the pages it needs with pread; probe() gets the whole file in memory.
// They must agree exactly, in results and in error messages, on real libraries and on
// corrupted and truncated files (the pages a corruption points at are read lazily).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <sstream>

#include "libfabric-bind/elf_probe.hpp"
#include "tests/unit/ldcache/elf_builder.hpp"
#include "tests/unit/ldcache/ldcache_test_support.hpp"

namespace skiff {
namespace {

// A memfd holding `bytes`, closed at scope exit.
class MemFile {
public:
    explicit MemFile(const std::string& bytes) : fd_(::memfd_create("elf", MFD_CLOEXEC)) {
        EXPECT_GE(fd_, 0);
        EXPECT_EQ(::write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    }
    ~MemFile() { ::close(fd_); }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

std::string describe(const Result<elf::ElfInfo>& r) {
    if (!r) return "error: " + r.error().message;
    std::ostringstream s;
    s << r->is_64bit << static_cast<int>(r->byte_order == std::endian::little) << " type " << r->type
      << " machine " << r->machine << " flags " << r->flags << " interp " << r->interp.value_or("-")
      << " dynamic " << r->has_dynamic << " soname " << r->soname.value_or("-")
      << " isa " << r->x86_isa_needed.value_or(0) << " base " << r->version_base.value_or("-") << " needed";
    for (const auto& n : r->needed) s << " " << n;
    s << " needs";
    for (const auto& n : r->version_needs) {
        s << " " << n.file << ":";
        for (const auto& v : n.versions) s << v << ",";
    }
    s << " defs";
    for (const auto& d : r->version_defs) s << " " << d;
    return s.str();
}

void expect_same(const std::string& bytes, const std::string& name, const elf::ProbeOptions& options = {}) {
    MemFile file(bytes);
    EXPECT_EQ(describe(elf::probe_fd(file.fd(), name, options)), describe(elf::probe(bytes, name, options)))
        << name << ", " << bytes.size() << " bytes";
}

ldtest::ElfSpec full_spec(bool is_64bit, bool big_endian) {
    ldtest::ElfSpec s;
    s.is_64bit = is_64bit;
    s.big_endian = big_endian;
    s.interp = "/lib64/ld-linux-x86-64.so.2";
    s.soname = "libfd.so.1";
    s.needed = {"libc.so.6", "libm.so.6"};
    s.version_needs = {{"libc.so.6", {"GLIBC_2.2.5", "GLIBC_2.34"}}};
    s.version_defs = {"libfd.so.1", "FD_1"};
    s.x86_isa_needed = 3;
    return s;
}

TEST(ElfProbeFd, RealLibrariesMatchTheInMemoryProbe) {
    int seen = 0;
    for (std::string lib : {"libc.so.6", "libz.so.1", "libstdc++.so.6", "libm.so.6"}) {
        std::string path = "/usr/lib/x86_64-linux-gnu/" + lib;
        std::string bytes = ldtest::read_file(path);
        if (bytes.empty()) continue;
        ++seen;
        auto whole = elf::probe(bytes, path);
        ASSERT_TRUE(whole) << whole.error().message;
        EXPECT_EQ(describe(elf::probe_file(path)), describe(whole));
        expect_same(bytes, path, {.versions = false, .needed = false});
    }
    if (seen == 0) LDCACHE_SKIP("no host libraries in /usr/lib/x86_64-linux-gnu");
}

TEST(ElfProbeFd, SkippedPartsAreNotRead) {
    std::string bytes = ldtest::build_elf(full_spec(true, false));
    MemFile file(bytes);
    auto r = elf::probe_fd(file.fd(), "f", {.versions = false, .needed = false});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->soname, "libfd.so.1");
    EXPECT_TRUE(r->needed.empty());
    EXPECT_TRUE(r->version_needs.empty());
    EXPECT_FALSE(r->version_base);
}

TEST(ElfProbeFd, CorruptedAndTruncatedFilesMatch) {
    ldtest::Lcg rng{11};
    auto next = [&] { return rng.next(); };
    for (bool is_64bit : {true, false})
        for (bool big_endian : {false, true}) {
            std::string good = ldtest::build_elf(full_spec(is_64bit, big_endian));
            for (std::size_t len = 0; len <= good.size(); len += 7) expect_same(good.substr(0, len), "cut");
            for (int round = 0; round < 1500; ++round) {
                std::string bad = good;
                int flips = 1 + static_cast<int>(next() % 4);
                for (int i = 0; i < flips; ++i) bad[next() % bad.size()] = static_cast<char>(next() & 0xff);
                expect_same(bad, "mutated");
                if (::testing::Test::HasFailure()) return;
            }
        }
}

TEST(ElfProbeFd, NotElfAndNotRegular) {
    MemFile script(std::string("/* GNU ld script */\nGROUP ( libc.so.6 )\n"));
    auto r = elf::probe_fd_if_elf(script.fd(), "libc.so");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(*r);
    MemFile empty(std::string{});
    auto e = elf::probe_fd_if_elf(empty.fd(), "empty");
    ASSERT_TRUE(e);
    EXPECT_FALSE(*e);
    auto bad = elf::probe_fd(script.fd(), "libc.so");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "libc.so: not an ELF file (bad magic)");
    // A FIFO named like a library never blocks the probe.
    ldtest::TempDir tmp;
    ASSERT_EQ(::mkfifo((tmp / "libfifo.so.1").c_str(), 0600), 0);
    auto fifo = elf::probe_file(tmp / "libfifo.so.1");
    ASSERT_FALSE(fifo);
    EXPECT_NE(fifo.error().message.find("not a regular file"), std::string::npos) << fifo.error().message;
}

}  // namespace
}  // namespace skiff
