// The DT_NEEDED closure of a set of host libraries (hooks.md §1 "Libraries"), resolved the way
// the host's loader would find them without an LD_LIBRARY_PATH: through the host's
// /etc/ld.so.cache (read with skiff's own reader), then the requesting library's own directory
// (site stacks installed side by side, usually found through RUNPATH), then the default
// directories. Nothing is executed; each file is probed (elf_probe.hpp).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::ldcache {

// soname -> host path, from the host's ld.so.cache: plain entries with the architecture's flags,
// the first one in file order (the one the loader takes).
class HostLibraryIndex {
public:
    HostLibraryIndex() = default;
    // An unreadable or invalid cache gives an empty index (lookups then use the directories).
    static HostLibraryIndex from_cache_bytes(std::string_view bytes, const ArchInfo& arch);
    static HostLibraryIndex from_cache_file(const std::string& path, const ArchInfo& arch);
    std::optional<std::string> find(const std::string& soname) const;
    void add(const std::string& soname, const std::string& path) { paths_.emplace(soname, path); }
    const std::map<std::string, std::string>& entries() const { return paths_; }  // soname -> path

private:
    std::map<std::string, std::string> paths_;
};

struct ClosureLibrary {
    std::string path;         // the host path it was found at (as configured, or from the cache)
    std::string real_path;    // after symlinks: the file that gets bound
    std::string soname;       // DT_SONAME, else the file name
    std::string needed_by;    // "" for a configured library, else the soname that needs it
    elf::ElfInfo info;
};

struct ClosureOptions {
    // Sonames that are never followed nor injected (besides the C library, glibc's family and
    // musl's names, always left out).
    std::function<bool(std::string_view)> exclude;
};

struct ClosureResult {
    std::vector<ClosureLibrary> libraries;  // configured ones first, then breadth-first
    std::vector<std::string> left_out;      // sonames left out (glibc family, `exclude`)
    // The paths a dependency was looked for at and not found (no regular file there), in the
    // order tried: a library that appears at one of them would be found instead.
    std::vector<std::string> looked_in_vain;
};

// `roots` are host paths of existing files. Errors name the file: not an ELF library of `arch`,
// or a dependency that can be found nowhere ("libfabric.so.1 needs libcxi.so.1, which is not
// in /etc/ld.so.cache nor next to it").
Result<ClosureResult> library_closure(const std::vector<std::string>& roots, const HostLibraryIndex& index,
                                      const ArchInfo& arch, const ClosureOptions& options = {});

}  // namespace skiff::ldcache
