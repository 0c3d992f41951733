// The ABI checks of hooks.md §1 "Checks" for a host library about to be injected into a glibc
// image: the glibc versions it needs, and the soname major of the image's own copy. Pure; each
// returns the problem as text to put after the library's name, or nullopt.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "libfabric-bind/arch.hpp"
#include "libfabric-bind/cache_format.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::ldcache {

// `image_defs` are the GLIBC_x.y names the image's libc.so.6 defines (libc_detect.hpp). E.g.
// "needs GLIBC_2.38 (libc.so.6), the image has glibc 2.36"; GLIBC_PRIVATE is never satisfiable.
// With no image_defs (libc.so.6 not found) nothing can be checked: nullopt.
std::optional<std::string> glibc_problem(const elf::ElfInfo& lib, const std::vector<std::string>& image_defs);

// "libfabric.so.1" -> {"libfabric.so", "1"}; nullopt for names without ".so.<digits>".
struct SonameParts {
    std::string stem;
    std::string major;
};
std::optional<SonameParts> split_soname(const std::string& soname);

// When the image's cache lists the same library only under another major (the image has
// libfabric.so.2, the host library is libfabric.so.1): "the image has libfabric.so.2
// (/usr/lib64/libfabric.so.2); the majors differ". Entries of other architectures are ignored.
std::optional<std::string> soname_major_problem(const std::string& soname, const std::vector<CacheEntry>& image_cache,
                                                const ArchInfo& arch);

}  // namespace skiff::ldcache
