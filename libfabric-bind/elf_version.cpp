// Symbol versioning (`.gnu.version_r` = DT_VERNEED, `.gnu.version_d` = DT_VERDEF), LSB "Symbol
// Versioning". Record layouts are the same for ELF32 and ELF64:
//   Elf_Verneed  {u16 vn_version, u16 vn_cnt, u32 vn_file, u32 vn_aux, u32 vn_next}   16 bytes
//   Elf_Vernaux  {u32 vna_hash, u16 vna_flags, u16 vna_other, u32 vna_name, u32 vna_next} 16
//   Elf_Verdef   {u16 vd_version, u16 vd_flags, u16 vd_ndx, u16 vd_cnt, u32 vd_hash,
//                 u32 vd_aux, u32 vd_next}                                              20
//   Elf_Verdaux  {u32 vda_name, u32 vda_next}                                            8
// Chains advance by *_next (0 ends them); a forward-only walk bounded by the file size cannot
// loop, and every record is bounds-checked before it is read.
#include <fmt/format.h>

#include "libfabric-bind/elf_layout.hpp"

namespace skiff::elf::detail {
namespace {

constexpr std::uint16_t kVerFlgBase = 1;
constexpr std::uint64_t kMaxRecords = 1u << 16;

Result<std::string> string_at(const ElfBytes& v, const StringTable& st, std::uint64_t off,
                              const std::string& name, const char* what) {
    if (off >= st.end - st.offset)
        return fail(fmt::format("{}: corrupt {}: string offset {} outside the string table", name,
                                what, off));
    auto s = v.cstring(st.offset + off, st.end);
    if (!s) return fail(fmt::format("{}: corrupt {}: unterminated string", name, what));
    return std::string(*s);
}

Result<std::uint64_t> table_offset(const ElfLayout& layout, std::uint64_t vaddr,
                                   const std::string& name, const char* what) {
    auto at = locate(layout, vaddr);
    if (!at) return fail(fmt::format("{}: corrupt {}: address {:#x} is not in any PT_LOAD segment",
                                     name, what, vaddr));
    return at->offset;
}

Result<std::vector<std::string>> read_aux_names(const ElfBytes& v, const StringTable& st,
                                                std::uint64_t at, std::uint16_t count,
                                                const std::string& name) {
    std::vector<std::string> names;
    for (std::uint16_t i = 0; i < count; ++i) {
        if (!v.contains(at, 16)) return fail(name + ": truncated: DT_VERNEED auxiliary entry");
        auto text = string_at(v, st, *v.u32(at + 8), name, "DT_VERNEED");
        if (!text) return Unexpected(text.error());
        names.push_back(std::move(*text));
        std::uint32_t next = *v.u32(at + 12);
        if (next == 0) break;
        at += next;
    }
    return names;
}

Result<void> read_verneed(const ElfBytes& v, const ElfLayout& layout,
                          const DynamicTable& dyn, const StringTable& st, const std::string& name,
                          ElfInfo& out) {
    auto start = table_offset(layout, *dyn.verneed, name, "DT_VERNEED");
    if (!start) return Unexpected(start.error());
    std::uint64_t count = dyn.verneednum.value_or(kMaxRecords);
    std::uint64_t at = *start;
    for (std::uint64_t i = 0; i < count && i < kMaxRecords; ++i) {
        if (!v.contains(at, 16)) return fail(name + ": truncated: DT_VERNEED entry past end of file");
        if (*v.u16(at) != 1)
            return fail(fmt::format("{}: corrupt DT_VERNEED: version {}", name, *v.u16(at)));
        auto file = string_at(v, st, *v.u32(at + 4), name, "DT_VERNEED");
        if (!file) return Unexpected(file.error());
        auto versions = read_aux_names(v, st, at + *v.u32(at + 8), *v.u16(at + 2), name);
        if (!versions) return Unexpected(versions.error());
        out.version_needs.push_back({std::move(*file), std::move(*versions)});
        std::uint32_t next = *v.u32(at + 12);
        if (next == 0) break;
        at += next;
    }
    return {};
}

Result<void> read_verdef(const ElfBytes& v, const ElfLayout& layout,
                         const DynamicTable& dyn, const StringTable& st, const std::string& name,
                         ElfInfo& out) {
    auto start = table_offset(layout, *dyn.verdef, name, "DT_VERDEF");
    if (!start) return Unexpected(start.error());
    std::uint64_t count = dyn.verdefnum.value_or(kMaxRecords);
    std::uint64_t at = *start;
    for (std::uint64_t i = 0; i < count && i < kMaxRecords; ++i) {
        if (!v.contains(at, 20)) return fail(name + ": truncated: DT_VERDEF entry past end of file");
        if (*v.u16(at) != 1)
            return fail(fmt::format("{}: corrupt DT_VERDEF: version {}", name, *v.u16(at)));
        std::uint64_t aux = at + *v.u32(at + 12);
        if (*v.u16(at + 6) > 0) {
            if (!v.contains(aux, 8)) return fail(name + ": truncated: DT_VERDEF auxiliary entry");
            auto text = string_at(v, st, *v.u32(aux), name, "DT_VERDEF");
            if (!text) return Unexpected(text.error());
            if (*v.u16(at + 2) & kVerFlgBase) out.version_base = std::move(*text);
            else out.version_defs.push_back(std::move(*text));
        }
        std::uint32_t next = *v.u32(at + 16);
        if (next == 0) break;
        at += next;
    }
    return {};
}

}  // namespace

Result<void> read_versions(const ElfBytes& v, const ElfLayout& layout,
                           const DynamicTable& dyn, const StringTable& strings,
                           const std::string& name, ElfInfo& out) {
    if (dyn.verneed) {
        if (auto r = read_verneed(v, layout, dyn, strings, name, out); !r) return r;
    }
    if (dyn.verdef) {
        if (auto r = read_verdef(v, layout, dyn, strings, name, out); !r) return r;
    }
    return {};
}

}  // namespace skiff::elf::detail
