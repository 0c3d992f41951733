// Entry points for `skiff run`: the bytes of the image's new dynamic-linker configuration for a
// set of injected host library directories. Image files are read only through a FileSource
// (only the few files named below, never a tree scan); injected directories are host
// directories read directly. Nothing is written or executed here: the caller installs the
// results (ldcache.md §4: temp file + renameat on a writable root, a read-only bind otherwise)
// and creates the links.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_writer.hpp"
#include "libfabric-bind/file_source.hpp"
#include "libfabric-bind/libc_detect.hpp"
#include "libfabric-bind/musl_path.hpp"
#include "libfabric-bind/probe_memo.hpp"

namespace skiff::ldcache {

// The largest /etc/ld.so.cache read from an image (a real one is well under 1 MiB).
constexpr std::size_t image_cache_limit = std::size_t{256} << 20;

// A host directory of libraries and the container path where it is mounted. Earlier
// directories take precedence over later ones.
struct InjectedDir {
    std::string host_path;
    std::string container_path;
};

// An extra name for an injected library, e.g. {"libnccl-net.so", "libnccl-net-ofi.so"}: the
// alias resolves to whatever `soname` resolves to.
struct Alias {
    std::string name;
    std::string soname;
};

struct GlibcPlan {
    std::string path = "/etc/ld.so.cache";  // container path to install `bytes` at
    std::string bytes;
    std::size_t entries = 0;
    std::size_t image_entries_replaced = 0;
    std::vector<std::string> warnings;
};

// A single injected file (a hook's /.skiff/lib/<soname> bind, named by the caller): a cache
// key and the container path it resolves to. Aliases are just more keys.
struct InjectedFile {
    std::string key;
    std::string container_path;
};

// Reads the image's /etc/ld.so.cache (an unreadable or invalid one counts as none, with a
// warning), scans `dirs` with ldconfig's rules (values name the real file when no soname link
// exists), adds `files` after them (the directories, the EDF's, win a tie) and merges
// (cache_merge.hpp): injected libraries win over the image's copies. With a `memo`, the scan
// reads only the libraries it does not know (probe_memo.hpp); the caller saves it.
Result<GlibcPlan> plan_glibc_cache(FileSource& image, const std::vector<InjectedDir>& dirs,
                                   const ArchInfo& arch, const std::vector<Alias>& aliases = {},
                                   const WriteOptions& options = {}, const std::vector<InjectedFile>& files = {},
                                   ProbeMemo* memo = nullptr);

struct MuslPlan {
    std::string path;                    // container path of the path file
    std::string content;                 // its new content
    std::vector<SonameLink> links;       // symlinks to create (container paths)
    std::vector<std::string> injected;   // directories that ended up in the file
    std::vector<std::string> warnings;   // skipped glibc-linked libraries, unreadable file
};

// For a musl image (`libc.musl`): the path file with the injected directories first and the
// image's current path after (§5.3), and the soname links musl needs. Libraries linked against
// glibc are skipped with a warning (§5.4); a directory left without libraries is not listed.
Result<MuslPlan> plan_musl_path(FileSource& image, const LibcInfo& libc,
                                const std::vector<InjectedDir>& dirs,
                                const std::vector<Alias>& aliases = {});

}  // namespace skiff::ldcache
