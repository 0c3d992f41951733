// e_ident, the ELF header, the program headers and PT_INTERP (ELF gABI, "ELF Header" and
// "Program Header"). Offsets below are the fixed field positions of Elf32_/Elf64_ structures.
#include <fmt/format.h>

#include "libfabric-bind/elf_layout.hpp"

namespace skiff::elf::detail {
namespace {

constexpr std::uint16_t kPnXnum = 0xffff;  // real e_phnum lives in section header 0: unsupported

struct HeaderFields {
    std::uint64_t phoff = 0;
    std::uint16_t phentsize = 0;
    std::uint16_t phnum = 0;
};

Result<HeaderFields> read_header(const ElfBytes& v, ElfHeader& h, const std::string& name) {
    std::size_t header_size = h.is_64bit ? 64 : 52;
    if (!v.contains(0, header_size))
        return fail(fmt::format("{}: truncated ELF header ({} bytes, need {})", name, v.size(),
                                header_size));
    h.type = *v.u16(16);
    h.machine = *v.u16(18);
    HeaderFields f;
    if (h.is_64bit) {
        f.phoff = *v.u64(32);
        h.flags = *v.u32(48);
        f.phentsize = *v.u16(54);
        f.phnum = *v.u16(56);
    } else {
        f.phoff = *v.u32(28);
        h.flags = *v.u32(36);
        f.phentsize = *v.u16(42);
        f.phnum = *v.u16(44);
    }
    return f;
}

Segment read_segment(const ElfBytes& v, std::uint64_t at, bool is_64bit) {
    Segment s;
    s.type = *v.u32(at);
    if (is_64bit) {
        s.offset = *v.u64(at + 8);
        s.vaddr = *v.u64(at + 16);
        s.filesz = *v.u64(at + 32);
        s.align = *v.u64(at + 48);
    } else {
        s.offset = *v.u32(at + 4);
        s.vaddr = *v.u32(at + 8);
        s.filesz = *v.u32(at + 16);
        s.align = *v.u32(at + 28);
    }
    return s;
}

Result<void> read_interp(const ElfBytes& v, const Segment& s, ElfHeader& h,
                         const std::string& name) {
    if (!v.contains(s.offset, s.filesz))
        return fail(fmt::format("{}: truncated: PT_INTERP at offset {} ({} bytes) extends past "
                                "end of file ({} bytes)", name, s.offset, s.filesz, v.size()));
    auto text = v.cstring(s.offset, s.offset + s.filesz);
    if (!text || text->empty())
        return fail(fmt::format("{}: corrupt PT_INTERP (empty or not NUL-terminated)", name));
    h.interp = std::string(*text);
    return {};
}

}  // namespace

Result<std::endian> ident_order(std::string_view bytes, const std::string& name) {
    if (bytes.size() < 16 || bytes.substr(0, 4) != std::string_view("\x7f" "ELF", 4))
        return fail(name + ": not an ELF file (bad magic)");
    auto cls = static_cast<unsigned char>(bytes[4]);
    auto data = static_cast<unsigned char>(bytes[5]);
    if (cls != 1 && cls != 2) return fail(fmt::format("{}: unknown ELF class {}", name, cls));
    if (data != 1 && data != 2) return fail(fmt::format("{}: unknown ELF data encoding {}", name, data));
    return data == 1 ? std::endian::little : std::endian::big;
}

Result<ElfLayout> parse_layout(const ElfBytes& v, const std::string& name) {
    ElfLayout layout;
    ElfHeader& h = layout.header;
    h.is_64bit = v.u8(4) == 2;  // ident_order() checked e_ident
    h.byte_order = v.order();
    auto fields = read_header(v, h, name);
    if (!fields) return Unexpected(fields.error());
    std::uint16_t expected = h.is_64bit ? 56 : 32;
    if (fields->phnum == 0) return layout;
    if (fields->phnum == kPnXnum)
        return fail(name + ": extended program header numbering (PN_XNUM) is not supported");
    if (fields->phentsize != expected)
        return fail(fmt::format("{}: corrupt e_phentsize {} (expected {})", name,
                                fields->phentsize, expected));
    std::uint64_t table = std::uint64_t{fields->phnum} * expected;
    if (!v.contains(fields->phoff, table))
        return fail(fmt::format("{}: truncated: program headers at offset {} ({} x {} bytes) "
                                "extend past end of file ({} bytes)", name, fields->phoff,
                                fields->phnum, expected, v.size()));
    for (std::uint16_t i = 0; i < fields->phnum; ++i) {
        Segment s = read_segment(v, fields->phoff + std::uint64_t{i} * expected, h.is_64bit);
        if (s.type == kPtInterp && !h.interp) {
            if (auto r = read_interp(v, s, h, name); !r) return Unexpected(r.error());
        }
        if (s.type == kPtDynamic) h.has_dynamic = true;
        layout.segments.push_back(s);
    }
    return layout;
}

std::optional<Located> locate(const ElfLayout& layout, std::uint64_t vaddr) {
    for (const Segment& s : layout.segments) {
        if (s.type != kPtLoad || vaddr < s.vaddr) continue;
        std::uint64_t delta = vaddr - s.vaddr;
        if (delta >= s.filesz) continue;
        if (s.offset > UINT64_MAX - delta) continue;
        return Located{s.offset + delta, s.filesz - delta};
    }
    return std::nullopt;
}

}  // namespace skiff::elf::detail
