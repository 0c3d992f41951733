// Helpers for the ldcache/ELF unit tests: temp dirs, running oracle tools (ldconfig, gcc,
// readelf) with argv vectors, a user+mount namespace runner for loader tests, and FileSource
// implementations over a host directory (openat2 RESOLVE_IN_ROOT) and over memory.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_format.hpp"
#include "libfabric-bind/file_source.hpp"
#include "tests/support/temp_dir.hpp"

namespace skiff::ldtest {

// SKIFF_TESTS_MUST_RUN=1 turns every skip into a failure (style.md rule 15).
bool must_run();

#define LDCACHE_SKIP(reason)                                                              \
    do {                                                                                  \
        if (::skiff::ldtest::must_run()) {                                                \
            GTEST_FAIL() << "SKIFF_TESTS_MUST_RUN=1, but: " << reason;                    \
        } else {                                                                          \
            GTEST_SKIP() << reason;                                                       \
        }                                                                                 \
    } while (0)

using TempDir = ::skiff::test::TempDir;

// A deterministic generator (an LCG, upper bits) for randomized tests that must fail the same
// way on every run.
struct Lcg {
    std::uint64_t state;
    std::uint64_t next() {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return state >> 33;
    }
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);
void make_dirs(const std::string& path);
void copy_file(const std::string& from, const std::string& to);
void make_symlink(const std::string& target, const std::string& link);

struct RunResult {
    int status = -1;  // exit status, or 128 + signal
    std::string out;
    std::string err;
};

// Finds an executable in PATH, /usr/sbin and /sbin.
std::optional<std::string> find_tool(const std::string& name);

// Runs argv (argv[0] is a path) with stdout/stderr captured; no shell.
RunResult run(const std::vector<std::string>& argv);

// Runs argv in a new user namespace (uid 0 mapped to the caller) and mount namespace, after
// bind-mounting each {source, target} pair. Works unprivileged where user namespaces are
// enabled.
RunResult run_in_userns(const std::vector<std::pair<std::string, std::string>>& binds,
                        const std::vector<std::string>& argv);
bool userns_available();

// `ldconfig -p -C file` entry lines (without the count and generator lines), and the
// generator, parsed from its output.
struct Listing {
    std::vector<std::string> lines;
    std::optional<std::string> generator;
    std::string raw;
};
Listing ldconfig_listing(const std::string& ldconfig, const std::string& cache_file);

// One entry formatted as `ldconfig -p` (glibc 2.33+) prints it.
std::string ldconfig_line(const ldcache::CacheEntry& e);
std::vector<std::string> ldconfig_lines(const std::vector<ldcache::CacheEntry>& entries);

// "" if equal, else a description of the first differing line (for readable failures).
std::string first_difference(const std::vector<std::string>& got, const std::vector<std::string>& want);

// FileSource over a host directory acting as the image root; every lookup goes through
// openat2(RESOLVE_IN_ROOT), as the launcher's implementation does.
class RootDirSource : public ldcache::FileSource {
public:
    explicit RootDirSource(const std::string& root);
    ~RootDirSource() override;
    Result<std::optional<std::string>> read(const std::string& path, std::size_t limit) override;
    Result<std::optional<std::string>> readlink(const std::string& path) override;
    int reads = 0, readlinks = 0;

private:
    int root_fd_ = -1;
};

// In-memory FileSource: files and symlinks by absolute container path.
class MemorySource : public ldcache::FileSource {
public:
    std::map<std::string, std::string> files;
    std::map<std::string, std::string> links;
    std::map<std::string, int> errors;  // path -> errno to fail reads with
    int reads = 0, readlinks = 0;

    Result<std::optional<std::string>> read(const std::string& path, std::size_t limit) override;
    Result<std::optional<std::string>> readlink(const std::string& path) override;
};

// The x86-64 row of the architecture table, and a cache entry with x86-64 flags by default.
inline const ldcache::ArchInfo& x86() { return *ldcache::arch_by_uname("x86_64"); }
inline ldcache::CacheEntry cache_entry(std::string key, std::string value, std::int32_t flags = 0x0303) {
    ldcache::CacheEntry e;
    e.key = std::move(key);
    e.value = std::move(value);
    e.flags = flags;
    return e;
}

}  // namespace skiff::ldtest
