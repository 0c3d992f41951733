// Host-side scan of library directories into cache entries, following glibc ldconfig's rules
// (elf/ldconfig.c search_dir) so that the same directories give the same entries:
//   - candidates are names like lib*.so*, ld-*.so*, ld.so.*, ld64.so.* that are regular files or
//     symlinks to them, ELF ET_DYN of the target's class and machine;
//   - the key is DT_SONAME (else the file name); a symlink whose own name is that soname, or a
//     development link "libfoo.so" whose soname starts with its name, is keyed by its own name;
//   - one entry per key and directory: a file beats a link, else the newer name by libcmp;
//   - the value is <dir>/<key> (ldconfig relies on the soname link), or the real file in
//     glibc-hwcaps subdirectories <dir>/glibc-hwcaps/<name>/, which become hwcaps entries;
//   - directories are deduplicated by inode, keeping the first path.
// Legacy hwcap subdirectories (tls/, haswell/, ...) are not scanned (glibc >= 2.37 drops them).
// Only host directories are scanned; an image is never scanned (ldcache.md §3).
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_format.hpp"
#include "libfabric-bind/probe_memo.hpp"

namespace skiff::ldcache {

struct ScanDir {
    std::string host_path;       // where skiff reads the directory
    std::string container_path;  // where the container sees it; empty: same as host_path
};

struct ScanOptions {
    // false: values are <dir>/<soname>, exactly as ldconfig writes them.
    // true: if <dir>/<soname> does not exist, the value names the real file instead, so the
    //       entry works without a soname link (ldcache.md §0.5).
    bool real_file_values = false;
    // Also list 32-bit libraries of the x86_64 family as ldconfig does (i386: flags 0x0001,
    // or 0x0003 when it needs libc.so.6/libm.so.6 or uses /lib/ld-linux.so.2; x32: 0x0803).
    // Only for comparing with ldconfig: skiff never injects 32-bit libraries.
    bool foreign_32bit = false;
    // Remembered probes (probe_memo.hpp): a library the memo knows is not read, one it does
    // not know is read and remembered. Not used with foreign_32bit.
    ProbeMemo* memo = nullptr;
};

struct ScanResult {
    std::vector<CacheEntry> entries;  // in ldconfig's insertion order (directory by directory)
    std::vector<std::string> warnings;
};

// A directory that does not exist is skipped, as ldconfig does.
Result<ScanResult> scan_directories(const std::vector<ScanDir>& dirs, const ArchInfo& arch,
                                    const ScanOptions& options = {});

}  // namespace skiff::ldcache
