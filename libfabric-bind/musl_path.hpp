// musl's /etc/ld-musl-<ARCH>.path (ldcache.md §5). musl has no cache: the path file replaces
// its default directories, and lookups match <dir>/<DT_NEEDED name>, so every injected library
// must be visible under its soname. Pure functions: content and link lists as data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::ldcache {

// musl's built-in search path when no path file exists.
inline constexpr std::string_view kMuslDefaultPath = "/lib:/usr/local/lib:/usr/lib";

// Where musl looks for the path file (§5.1): the interpreter path as written in PT_INTERP minus
// its last two components, then "/etc/ld-musl-<ARCH>.path". <ARCH> comes from the loader name
// "ld-musl-<ARCH>.so.1", else from the architecture table.
//   "/lib/ld-musl-x86_64.so.1" -> "/etc/ld-musl-x86_64.path"
//   "/usr/lib/ld-musl-x86_64.so.1" -> "/usr/etc/ld-musl-x86_64.path"
std::string musl_path_file(std::string_view interp, const ArchInfo& arch);

// The image's current path file, as read through a FileSource.
struct MuslExisting {
    enum class State { absent, present, unreadable };
    State state = State::absent;
    std::string content;  // for `present`
};

// The directories musl currently searches (§5.3.1): the file's entries split on ':' and '\n',
// empties dropped, everything else verbatim (no trimming: a trailing '\r' is part of a name);
// the defaults if there is no file; nothing if it is unreadable (musl then searches nothing).
std::vector<std::string> musl_effective_path(const MuslExisting& existing);

// New file content (§5.3.2): the injected directories in order, then the current entries not
// already listed, one per line, each ending in '\n'.
std::string musl_path_content(const std::vector<std::string>& injected_dirs,
                              const MuslExisting& existing);

// An injected library as the container sees it.
struct MuslLibrary {
    std::string container_dir;         // "/opt/skiff/lib"
    std::string file_name;             // the file that exists there: "libfabric.so.1.21.0"
    std::string soname;                // DT_SONAME, or file_name if it has none
    std::vector<std::string> aliases;  // extra names that must resolve to it
};

// A symlink skiff creates: `link` (container path) -> `target` (a name in the same directory).
struct SonameLink {
    std::string link;
    std::string target;
    bool operator==(const SonameLink&) const = default;
};

// The links musl needs: <dir>/<soname> and <dir>/<alias> wherever that name is not the file
// itself. Deterministic order; a name claimed twice in one directory keeps the first claim.
std::vector<SonameLink> musl_soname_links(const std::vector<MuslLibrary>& libs);

// §5.4: a library whose DT_NEEDED names glibc's libc.so.6 or a glibc loader is glibc-linked and
// is not injected into musl images.
bool is_glibc_linked(const elf::ElfInfo& lib);

}  // namespace skiff::ldcache
