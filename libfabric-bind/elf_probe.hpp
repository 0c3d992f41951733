// ELF probing without running anything (ldcache.md §1.2): identity, PT_INTERP, SONAME,
// DT_NEEDED, the versions needed (DT_VERNEED, `.gnu.version_r`) and defined (DT_VERDEF).
// Only program headers and the dynamic array are used; section headers are never needed.
// Every offset, count and string is bounds-checked; a malformed file is an Error naming it.
#pragma once

#include <sys/stat.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace skiff::elf {

inline constexpr std::uint16_t kEtExec = 2;
inline constexpr std::uint16_t kEtDyn = 3;

// What the ELF header and program headers say.
struct ElfHeader {
    bool is_64bit = true;
    std::endian byte_order = std::endian::little;
    std::uint16_t type = 0;     // e_type: ET_EXEC 2, ET_DYN 3
    std::uint16_t machine = 0;  // e_machine
    std::uint32_t flags = 0;    // e_flags (RISC-V float ABI)
    std::optional<std::string> interp;  // PT_INTERP, as written
    bool has_dynamic = false;           // a PT_DYNAMIC segment exists
};

// The versions one DT_NEEDED file must provide, e.g. {"libc.so.6", {"GLIBC_2.34", ...}}.
struct VersionNeed {
    std::string file;
    std::vector<std::string> versions;
};

struct ElfInfo : ElfHeader {
    std::optional<std::string> soname;
    std::vector<std::string> needed;             // DT_NEEDED in order
    std::vector<VersionNeed> version_needs;      // DT_VERNEED, grouped by file
    std::optional<std::string> version_base;     // the VER_FLG_BASE definition (own name)
    std::vector<std::string> version_defs;       // other DT_VERDEF names in file order
    std::optional<std::uint32_t> x86_isa_needed; // GNU_PROPERTY_X86_ISA_1_NEEDED bits
};

// What probe() reads beyond the headers, SONAME and DT_NEEDED.
struct ProbeOptions {
    // DT_VERNEED/DT_VERDEF (version_needs, version_base, version_defs). A directory scan does
    // not need them (ldconfig never reads them), so it skips them and their errors.
    bool versions = true;
    // DT_NEEDED names. A scan needs them only to classify 32-bit x86 libraries.
    bool needed = true;
};

// Reads only e_ident, the ELF header, the program headers and PT_INTERP, so a prefix of a large
// executable is enough. `name` is used in error messages.
Result<ElfHeader> probe_header(std::string_view bytes, const std::string& name);

// Reads everything in ElfInfo. A file without PT_DYNAMIC (static) yields empty dynamic fields.
Result<ElfInfo> probe(std::string_view bytes, const std::string& name, const ProbeOptions& options = {});

// probe() on an open file, reading only the pages it looks at (pread): the same result and the
// same messages as probe() on the whole file, plus "read '<name>': ..." for an I/O error or a
// header table, dynamic array or note over 64 MiB (which no real library has).
Result<ElfInfo> probe_fd(int fd, const std::string& name, const ProbeOptions& options = {});

// probe_fd(), but nullopt for what a directory scan skips silently: something that is not a
// regular file, or a file without the ELF magic (linker scripts such as libc.so).
Result<std::optional<ElfInfo>> probe_fd_if_elf(int fd, const std::string& name,
                                               const ProbeOptions& options = {});
// The same for a file whose fstat() the caller has: `st` must be fd's.
Result<std::optional<ElfInfo>> probe_fd_if_elf(int fd, const struct stat& st, const std::string& name,
                                               const ProbeOptions& options = {});

// probe_fd() on a host file.
Result<ElfInfo> probe_file(const std::string& host_path, const ProbeOptions& options = {});

}  // namespace skiff::elf
