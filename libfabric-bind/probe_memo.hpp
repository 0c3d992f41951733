// What a directory scan learned about host libraries, remembered between runs as glibc's
// ldconfig remembers it in its aux cache: a scan then costs one stat per library instead of
// an open and two or three reads of its headers. An entry is keyed by the file's identity
// (device, inode, size, modification and change times). Writing to a file or putting another
// in its place changes that identity, so a remembered result is only used for the bytes it
// was read from.
//
// Only what a scan uses is remembered: the ELF type, class, machine, byte order, whether it has
// a dynamic array, its SONAME and x86 ISA level; never DT_NEEDED, PT_INTERP or versions.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "libfabric-bind/elf_probe.hpp"

namespace skiff::ldcache {

struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    bool operator==(const FileIdentity&) const = default;
};

FileIdentity identity_of(const struct stat& st);

// A remembered probe: the facts of an ELF file, or nullopt for a file that is not one.
using RememberedProbe = std::optional<elf::ElfInfo>;

class ProbeMemo {
public:
    // The entries stored in `file`; none if it is missing, unreadable or not a memo. An empty
    // `file` is no memo at all: nothing is read, and save() writes nothing.
    static ProbeMemo load(const std::string& file);

    // The remembered probe of the file with this identity, or null.
    const RememberedProbe* find(const FileIdentity& id);
    void remember(const FileIdentity& id, const RememberedProbe& probe);

    // Writes the entries back if remember() added any, the ones used in this run first, at
    // most max_entries. Best effort: a memo that cannot be written only makes the next scan
    // read the libraries again.
    void save() const;

    static constexpr std::size_t max_entries = 8192;

    // The file's bytes, for tests.
    std::string encode() const;
    static ProbeMemo decode(std::string_view bytes);

private:
    struct Hash {
        std::size_t operator()(const FileIdentity& id) const;
    };
    struct Entry {
        RememberedProbe probe;
        bool used = false;
    };
    std::string file_;
    std::unordered_map<FileIdentity, Entry, Hash> entries_;
    bool changed_ = false;
};

}  // namespace skiff::ldcache
