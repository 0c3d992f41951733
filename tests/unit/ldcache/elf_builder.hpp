// Builds tiny synthetic ELF files in memory (ELF32/64, either byte order) with chosen dynamic
// contents, so the prober can be tested on layouts no toolchain here produces, and so that
// corruption tests know exactly where each structure lies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libfabric-bind/elf_probe.hpp"

namespace skiff::ldtest {

struct ElfSpec {
    bool is_64bit = true;
    bool big_endian = false;
    std::uint16_t type = 3;      // ET_DYN
    std::uint16_t machine = 62;  // EM_X86_64
    std::uint32_t flags = 0;
    std::optional<std::string> interp;
    bool dynamic = true;
    std::optional<std::string> soname;
    std::vector<std::string> needed;
    std::vector<elf::VersionNeed> version_needs;
    std::vector<std::string> version_defs;  // the first one is the VER_FLG_BASE definition
    std::optional<std::uint32_t> x86_isa_needed;
    std::uint64_t vaddr = 0x200000;  // virtual address of file offset 0
};

// Where the builder put things (file offsets), for targeted corruption.
struct ElfMap {
    std::uint64_t phoff = 0, dynamic = 0, dynstr = 0, verneed = 0, verdef = 0, interp = 0;
};

std::string build_elf(const ElfSpec& spec, ElfMap* map = nullptr);

}  // namespace skiff::ldtest
