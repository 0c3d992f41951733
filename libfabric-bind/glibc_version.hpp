// glibc symbol-version names ("GLIBC_2.34") and the compatibility of a library's needs with an
// image's glibc (ldcache.md §1.1.5, §1.2). Versions compare numerically component by component;
// a needed GLIBC_PRIVATE ties a library to one glibc build and is treated as incompatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libfabric-bind/elf_probe.hpp"

namespace skiff::elf {

using VersionNumber = std::vector<std::uint32_t>;

// "GLIBC_2.2.5" -> {2, 2, 5}; nullopt for GLIBC_PRIVATE, other prefixes or malformed numbers.
std::optional<VersionNumber> parse_glibc_version(std::string_view name);

// <0, 0, >0 like strcmp; missing trailing components count as 0 ("2.2" == "2.2.0").
int compare_versions(const VersionNumber& a, const VersionNumber& b);

// The highest GLIBC_x.y among `names`, as its name ("GLIBC_2.36"); nullopt if there is none.
std::optional<std::string> highest_glibc_version(const std::vector<std::string>& names);

// True for the sonames of glibc's own libraries (libc, libm, the loaders, libpthread, ...):
// skiff never replaces these in an image (ldcache.md §3).
bool is_glibc_family(std::string_view soname);

struct GlibcCompat {
    bool compatible = true;
    std::vector<std::string> missing;  // "libc.so.6:GLIBC_2.38"
    bool needs_private = false;        // needs GLIBC_PRIVATE from some glibc library
};

// Whether every GLIBC_x.y that `lib` needs from a glibc-family library is at most the highest
// version among `image_defs` (the image's libc.so.6 DT_VERDEF names).
GlibcCompat check_glibc_compat(const ElfInfo& lib, const std::vector<std::string>& image_defs);

}  // namespace skiff::elf
