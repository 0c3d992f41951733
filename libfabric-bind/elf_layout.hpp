// Internal to the ELF prober: the parsed program-header layout and the steps that use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "libfabric-bind/elf_bytes.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::elf::detail {

inline constexpr std::uint32_t kPtLoad = 1;
inline constexpr std::uint32_t kPtDynamic = 2;
inline constexpr std::uint32_t kPtInterp = 3;
inline constexpr std::uint32_t kPtGnuProperty = 0x6474e553;

struct Segment {
    std::uint32_t type = 0;
    std::uint64_t offset = 0;
    std::uint64_t vaddr = 0;
    std::uint64_t filesz = 0;
    std::uint64_t align = 0;
};

struct ElfLayout {
    ElfHeader header;
    std::vector<Segment> segments;
};

// The values of the dynamic array that later steps need (addresses are virtual).
struct DynamicTable {
    std::vector<std::uint64_t> needed;  // string-table offsets
    std::optional<std::uint64_t> soname, strtab, strsz;
    std::optional<std::uint64_t> verneed, verneednum, verdef, verdefnum;
};

// A string table located in the file: strings must end before `end`.
struct StringTable {
    std::uint64_t offset = 0;
    std::uint64_t end = 0;
};

// The byte order from e_ident (the first 16 bytes of `head`, a prefix of the file), or an error
// for anything but ELFCLASS32/64 and ELFDATA2LSB/MSB.
Result<std::endian> ident_order(std::string_view head, const std::string& name);

Result<ElfLayout> parse_layout(const ElfBytes& view, const std::string& name);

// File offset of a virtual address through the PT_LOAD segment containing it; also returns how
// many file bytes of that segment remain from there.
struct Located {
    std::uint64_t offset = 0;
    std::uint64_t available = 0;
};
std::optional<Located> locate(const ElfLayout& layout, std::uint64_t vaddr);

Result<DynamicTable> read_dynamic(const ElfBytes& view, const ElfLayout& layout,
                                  const std::string& name);

// Fills version_needs, version_base and version_defs.
Result<void> read_versions(const ElfBytes& view, const ElfLayout& layout,
                           const DynamicTable& dyn, const StringTable& strings,
                           const std::string& name, ElfInfo& out);

// GNU_PROPERTY_X86_ISA_1_NEEDED from PT_GNU_PROPERTY, as glibc's ldconfig reads it.
std::optional<std::uint32_t> read_x86_isa_needed(const ElfBytes& view,
                                                 const ElfLayout& layout);

}  // namespace skiff::elf::detail
