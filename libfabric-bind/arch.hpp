// The architecture table of ldcache.md §1.3: ELF identity, ld.so.cache entry flags, plain-char
// signedness and loader names per target. Only x86_64 and aarch64 are `supported`; the other
// rows are reference data that skiff refuses until they have tests.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace skiff::ldcache {

struct ArchInfo {
    std::string_view uname;          // `uname -m`: "x86_64"
    std::uint16_t e_machine;         // EM_X86_64 = 62
    std::endian byte_order;
    std::int32_t cache_flags;        // ld.so.cache entry flags: FLAG_ELF_LIBC6 | ABI << 8
    bool char_signed;                // plain `char` of the target (the loader's libcmp uses it)
    std::string_view glibc_loader;   // canonical PT_INTERP of glibc programs
    std::string_view musl_loader;    // canonical PT_INTERP of musl programs
    std::string_view musl_arch;      // <ARCH> in ld-musl-<ARCH>.so.1 and ld-musl-<ARCH>.path
    std::string_view multiarch;      // Debian multiarch triple: "x86_64-linux-gnu"
    bool supported;                  // skiff writes configuration for this target
};

// FLAG_ELF_LIBC6: the low byte of every entry skiff writes.
inline constexpr std::int32_t kFlagElfLibc6 = 0x0003;

std::span<const ArchInfo> all_archs();

// Lookups; nullptr when unknown. 32-bit and other ELF classes are never a target.
const ArchInfo* arch_by_uname(std::string_view uname);
const ArchInfo* arch_by_elf(std::uint16_t e_machine, bool is_64bit, std::endian order);
const ArchInfo* arch_by_cache_flags(std::int32_t flags);

// The architecture of this process's host (compile-time target of skiff itself).
const ArchInfo& host_arch();

// Fails with "image is aarch64, node is x86_64"-style errors, or when `image` is unsupported.
Result<void> check_target(const ArchInfo& image, const ArchInfo& node);

// The loader's default library directories to look for libc.so.6 in (multiarch first).
std::vector<std::string> default_lib_dirs(const ArchInfo& arch);

}  // namespace skiff::ldcache
