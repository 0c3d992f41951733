// The dynamic array (PT_DYNAMIC): Elf64_Dyn is {i64 d_tag, u64 d_val}, Elf32_Dyn {i32, u32}.
#include <fmt/format.h>

#include "libfabric-bind/elf_layout.hpp"

namespace skiff::elf::detail {
namespace {

constexpr std::uint64_t kDtNull = 0;
constexpr std::uint64_t kDtNeeded = 1;
constexpr std::uint64_t kDtStrtab = 5;
constexpr std::uint64_t kDtStrsz = 10;
constexpr std::uint64_t kDtSoname = 14;
constexpr std::uint64_t kDtVerdef = 0x6ffffffc;
constexpr std::uint64_t kDtVerdefnum = 0x6ffffffd;
constexpr std::uint64_t kDtVerneed = 0x6ffffffe;
constexpr std::uint64_t kDtVerneednum = 0x6fffffff;

void record(DynamicTable& t, std::uint64_t tag, std::uint64_t value) {
    switch (tag) {
        case kDtNeeded: t.needed.push_back(value); break;
        case kDtStrtab: t.strtab = value; break;
        case kDtStrsz: t.strsz = value; break;
        case kDtSoname: t.soname = value; break;
        case kDtVerdef: t.verdef = value; break;
        case kDtVerdefnum: t.verdefnum = value; break;
        case kDtVerneed: t.verneed = value; break;
        case kDtVerneednum: t.verneednum = value; break;
        default: break;
    }
}

const Segment* dynamic_segment(const ElfLayout& layout) {
    for (const Segment& s : layout.segments)
        if (s.type == kPtDynamic) return &s;
    return nullptr;
}

}  // namespace

Result<DynamicTable> read_dynamic(const ElfBytes& v, const ElfLayout& layout,
                                  const std::string& name) {
    DynamicTable table;
    const Segment* dyn = dynamic_segment(layout);
    if (!dyn) return table;
    if (!v.contains(dyn->offset, dyn->filesz))
        return fail(fmt::format("{}: truncated: PT_DYNAMIC at offset {} ({} bytes) extends past "
                                "end of file ({} bytes)", name, dyn->offset, dyn->filesz, v.size()));
    std::uint64_t entry = layout.header.is_64bit ? 16 : 8;
    for (std::uint64_t at = dyn->offset; at + entry <= dyn->offset + dyn->filesz; at += entry) {
        std::uint64_t tag = layout.header.is_64bit ? *v.u64(at) : *v.u32(at);
        std::uint64_t value = layout.header.is_64bit ? *v.u64(at + 8) : *v.u32(at + 4);
        if (tag == kDtNull) break;
        record(table, tag, value);
    }
    return table;
}

}  // namespace skiff::elf::detail
