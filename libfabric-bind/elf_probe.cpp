#include "libfabric-bind/elf_probe.hpp"

#include <fmt/format.h>

#include "libfabric-bind/elf_layout.hpp"
#include "libfabric-bind/mapped_file.hpp"

namespace skiff::elf {
namespace {

using detail::DynamicTable;
using detail::ElfLayout;
using detail::StringTable;

// DT_STRTAB/DT_STRSZ located in the file; strings must end inside both the table and the
// PT_LOAD segment holding it.
Result<StringTable> locate_strings(const binio::ByteView& v, const ElfLayout& layout,
                                   const DynamicTable& dyn, const std::string& name) {
    if (!dyn.strtab) return fail(name + ": corrupt dynamic section: no DT_STRTAB");
    auto at = detail::locate(layout, *dyn.strtab);
    if (!at)
        return fail(fmt::format("{}: corrupt DT_STRTAB: address {:#x} is not in any PT_LOAD "
                                "segment", name, *dyn.strtab));
    std::uint64_t size = at->available;
    if (dyn.strsz && *dyn.strsz < size) size = *dyn.strsz;
    if (!v.contains(at->offset, size))
        return fail(fmt::format("{}: truncated: string table at offset {} ({} bytes) extends past "
                                "end of file ({} bytes)", name, at->offset, size, v.size()));
    return StringTable{at->offset, at->offset + size};
}

Result<std::string> dyn_string(const binio::ByteView& v, const StringTable& st, std::uint64_t off,
                               const std::string& name, const char* tag) {
    if (off >= st.end - st.offset)
        return fail(fmt::format("{}: corrupt {}: string offset {} outside the string table", name,
                                tag, off));
    auto s = v.cstring(st.offset + off, st.end);
    if (!s) return fail(fmt::format("{}: corrupt {}: unterminated string", name, tag));
    return std::string(*s);
}

Result<void> read_names(const binio::ByteView& v, const DynamicTable& dyn, const StringTable& st,
                        const std::string& name, ElfInfo& out) {
    if (dyn.soname) {
        auto s = dyn_string(v, st, *dyn.soname, name, "DT_SONAME");
        if (!s) return Unexpected(s.error());
        out.soname = std::move(*s);
    }
    for (std::uint64_t off : dyn.needed) {
        auto s = dyn_string(v, st, off, name, "DT_NEEDED");
        if (!s) return Unexpected(s.error());
        out.needed.push_back(std::move(*s));
    }
    return {};
}

}  // namespace

Result<ElfHeader> probe_header(std::string_view bytes, const std::string& name) {
    auto view = detail::open_view(bytes, name);
    if (!view) return Unexpected(view.error());
    auto layout = detail::parse_layout(*view, name);
    if (!layout) return Unexpected(layout.error());
    return layout->header;
}

Result<ElfInfo> probe(std::string_view bytes, const std::string& name) {
    auto view = detail::open_view(bytes, name);
    if (!view) return Unexpected(view.error());
    auto layout = detail::parse_layout(*view, name);
    if (!layout) return Unexpected(layout.error());
    ElfInfo info;
    static_cast<ElfHeader&>(info) = layout->header;
    info.x86_isa_needed = detail::read_x86_isa_needed(*view, *layout);
    if (!info.has_dynamic) return info;
    auto dyn = detail::read_dynamic(*view, *layout, name);
    if (!dyn) return Unexpected(dyn.error());
    bool wants_strings = dyn->soname || !dyn->needed.empty() || dyn->verneed || dyn->verdef;
    if (!wants_strings) return info;
    auto strings = locate_strings(*view, *layout, *dyn, name);
    if (!strings) return Unexpected(strings.error());
    if (auto r = read_names(*view, *dyn, *strings, name, info); !r) return Unexpected(r.error());
    if (auto r = detail::read_versions(*view, *layout, *dyn, *strings, name, info); !r)
        return Unexpected(r.error());
    return info;
}

Result<ElfInfo> probe_file(const std::string& host_path) {
    auto file = ldcache::MappedFile::open(host_path);
    if (!file) return Unexpected(file.error());
    return probe(file->bytes(), host_path);
}

}  // namespace skiff::elf
