// PT_GNU_PROPERTY: the NT_GNU_PROPERTY_TYPE_0 note (x86-64 psABI "Program Property"). ldconfig
// stores the x86 ISA level of libraries in glibc-hwcaps subdirectories in the cache entry, so
// the writer needs GNU_PROPERTY_X86_ISA_1_NEEDED. Notes: Elf_Nhdr {u32 namesz, descsz, type},
// then the name and the descriptor, each aligned to the segment alignment (8 for ELF64).
#include "libfabric-bind/elf_layout.hpp"

namespace skiff::elf::detail {
namespace {

constexpr std::uint32_t kNtGnuPropertyType0 = 5;
constexpr std::uint32_t kX86Isa1Needed = 0xc0008002;

std::uint64_t align_up(std::uint64_t v, std::uint64_t a) { return (v + a - 1) / a * a; }

// Properties are sorted by type; stop once past the one we want.
std::optional<std::uint32_t> scan_properties(const ElfBytes& v, std::uint64_t at,
                                             std::uint64_t end, std::uint64_t align) {
    while (end >= at && end - at >= 8) {
        std::uint32_t type = *v.u32(at);
        std::uint32_t size = *v.u32(at + 4);
        at += 8;
        if (size > end - at || type > kX86Isa1Needed) return std::nullopt;
        if (type == kX86Isa1Needed) {
            if (size != 4) return std::nullopt;
            return *v.u32(at);
        }
        at += align_up(size, align);
    }
    return std::nullopt;
}

std::optional<std::uint32_t> scan_notes(const ElfBytes& v, const Segment& s,
                                        std::uint64_t align) {
    std::uint64_t at = s.offset;
    std::uint64_t end = s.offset + s.filesz;
    while (end - at >= 12) {
        std::uint32_t namesz = *v.u32(at);
        std::uint32_t descsz = *v.u32(at + 4);
        std::uint32_t type = *v.u32(at + 8);
        std::uint64_t desc = at + align_up(12 + std::uint64_t{namesz}, align);
        if (desc > end || descsz > end - desc) return std::nullopt;
        auto owner = v.slice(at + 12, namesz);
        if (type == kNtGnuPropertyType0 && owner && *owner == std::string_view("GNU\0", 4))
            return scan_properties(v, desc, desc + descsz, align);
        at = desc + align_up(descsz, align);
        if (at > end) return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::uint32_t> read_x86_isa_needed(const ElfBytes& v, const ElfLayout& layout) {
    std::uint64_t align = layout.header.is_64bit ? 8 : 4;
    for (const Segment& s : layout.segments) {
        if (s.type != kPtGnuProperty || s.align != align) continue;
        if (!v.contains(s.offset, s.filesz)) return std::nullopt;
        return scan_notes(v, s, align);
    }
    return std::nullopt;
}

}  // namespace skiff::elf::detail
